//! The contract: the served OpenAPI document (generated from the handlers) equals
//! `docs/openapi.json` (set `EBB_UPDATE_OPENAPI=1` to rewrite it), every documented route
//! exists, and the authorization matrix has a row for every generated route and proves
//! each refusal. What the document itself must say is in `openapi_doc.rs`.

use ebb_core::ExpertStatus;
use ebb_server::openapi::{Audience, routes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, per_backend, spawn_apps};
use crate::ws_client::admin;

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

#[tokio::test]
async fn the_served_openapi_document_matches_docs_openapi_json() {
    let app = spawn_apps().await.remove(0);
    let (status, served) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served["openapi"], "3.1.0");
    let pretty = serde_json::to_string_pretty(&served).expect("json") + "\n";
    if std::env::var("EBB_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(DOC, &pretty).expect("write docs/openapi.json");
    }
    let kept = std::fs::read_to_string(DOC).unwrap_or_default();
    let kept: Value = serde_json::from_str(&kept).unwrap_or(Value::Null);
    assert!(
        kept == served,
        "docs/openapi.json drifted from the code; run the tests with EBB_UPDATE_OPENAPI=1 \
         and commit the file"
    );
    app.finish().await;
}

#[tokio::test]
async fn every_documented_route_is_routed() {
    let app = spawn_apps().await.remove(0);
    for route in routes() {
        let path = route
            .path
            .replace("{brand}", "acme")
            .replace("{id}", "0190a0a0-0000-7000-8000-000000000000")
            .replace("{order_id}", "order-1");
        let method = Method::from_bytes(route.method.as_bytes()).expect("method");
        let (status, body) = app.call(method, &path, None, None).await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            route.method,
            route.path
        );
        assert_ne!(
            body["detail"], "route not found",
            "{} {}",
            route.method, route.path
        );
    }
    app.finish().await;
}

/// Which id a row's `{id}` stands for.
#[derive(Clone, Copy)]
enum Id {
    None,
    Conversation,
    Expert,
    Key,
    Visitor,
}

/// One row: a route, who may call it, the id it names, a valid body, and what a
/// same-kind credential that may not see the resource gets (`None`: not applicable):
/// another visitor of the same brand, or another brand's expert, admin or API key.
type Row = (&'static str, &'static str, Audience, Id, Value, Option<u16>);

