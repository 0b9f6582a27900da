//! Issue 13, bad input over every route of the generated OpenAPI document: malformed and
//! out-of-range dates, NUL characters in any string, wrong methods and unknown paths all
//! answer a 4xx problem+json, never a 500.

use std::collections::BTreeSet;

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of};
use crate::ws_client::admin;

mod dates;
mod methods;
mod nul;

/// A token of each audience and the ids that make a route's path real.
pub(super) struct Callers {
    visitor: String,
    visitor_id: Value,
    expert: String,
    admin: String,
    key: String,
    conversation: String,
}

impl Callers {
    /// The brand `acme` with the visitor's conversation held by `ada`.
    async fn new(app: &TestApp) -> Self {
        let brand = app.brand("acme").await;
        let (_, expert) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let visitor = app.visitor(&brand).await;
        let started = app.start(&brand, &visitor, "hello", "m").await;
        let admin = admin(app, &brand, "root").await;
        let (s, key) = app
            .post("/api/v1/admin/api-keys", &admin, json!({"name": "shop"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{key}");
        Self {
            visitor,
            visitor_id: started["conversation"]["visitor_id"].clone(),
            expert,
            admin,
            key: key["key"].as_str().expect("key").to_owned(),
            conversation: id_of(&started),
        }
    }

    /// The token for a route's security scheme.
    fn token(&self, scheme: Option<&str>) -> Option<&str> {
        match scheme? {
            "visitor_token" => Some(&self.visitor),
            "expert_session" => Some(&self.expert),
            "admin_session" => Some(&self.admin),
            _ => Some(&self.key),
        }
    }

    /// `template` with its path parameters filled in: the brand, the conversation, an
    /// order id.
    fn path(&self, template: &str) -> String {
        template
            .replace("{brand}", "acme")
            .replace("{id}", &self.conversation)
            .replace("{order_id}", "A-1")
    }
}

/// The generated OpenAPI document as JSON.
fn document() -> Value {
    serde_json::to_value(ebb_server::openapi::document()).expect("json")
}

/// Asserts a 4xx problem+json answer (never a 5xx, never a success).
async fn assert_problem(resp: reqwest::Response, what: &str) -> StatusCode {
    let status = resp.status();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = resp.text().await.unwrap_or_default();
    assert!(status.is_client_error(), "{what} -> {status} {body}");
    assert_eq!(
        kind, "application/problem+json",
        "{what} -> {status} {body}"
    );
    let problem: Value = serde_json::from_str(&body).expect("problem json");
    assert!(
        problem["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")),
        "{what}: {problem}"
    );
    status
}

/// Sends `method url` with an optional JSON `body` as the holder of `token`.
async fn send(
    app: &TestApp,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut req = app.http.request(method, format!("{}{url}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.expect("send")
}

/// The upper-case methods of each path of the document.
fn methods_by_path(doc: &Value) -> Vec<(String, BTreeSet<String>)> {
    let methods = ["get", "post", "put", "patch", "delete"];
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(path, item)| {
            let here = item
                .as_object()
                .expect("item")
                .keys()
                .filter(|m| methods.contains(&m.as_str()))
                .map(|m| m.to_uppercase())
                .collect();
            (path.clone(), here)
        })
        .collect()
}
