//! Accounts and sessions (issue 13): argon2 runs are bounded and cost the same for known
//! and unknown e-mails, failed logins are throttled, sessions can be listed, revoked and
//! logged out on the server (their WebSockets close), passwords can be changed.

mod links;
mod logins;
mod operator;
mod sessions;

use ebb_core::{Brand, ExpertStatus};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};
use crate::ws_client::admin;

/// The two login routes and an account of `brand` for each: `(route, e-mail)`.
pub async fn accounts(app: &TestApp, brand: &Brand) -> [(&'static str, String); 2] {
    app.expert(brand, "ada", 1, ExpertStatus::Available).await;
    admin(app, brand, "root").await;
    [
        ("/api/v1/auth/login", format!("ada@{}.test", brand.slug)),
        ("/api/v1/admin/login", format!("root@{}.test", brand.slug)),
    ]
}

/// Tries a login at `route`: its status, body and `Retry-After` header.
pub async fn try_login(
    app: &TestApp,
    route: &str,
    brand: &str,
    email: &str,
    password: &str,
) -> (StatusCode, Value, Option<String>) {
    let body = json!({"brand": brand, "email": email, "password": password});
    let resp = app
        .http
        .request(Method::POST, format!("{}{route}", app.base))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body, retry)
}

/// Logs in with the test password: the token.
pub async fn login(app: &TestApp, route: &str, brand: &str, email: &str) -> String {
    let (status, body, _) = try_login(app, route, brand, email, PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{}: {body}", app.backend);
    body["token"].as_str().expect("token").to_owned()
}
