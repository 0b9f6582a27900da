//! Response-shape snapshots (insta) of the main bodies: conversation, timeline entries,
//! expert overview, suggestion, purchase, statement, report, and a visitor's erasure. Ids and times are
//! redacted, so a snapshot changes only when a shape (or a deterministic value) does;
//! both backends answer the same snapshot.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, per_backend};
use crate::ws_client::admin;

/// `value` with every UUID replaced by `[id]` and every RFC 3339 time by `[time]`, in
/// values and in object keys.
fn redact(value: Value) -> Value {
    let text = |s: &str| {
        if uuid::Uuid::try_parse(s).is_ok() {
            Some("[id]".to_owned())
        } else if time::OffsetDateTime::parse(s, &Rfc3339).is_ok() {
            Some("[time]".to_owned())
        } else {
            None
        }
    };
    match value {
        Value::String(s) => Value::String(text(&s).unwrap_or(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (text(&k).unwrap_or(k), redact(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// A call that must succeed; its body.
async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (status, answer) = app.call(method, path, Some(token), body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// An admin with an API key and a mission paying ada a contact fee and a commission.
async fn shop(app: &TestApp, brand: &ebb_core::Brand, ada: &ebb_core::Expert) -> (String, String) {
    let root = admin(app, brand, "root").await;
    let key = ok(
        app,
        Method::POST,
        "/api/v1/admin/api-keys",
        &root,
        Some(json!({"name": "shop"})),
    )
    .await;
    let mission = json!({"name": "Outdoor", "contact_fee": {"minor": 300, "currency": "EUR"},
        "commission_bp": 1000});
    let m = ok(
        app,
        Method::POST,
        "/api/v1/admin/missions",
        &root,
        Some(mission),
    )
    .await;
    let join = format!(
        "/api/v1/admin/missions/{}/members",
        m["id"].as_str().expect("id")
    );
    ok(
        app,
        Method::POST,
        &join,
        &root,
        Some(json!({"expert_id": ada.id})),
    )
    .await;
    (root, key["key"].as_str().expect("key").to_owned())
}

per_backend! {
    async fn the_main_bodies_keep_their_shape(app, b) {
        let from = (app.now() - Duration::hours(1))
            .format(&Rfc3339)
            .expect("time");
        let brand = app.brand("acme").await;
        let (ada, expert) = app.expert(&brand, "ada", 2, ExpertStatus::Available).await;
        let (root, key) = shop(&app, &brand, &ada).await;
        let visitor = app.visitor(&brand).await;
        let started = app
            .start(&brand, &visitor, "Do you ship to Norway?", "m1")
            .await;
        insta::assert_json_snapshot!("conversation", redact(started["conversation"].clone()));
        insta::assert_json_snapshot!("timeline_entries", redact(started["entries"].clone()));
        let id = started["conversation"]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        let me = ok(&app, Method::GET, "/api/v1/expert/me", &expert, None).await;
        insta::assert_json_snapshot!("expert_overview", redact(me));
        let suggestions = ok(
            &app,
            Method::GET,
            "/api/v1/expert/suggestions",
            &expert,
            None,
        )
        .await;
        insta::assert_json_snapshot!("suggestion", redact(suggestions));

        let reply = json!({"body": "We do, in three days.", "client_msg_id": "r1"});
        let path = format!("/api/v1/expert/conversations/{id}/messages");
        ok(&app, Method::POST, &path, &expert, Some(reply)).await;
        let close = format!("/api/v1/expert/conversations/{id}/close");
        ok(&app, Method::POST, &close, &expert, Some(json!({}))).await;
        let order = json!({"order_id": "o-1", "visitor_token": visitor, "amount_minor": 12000,
            "currency": "EUR", "purchased_at": app.now().format(&Rfc3339).expect("time")});
        let (s, purchase) = app.post("/api/v1/server/purchases", &key, order).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {purchase}");
        insta::assert_json_snapshot!("purchase", redact(purchase));

        let statement = ok(&app, Method::GET, "/api/v1/expert/earnings", &expert, None).await;
        insta::assert_json_snapshot!("statement", redact(statement));
        let to = (app.now() + Duration::hours(1))
            .format(&Rfc3339)
            .expect("time");
        let path = format!("/api/v1/admin/reports?from={from}&to={to}");
        let report = ok(&app, Method::GET, &path, &root, None).await;
        insta::assert_json_snapshot!("report", redact(report));

        let visitor_id = started["conversation"]["visitor_id"].as_str().expect("visitor");
        let erase = format!("/api/v1/admin/visitors/{visitor_id}/erase");
        let erasure = ok(&app, Method::POST, &erase, &root, Some(json!({}))).await;
        insta::assert_json_snapshot!("visitor_erasure", redact(erasure));
        let read = format!("/api/v1/admin/conversations/{id}");
        let erased = ok(&app, Method::GET, &read, &root, None).await;
        insta::assert_json_snapshot!("erased_timeline", redact(erased["entries"].clone()));
    }
}

/// `body` with the random one-time token (and the path that carries it) masked.
fn mask_link(mut body: Value) -> Value {
    for key in ["token", "path"] {
        if body.get(key).is_some() {
            body[key] = json!(format!("[{key}]"));
        }
    }
    body
}

per_backend! {
    async fn the_account_bodies_keep_their_shape(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let invite = json!({"email": "cleo@acme.test", "name": "Cleo", "capacity": 2});
        let mut invited = ok(&app, Method::POST, "/api/v1/admin/experts", &root, Some(invite)).await;
        invited["invitation"] = mask_link(invited["invitation"].take());
        insta::assert_json_snapshot!("invited_expert", redact(invited.clone()));
        let reset = format!("/api/v1/admin/experts/{}/password-reset", invited["id"].as_str().expect("id"));
        let link = ok(&app, Method::POST, &reset, &root, Some(json!({}))).await;
        insta::assert_json_snapshot!("reset_link", redact(mask_link(link)));
        let mut sessions = ok(&app, Method::GET, "/api/v1/admin/sessions", &root, None).await;
        for s in sessions["sessions"].as_array_mut().expect("sessions") {
            s["id"] = json!("[session]");
        }
        insta::assert_json_snapshot!("sessions", redact(sessions));
        let _ = b;
    }
}
