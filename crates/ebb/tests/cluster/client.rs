//! HTTP calls for the cluster and kill tests.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How long a test waits for an expected frame or state.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// Calls the API and insists on a 2xx answer.
pub async fn call(
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> Value {
    let client = reqwest::Client::new();
    let mut req = client.request(method, format!("{base}{path}"));
    if !body.is_null() {
        req = req.json(&body);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let value: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

/// `GET path` on `base` as the holder of `token`; insists on a 2xx answer.
pub async fn get(base: &str, path: &str, token: &str) -> Value {
    call(base, Method::GET, path, Some(token), Value::Null).await
}

/// `POST path` on `base` with `body` as the holder of `token`; insists on a 2xx answer.
pub async fn post(base: &str, path: &str, token: &str, body: Value) -> Value {
    call(base, Method::POST, path, Some(token), body).await
}

/// The time of the test clock on `base`.
pub async fn clock(base: &str) -> OffsetDateTime {
    let now = call(base, Method::GET, "/api/v1/test/clock", None, Value::Null).await;
    OffsetDateTime::parse(now["now"].as_str().expect("now"), &Rfc3339).expect("parse now")
}

/// Moves the test clock on `base` forward by `seconds`.
pub async fn advance(base: &str, seconds: i64) {
    let body = json!({"seconds": seconds});
    call(base, Method::POST, "/api/v1/test/clock/advance", None, body).await;
}

/// `at` as the API writes times (RFC 3339).
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("format time")
}

fn token(v: &Value) -> String {
    v["token"].as_str().expect("token").to_owned()
}

/// Logs a demo expert in on `base`; returns (token, expert id).
pub async fn expert(base: &str, email: &str) -> (String, String) {
    let login = json!({"brand": "demo", "email": email, "password": "ebb-demo"});
    let t = token(&call(base, Method::POST, "/api/v1/auth/login", None, login).await);
    let me = get(base, "/api/v1/expert/me", &t).await;
    let id = me["id"].as_str().or(me["expert"]["id"].as_str());
    (t.clone(), id.expect("expert id").to_owned())
}

/// A new visitor on `base`; returns their token.
pub async fn visitor(base: &str) -> String {
    let path = "/api/v1/widget/demo/visitors";
    token(&call(base, Method::POST, path, None, Value::Null).await)
}

/// A visitor starts a conversation on `base`; returns its id.
pub async fn start(base: &str, visitor: &str, body: &str) -> String {
    let path = "/api/v1/widget/demo/conversations";
    let started = post(base, path, visitor, json!({"body": body})).await;
    started["conversation"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}
