//! Security headers on every answer: each route of the generated OpenAPI document (with and
//! without its credential, so successes and refusals alike) and each embedded page and
//! file carry nosniff, a referrer policy and a CSP that forbids framing; pages get the
//! strict page policy; API and JSON answers are never stored.

use ebb_core::ExpertStatus;
use ebb_server::headers::{PAGE_POLICY, REFERRER, RESOURCE_POLICY};
use ebb_server::openapi::{Audience, routes};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, per_backend};
use crate::ws_client::admin;

/// Checks the headers of one answer to `what`; returns whether it was a success.
fn check(what: &str, status: StatusCode, headers: &HeaderMap) -> bool {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    assert_eq!(
        get("x-content-type-options"),
        "nosniff",
        "{what} ({status})"
    );
    assert_eq!(get("referrer-policy"), REFERRER, "{what} ({status})");
    let kind = get("content-type");
    let policy = get("content-security-policy");
    if kind.starts_with("text/html") {
        assert_eq!(policy, PAGE_POLICY, "{what} ({status})");
        assert_eq!(get("x-frame-options"), "DENY", "{what} ({status})");
    } else {
        assert_eq!(policy, RESOURCE_POLICY, "{what} ({status})");
    }
    assert!(policy.contains("frame-ancestors 'none'"), "{what}");
    if kind.contains("json") || what.contains(" /api/") || what.contains(" /ws") {
        assert_eq!(
            get("cache-control"),
            "no-store",
            "{what} ({status}, {kind})"
        );
    }
    status.is_success() || status.is_redirection()
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, HeaderMap) {
    let mut request = app.http.request(method, format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("send");
    (response.status(), response.headers().clone())
}

per_backend! {
    async fn every_route_and_page_answers_with_the_security_headers(app, b) {
        let acme = app.brand("acme").await;
        app.brand("demo").await;
        let (_, expert) = app.expert(&acme, "ada", 3, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let (_, key) = app.post("/api/v1/admin/api-keys", &root, json!({"name": "k"})).await;
        let key = key["key"].as_str().expect("key").to_owned();
        let visitor = app.visitor(&acme).await;
        let started = app.start(&acme, &visitor, "hello", "m").await;
        let id = started["conversation"]["id"].as_str().expect("id").to_owned();
        let url = format!("{}/ws?token={expert}", app.base.replacen("http", "ws", 1));
        let (_, upgraded) = tokio_tungstenite::connect_async(url).await.expect("ws");
        assert_eq!(upgraded.status(), StatusCode::SWITCHING_PROTOCOLS);
        check(&format!("{b}: GET /ws (upgrade)"), upgraded.status(), upgraded.headers());
        let (mut successes, mut refusals) = (0, 0);
        for route in routes() {
            let path = route
                .path
                .replace("{brand}", "acme")
                .replace("{id}", &id)
                .replace("{order_id}", "order-1");
            let token = match route.audience {
                Audience::Visitor => Some(visitor.as_str()),
                Audience::Expert | Audience::Socket => Some(expert.as_str()),
                Audience::Admin => Some(root.as_str()),
                Audience::Server => Some(key.as_str()),
                _ => None,
            };
            let method = Method::from_bytes(route.method.as_bytes()).expect("method");
            for token in [token, None, Some("not-a-token")] {
                let (status, headers) = send(&app, method.clone(), &path, token).await;
                let what = format!("{b}: {} {path}", route.method);
                match check(&what, status, &headers) {
                    true => successes += 1,
                    false => refusals += 1,
                }
            }
        }
        assert!(successes >= 30 && refusals >= 60, "{b}: {successes} ok, {refusals} refused");
        let pages = ebb_server::web::paths().chain(["/panel", "/admin", "/demo", "/no-such-page"]);
        for path in pages {
            let (status, headers) = send(&app, Method::GET, path, None).await;
            check(&format!("{b}: GET {path}"), status, &headers);
            if path.ends_with('/') {
                assert_eq!(status, StatusCode::OK, "{b}: {path}");
            }
        }
        let preflight = app
            .http
            .request(Method::OPTIONS, format!("{}/api/v1/widget/acme/conversations", app.base))
            .header("Origin", "https://shop.example")
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await
            .expect("preflight");
        check(&format!("{b}: OPTIONS /api/v1/widget"), preflight.status(), preflight.headers());
        let (status, headers) = send(&app, Method::DELETE, "/healthz", None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        check(&format!("{b}: DELETE /healthz"), status, &headers);
    }
}
