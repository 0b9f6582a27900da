//! Internal notes: the owning expert and the brand's admins write and list them, nobody
//! else does, and no visitor path carries them: every widget route of the generated
//! OpenAPI document, the visitor's WebSocket frames, and webhook payloads.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Opening, TestApp, id_of, per_backend};
use crate::webhooks::{Receiver, subscribe};
use crate::ws_client::{Ws, admin};

/// The text of the notes written by [`noted`]; no visitor answer may contain it.
const SECRET: &str = "internal-only: refund approved by finance";
/// What the expert tells the visitor after the notes: once the visitor's side has it, the
/// notes (written before) would have arrived too if they leaked.
const AFTER: &str = "Your refund is on its way";

/// The brand `acme`, `ada` holding a visitor's conversation, and an admin `ann`; ada and ann
/// each add a note, then ada replies [`AFTER`]. Returns the opening, ann's token and the
/// conversation id.
async fn noted(
    app: &TestApp,
    before: impl AsyncFnOnce(&Opening, &str),
) -> (Opening, String, String) {
    let opening = app.opening(2, "I want a refund", "m1").await;
    let ann = admin(app, &opening.0, "ann").await;
    before(&opening, &ann).await;
    let id = id_of(&opening.4);
    let path = format!("/api/v1/expert/conversations/{id}/notes");
    let (s, note) = app.post(&path, &opening.2, json!({"body": SECRET})).await;
    assert_eq!(s, StatusCode::CREATED, "{}: {note}", app.backend);
    let path = format!("/api/v1/admin/conversations/{id}/notes");
    let (s, note) = app
        .post(&path, &ann, json!({"body": format!("  {SECRET} (ann) ")}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{}: {note}", app.backend);
    assert_eq!(
        note["body"],
        format!("{SECRET} (ann)"),
        "{}: trimmed",
        app.backend
    );
    app.say(&opening.2, &id, AFTER).await;
    (opening, ann, id)
}

per_backend! {
    async fn the_owner_and_admins_list_notes_and_nobody_else_does(app, b) {
        let ((acme, ada, ada_t, visitor, _), ann, id) = noted(&app, async |_, _| {}).await;
        let expert_path = format!("/api/v1/expert/conversations/{id}/notes");
        let admin_path = format!("/api/v1/admin/conversations/{id}/notes");
        for (path, token) in [(&expert_path, &ada_t), (&admin_path, &ann)] {
            let (s, list) = app.get(path, token).await;
            assert_eq!(s, StatusCode::OK, "{b}: {list}");
            let notes = list["notes"].as_array().expect("notes");
            assert_eq!(notes.len(), 2, "{b}: {list}");
            assert_eq!(notes[0]["body"], SECRET, "{b}: oldest first");
            assert_eq!(notes[0]["author"], json!({"kind": "expert", "id": ada.id}), "{b}");
            assert_eq!(notes[1]["author"]["kind"], "admin", "{b}");
            assert_eq!(notes[1]["conversation_id"], id.as_str(), "{b}");
            let (s, page) = app.get(&format!("{path}?limit=1"), token).await;
            assert_eq!(s, StatusCode::OK, "{b}: {page}");
            let cursor = page["next_cursor"].as_str().expect("a next page");
            let (_, rest) = app.get(&format!("{path}?limit=1&cursor={cursor}"), token).await;
            assert_eq!(rest["notes"][0]["author"]["kind"], "admin", "{b}: {rest}");
            assert_eq!(rest["next_cursor"], Value::Null, "{b}: {rest}");
        }
        let (_, bob) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let (_, gus) = app.expert(&globex, "gus", 1, ExpertStatus::Available).await;
        let cases = [
            (&expert_path, Some(bob.as_str()), StatusCode::NOT_FOUND, "a colleague who does not own it"),
            (&expert_path, Some(gus.as_str()), StatusCode::NOT_FOUND, "another brand's expert"),
            (&admin_path, Some(gil.as_str()), StatusCode::NOT_FOUND, "another brand's admin"),
            (&expert_path, Some(visitor.as_str()), StatusCode::UNAUTHORIZED, "the visitor"),
            (&admin_path, Some(visitor.as_str()), StatusCode::UNAUTHORIZED, "the visitor"),
            (&expert_path, None, StatusCode::UNAUTHORIZED, "nobody"),
        ];
        for (path, token, want, who) in cases {
            for method in [Method::GET, Method::POST] {
                let body = (method == Method::POST).then(|| json!({"body": "hi"}));
                let (s, out) = app.call(method.clone(), path, token, body).await;
                assert_eq!(s, want, "{b}: {who} {method} {path}: {out}");
                assert!(!out.to_string().contains(SECRET), "{b}: {who}: {out}");
            }
        }
        let (_, list) = app.get(&admin_path, &ann).await;
        assert_eq!(list["notes"].as_array().map(Vec::len), Some(2), "{b}: nothing added");
        for bad in [json!({"body": "   "}), json!({"body": "x".repeat(4001)}), json!({"text": "hi"})] {
            let (s, out) = app.post(&expert_path, &ada_t, bad).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {out}");
        }
    }
}

per_backend! {
    async fn no_widget_route_shows_a_note(app, b) {
        let ((acme, _, _, visitor, _), _, id) = noted(&app, async |_, _| {}).await;
        let written = app.write(&acme, &visitor, &id, "thanks").await;
        assert!(!written.to_string().contains(SECRET), "{b}: {written}");
        let doc = serde_json::to_value(ebb_server::openapi::document()).expect("json");
        let (mut answered, mut showed_reply) = (0, false);
        for (path, item) in doc["paths"].as_object().expect("paths") {
            if !path.starts_with("/api/v1/widget/") || item.get("get").is_none() {
                continue;
            }
            let url = path.replace("{brand}", &acme.slug).replace("{id}", &id);
            let (s, out) = app.get(&url, &visitor).await;
            assert!(!out.to_string().contains(SECRET), "{b}: GET {url} shows a note: {out}");
            answered += usize::from(s == StatusCode::OK);
            showed_reply |= out.to_string().contains(AFTER);
        }
        assert!(answered >= 3, "{b}: the widget's reads answered ({answered})");
        assert!(showed_reply, "{b}: the timeline read shows the reply written after the notes");
    }
}

per_backend! {
    async fn the_visitors_websocket_never_carries_a_note(app, b) {
        let mut socket = None;
        let (_, _, _) = noted(&app, async |(acme, _, _, visitor, _), _| {
            socket = Some(Ws::visitor(&app, acme, visitor).await);
        })
        .await;
        let mut ws = socket.expect("connected");
        loop {
            let frame = ws.next().await.expect("a frame");
            let text = frame.to_string();
            assert!(!text.contains(SECRET), "{b}: the visitor got a note: {text}");
            if text.contains(AFTER) {
                break;
            }
        }
    }
}

per_backend! {
    async fn webhooks_never_carry_a_note(app, b) {
        let receiver = Receiver::start(0).await;
        let events = ebb_server::webhooks::EVENT_TYPES;
        let url = receiver.url.clone();
        noted(&app, async |_, ann| {
            subscribe(&app, ann, &url, &events).await;
        })
        .await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !receiver.received().iter().any(|r| r.body.contains(AFTER)) {
            assert!(tokio::time::Instant::now() < deadline, "{b}: the reply was delivered");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        for got in receiver.received() {
            assert!(!got.body.contains(SECRET), "{b}: {} carries a note: {}", got.event_type, got.body);
        }
    }
}