#[rustfmt::skip]
fn matrix() -> Vec<Row> {
    use Audience::*;
    let conv = "/api/v1/widget/{brand}/conversations/{id}";
    let exp = "/api/v1/expert/conversations/{id}";
    let n = || json!(null);
    vec![
        ("GET", "/healthz", Public, Id::None, n(), None),
        ("GET", "/readyz", Public, Id::None, n(), None),
        ("GET", "/metrics", Public, Id::None, n(), None),
        ("GET", "/api/openapi.json", Public, Id::None, n(), None),
        ("GET", "/ws", Socket, Id::None, n(), None),
        ("GET", "/api/v1/widget/{brand}", Public, Id::None, n(), None),
        ("POST", "/api/v1/widget/{brand}/visitors", Public, Id::None, n(), None),
        ("POST", "/api/v1/widget/{brand}/identity", Public, Id::None, n(), None),
        ("GET", "/api/v1/widget/{brand}/conversations", Visitor, Id::None, n(), None),
        ("POST", "/api/v1/widget/{brand}/conversations", Visitor, Id::None, json!({"body": "x"}), None),
        ("GET", conv, Visitor, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/widget/{brand}/conversations/{id}/messages", Visitor, Id::Conversation, json!({"body": "x"}), Some(404)),
        ("POST", "/api/v1/widget/{brand}/conversations/{id}/read", Visitor, Id::Conversation, json!({"seq": 1}), Some(404)),
        ("POST", "/api/v1/widget/{brand}/conversations/{id}/typing", Visitor, Id::Conversation, json!({"typing": true}), Some(404)),
        ("GET", "/api/v1/widget/{brand}/conversations/{id}/transcript", Visitor, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/widget/{brand}/conversations/{id}/csat", Visitor, Id::Conversation, n(), None),
        ("POST", "/api/v1/widget/{brand}/purchases", Visitor, Id::None, n(), None),
        ("POST", "/api/v1/widget/{brand}/context", Visitor, Id::None, json!({"page_url": "https://a.example/"}), None),
        ("GET", "/api/v1/widget/{brand}/history", Visitor, Id::None, n(), None),
        ("GET", "/api/v1/widget/{brand}/experts/{id}", Visitor, Id::Expert, n(), None),
        ("GET", "/api/v1/widget/{brand}/email", Visitor, Id::None, n(), None),
        ("PUT", "/api/v1/widget/{brand}/email", Visitor, Id::None, json!({"email": null}), None),
        ("POST", "/api/v1/widget/{brand}/resume", Public, Id::None, n(), None),
        ("POST", "/api/v1/widget/{brand}/conversations/{id}/transcript/email", Visitor, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/mail/unsubscribe/{token}", Public, Id::None, n(), None),
        ("POST", "/api/v1/mail/unsubscribe/{token}", Public, Id::None, n(), None),
        ("GET", "/api/v1/admin/email-settings", Admin, Id::None, n(), None),
        ("PUT", "/api/v1/admin/email-settings", Admin, Id::None, n(), None),
        ("GET", "/api/v1/expert/profile", Expert, Id::None, n(), None),
        ("PUT", "/api/v1/expert/profile", Expert, Id::None, json!({}), None),
        ("PUT", "/api/v1/admin/experts/{id}/profile", Admin, Id::Expert, json!({}), Some(404)),
        ("GET", "/api/v1/admin/widget-texts", Admin, Id::None, n(), None),
        ("PUT", "/api/v1/admin/widget-texts", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/identity-secret", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/identity-secret", Admin, Id::None, n(), None),
        ("POST", "/api/v1/auth/login", Public, Id::None, n(), None),
        ("POST", "/api/v1/auth/password", Public, Id::None, n(), None),
        ("GET", "/api/v1/expert/sessions", Expert, Id::None, n(), None),
        ("DELETE", "/api/v1/expert/sessions/{id}", Expert, Id::Key, n(), None),
        ("PUT", "/api/v1/expert/password", Expert, Id::None, n(), None),
        ("POST", "/api/v1/admin/logout", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/sessions", Admin, Id::None, n(), None),
        ("DELETE", "/api/v1/admin/sessions/{id}", Admin, Id::Key, n(), None),
        ("PUT", "/api/v1/admin/password", Admin, Id::None, n(), None),
        ("DELETE", "/api/v1/admin/experts/{id}/sessions", Admin, Id::Expert, n(), Some(404)),
        ("POST", "/api/v1/admin/experts/{id}/password-reset", Admin, Id::Expert, n(), Some(404)),
        ("POST", "/api/v1/operator/brands", Operator, Id::None, n(), None),
        ("POST", "/api/v1/operator/brands/{brand}/admins", Operator, Id::None, n(), None),
        ("POST", "/api/v1/operator/brands/{brand}/admins/password-reset", Operator, Id::None, n(), None),
        ("POST", "/api/v1/inbound/email", InboundMail, Id::None, n(), None),
        ("GET", "/api/v1/expert/me", Expert, Id::None, n(), None),
        ("PUT", "/api/v1/expert/status", Expert, Id::None, json!({"status": "away"}), None),
        ("POST", "/api/v1/expert/logout", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/conversations", Expert, Id::None, n(), None),
        ("GET", exp, Expert, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/expert/conversations/{id}/messages", Expert, Id::Conversation, json!({"body": "x"}), Some(404)),
        ("POST", "/api/v1/expert/conversations/{id}/read", Expert, Id::Conversation, json!({"seq": 1}), Some(404)),
        ("POST", "/api/v1/expert/conversations/{id}/typing", Expert, Id::Conversation, json!({"typing": true}), Some(404)),
        ("POST", "/api/v1/expert/conversations/{id}/snooze", Expert, Id::Conversation, n(), None),
        ("POST", "/api/v1/expert/conversations/{id}/close", Expert, Id::Conversation, n(), None),
        ("POST", "/api/v1/expert/conversations/{id}/transfer", Expert, Id::Conversation, json!({}), Some(404)),
        ("GET", "/api/v1/expert/conversations/{id}/notes", Expert, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/expert/conversations/{id}/notes", Expert, Id::Conversation, json!({"body": "x"}), Some(404)),
        ("PUT", "/api/v1/expert/conversations/{id}/tags/{tag_id}", Expert, Id::Conversation, n(), Some(404)),
        ("DELETE", "/api/v1/expert/conversations/{id}/tags/{tag_id}", Expert, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/expert/conversations/{id}/context", Expert, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/expert/conversations/{id}/earlier/{earlier_id}", Expert, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/expert/conversations/{id}/transcript", Expert, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/expert/colleagues", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/tags", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/saved-replies", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/suggestions", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/earnings", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/earnings.csv", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/missions", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/csat", Expert, Id::None, n(), None),
        ("GET", "/api/v1/expert/search", Expert, Id::None, n(), None),
        ("POST", "/api/v1/admin/login", Public, Id::None, n(), None),
        ("GET", "/api/v1/admin/me", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/conversations", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/conversations/{id}", Admin, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/admin/conversations/{id}/reassign", Admin, Id::Conversation, n(), None),
        ("POST", "/api/v1/admin/conversations/{id}/unassign", Admin, Id::Conversation, n(), None),
        ("POST", "/api/v1/admin/conversations/{id}/close", Admin, Id::Conversation, n(), None),
        ("GET", "/api/v1/admin/conversations/{id}/notes", Admin, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/admin/conversations/{id}/notes", Admin, Id::Conversation, json!({"body": "x"}), Some(404)),
        ("PUT", "/api/v1/admin/conversations/{id}/tags/{tag_id}", Admin, Id::Conversation, n(), Some(404)),
        ("DELETE", "/api/v1/admin/conversations/{id}/tags/{tag_id}", Admin, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/admin/conversations/{id}/transcript", Admin, Id::Conversation, n(), Some(404)),
        ("GET", "/api/v1/admin/tags", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/tags", Admin, Id::None, json!({"name": "x"}), None),
        ("DELETE", "/api/v1/admin/tags/{id}", Admin, Id::Key, n(), Some(404)),
        ("GET", "/api/v1/admin/saved-replies", Admin, Id::None, n(), None),
        ("PUT", "/api/v1/admin/saved-replies", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/missions", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/missions", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/missions/{id}/members", Admin, Id::Key, n(), None),
        ("GET", "/api/v1/admin/payouts", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/payouts.csv", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/csat", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/search", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/webhooks", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/webhooks", Admin, Id::None, n(), None),
        ("DELETE", "/api/v1/admin/webhooks/{id}", Admin, Id::Key, n(), None),
        ("GET", "/api/v1/admin/webhook-deliveries", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/reports", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/visitors/{id}/erase", Admin, Id::Visitor, n(), Some(404)),
        ("GET", "/api/v1/admin/settings", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/hours", Admin, Id::None, n(), None),
        ("PUT", "/api/v1/admin/hours", Admin, Id::None, json!({"hours": null}), None),
        ("PUT", "/api/v1/admin/experts/{id}/hours", Admin, Id::Expert, json!({"hours": null}), Some(404)),
        ("PUT", "/api/v1/admin/settings", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/experts", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/experts", Admin, Id::None, n(), None),
        ("PATCH", "/api/v1/admin/experts/{id}", Admin, Id::Expert, json!({"capacity": 1}), Some(404)),
        ("GET", "/api/v1/admin/stale", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/stale-thresholds", Admin, Id::None, n(), None),
        ("PUT", "/api/v1/admin/stale-thresholds", Admin, Id::None, n(), None),
        ("GET", "/api/v1/admin/api-keys", Admin, Id::None, n(), None),
        ("POST", "/api/v1/admin/api-keys", Admin, Id::None, n(), None),
        ("DELETE", "/api/v1/admin/api-keys/{id}", Admin, Id::Key, n(), Some(404)),
        ("GET", "/api/v1/server/conversations", Server, Id::None, n(), None),
        ("GET", "/api/v1/server/conversations/{id}", Server, Id::Conversation, n(), Some(404)),
        ("POST", "/api/v1/server/purchases", Server, Id::None, n(), None),
        ("POST", "/api/v1/server/purchases/{order_id}/refund", Server, Id::None, n(), None),
        ("GET", "/api/v1/test/clock", TestClock, Id::None, n(), None),
        ("POST", "/api/v1/test/clock/advance", TestClock, Id::None, n(), None),
    ]
}

#[test]
fn the_matrix_has_exactly_one_row_per_documented_route() {
    let rows = matrix();
    for route in routes() {
        let found: Vec<_> = rows
            .iter()
            .filter(|r| r.0 == route.method && r.1 == route.path)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one matrix row for {} {}",
            route.method,
            route.path
        );
        assert_eq!(
            found[0].2, route.audience,
            "{} {}",
            route.method, route.path
        );
    }
    assert_eq!(rows.len(), routes().len(), "no row without a route");
}

/// The credentials of one brand.
struct Creds {
    visitor: String,
    stranger: String,
    expert: String,
    admin: String,
    key: String,
}

async fn creds(app: &TestApp, slug: &str) -> (ebb_core::Brand, Creds) {
    let brand = app.brand(slug).await;
    let (_, expert) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
    let admin = admin(app, &brand, "root").await;
    let (_, key) = app
        .post("/api/v1/admin/api-keys", &admin, json!({"name": "k"}))
        .await;
    let creds = Creds {
        visitor: app.visitor(&brand).await,
        stranger: app.visitor(&brand).await,
        expert,
        admin,
        key: key["key"].as_str().expect("key").to_owned(),
    };
    (brand, creds)
}

per_backend! {
    async fn every_refusal_of_the_authorization_matrix_holds(app, b) {
        let (acme, ours) = creds(&app, "acme").await;
        let (_, theirs) = creds(&app, "globex").await;
        let started = app.start(&acme, &ours.visitor, "hello", "m").await;
        let conversation = started["conversation"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let (_, team) = app.get("/api/v1/admin/experts", &ours.admin).await;
        let expert_id = team["experts"][0]["id"].as_str().expect("id").to_owned();
        let visitor_id = started["conversation"]["visitor_id"]
            .as_str()
            .expect("visitor id")
            .to_owned();
        let (_, keys) = app.get("/api/v1/admin/api-keys", &ours.admin).await;
        let key_id = keys["api_keys"][0]["id"].as_str().expect("id").to_owned();
        for (method, template, audience, id, body, foreign) in matrix() {
            let id = match id {
                Id::None => "",
                Id::Conversation => conversation.as_str(),
                Id::Expert => expert_id.as_str(),
                Id::Key => key_id.as_str(),
                Id::Visitor => visitor_id.as_str(),
            };
            let path = template
                .replace("{brand}", "acme")
                .replace("{id}", id)
                .replace("{order_id}", "order-1")
                .replace("{tag_id}", "00000000-0000-0000-0000-000000000000")
                .replace("{earlier_id}", "00000000-0000-0000-0000-000000000000");
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let kinds = [
                (Audience::Visitor, &ours.visitor, &ours.stranger),
                (Audience::Expert, &ours.expert, &theirs.expert),
                (Audience::Admin, &ours.admin, &theirs.admin),
                (Audience::Server, &ours.key, &theirs.key),
            ];
            if !kinds.iter().any(|(a, _, _)| *a == audience) {
                continue;
            }
            let body = (!body.is_null()).then_some(body);
            let (s, problem) = app.call(method.clone(), &path, None, body.clone()).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {path} without a token");
            assert_eq!(problem["type"], "/problems/unauthorized");
            if audience == Audience::Visitor {
                let (s, _) = app
                    .call(method.clone(), &path, Some(&theirs.visitor), body.clone())
                    .await;
                assert_eq!(
                    s,
                    StatusCode::UNAUTHORIZED,
                    "{b}: {path}, another brand's visitor"
                );
            }
            for (kind, token, foreign_token) in kinds {
                if kind == audience {
                    if let Some(expected) = foreign {
                        let (s, _) = app
                            .call(method.clone(), &path, Some(foreign_token), body.clone())
                            .await;
                        assert_eq!(s.as_u16(), expected, "{b}: {path} with another brand's");
                    }
                    continue;
                }
                let (s, _) = app
                    .call(method.clone(), &path, Some(token), body.clone())
                    .await;
                assert_eq!(
                    s,
                    StatusCode::UNAUTHORIZED,
                    "{b}: {path} with a {kind:?} token"
                );
            }
        }
    }
}
