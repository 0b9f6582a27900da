//! The "notes never leak" sweep: one story writes internal notes and a transfer note
//! carrying a unique marker, then reads every channel a visitor (or an export without the
//! notes flag) has: every widget route of the generated OpenAPI document (a new visitor
//! route joins by itself), the visitor's WebSocket (live, then a resume from seq 0), the
//! visitor's transcript, webhook payloads at a real local receiver, and the expert's and
//! admin's transcript exports. The marker must appear in none of them, and does appear
//! where it belongs (the exports with `notes=true`), so the sweep can see it.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::webhooks::{Receiver, subscribe};
use crate::ws_client::{Ws, admin};

/// In every internal text of the story; no visitor-facing answer may contain it.
const MARKER: &str = "LEAK-7f3a9c-internal";
/// Written to the visitor after the internal texts: once a channel carries it, the
/// internal texts (written before) would have come through too if they leaked.
const AFTER: &str = "All sorted, see you soon";

/// A body for a widget route, so POSTs get past validation where they can.
fn body_for(method: &str, path: &str) -> Option<Value> {
    (method != "get").then(|| match path.rsplit('/').next() {
        Some("messages") => json!({"body": "thanks"}),
        Some("read") => json!({"seq": 1}),
        Some("typing") => json!({"typing": false}),
        Some("conversations") => json!({"body": "one more question"}),
        _ => json!({}),
    })
}

/// Every widget operation of the generated document, as the visitor: the marker in none.
/// Returns how many answered 2xx and whether one showed [`AFTER`].
async fn sweep_widget_routes(app: &TestApp, slug: &str, visitor: &str, id: &str) -> (usize, bool) {
    let b = app.backend;
    let doc = serde_json::to_value(ebb_server::openapi::document()).expect("json");
    let (mut answered, mut showed_after) = (0, false);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/widget/") {
            continue;
        }
        let url = path.replace("{brand}", slug).replace("{id}", id);
        for (method, _) in item.as_object().expect("operations") {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let (s, out) = app
                .call(m, &url, Some(visitor), body_for(method, path))
                .await;
            let text = out.to_string();
            assert!(!text.contains(MARKER), "{b}: {method} {url} leaks: {text}");
            answered += usize::from(s.is_success());
            showed_after |= text.contains(AFTER);
        }
    }
    (answered, showed_after)
}

/// Every frame up to and including the first that carries [`AFTER`].
async fn frames_until_after(ws: &mut Ws) -> Vec<Value> {
    let mut frames = Vec::new();
    while !frames
        .last()
        .is_some_and(|f: &Value| f.to_string().contains(AFTER))
    {
        frames.push(ws.next().await.expect("a frame before the reply"));
    }
    frames
}

per_backend! {
    async fn no_visitor_channel_and_no_plain_export_ever_carries_an_internal_note(app, b) {
        let (acme, _ada, ada_t, visitor, started) = app.opening(2, "Is my refund coming?", "m1").await;
        let id = id_of(&started);
        let (bob, bob_t) = app.expert(&acme, "bob", 2, ExpertStatus::Available).await;
        let ann = admin(&app, &acme, "ann").await;
        let receiver = Receiver::start(0).await;
        subscribe(&app, &ann, &receiver.url, &ebb_server::webhooks::EVENT_TYPES).await;
        let mut live = Ws::visitor(&app, &acme, &visitor).await;

        let notes = format!("/api/v1/expert/conversations/{id}/notes");
        let (s, out) = app.post(&notes, &ada_t, json!({"body": format!("{MARKER} ada")})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {out}");
        let admin_notes = format!("/api/v1/admin/conversations/{id}/notes");
        let (s, out) = app.post(&admin_notes, &ann, json!({"body": format!("{MARKER} ann")})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {out}");
        let transfer = format!("/api/v1/expert/conversations/{id}/transfer");
        let body = json!({"expert_id": bob.id, "note": format!("{MARKER} over to you")});
        let (s, out) = app.post(&transfer, &ada_t, body).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        assert!(out.to_string().contains(MARKER), "{b}: the expert's answer keeps the note");
        app.say(&bob_t, &id, AFTER).await;

        // The visitor's WebSocket, live and then resumed from the start.
        let mut frames = frames_until_after(&mut live).await;
        live.send(json!({"type": "resume", "conversations": {id.clone(): 0}})).await;
        let resumed = frames_until_after(&mut live).await;
        assert!(resumed.len() >= 5, "{b}: the resume replays the timeline: {resumed:?}");
        frames.extend(resumed);
        frames.extend(live.drain(std::time::Duration::from_millis(200)).await);
        for frame in &frames {
            assert!(!frame.to_string().contains(MARKER), "{b}: a visitor frame leaks: {frame}");
        }

        // Every widget route, the transcript among them.
        let (answered, showed_after) = sweep_widget_routes(&app, &acme.slug, &visitor, &id).await;
        assert!(answered >= 4, "{b}: the widget's routes answered ({answered})");
        assert!(showed_after, "{b}: a widget read shows the reply written after the notes");
        let transcript = format!("/api/v1/widget/{}/conversations/{id}/transcript", acme.slug);
        let (s, text) = app.get(&transcript, &visitor).await;
        assert_eq!(s, StatusCode::OK, "{b}: {text}");
        assert!(text.to_string().contains(AFTER), "{b}: the transcript is complete: {text}");

        // Webhook payloads, once the reply (written last) was delivered.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !receiver.received().iter().any(|r| r.body.contains(AFTER)) {
            assert!(tokio::time::Instant::now() < deadline, "{b}: the reply was delivered");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        for got in receiver.received() {
            assert!(!got.body.contains(MARKER), "{b}: webhook {} leaks: {}", got.event_type, got.body);
        }

        // Exports: without the flag nothing internal; with it, every internal text, marked.
        let exports = [
            (format!("/api/v1/expert/conversations/{id}/transcript"), &bob_t),
            (format!("/api/v1/admin/conversations/{id}/transcript"), &ann),
        ];
        for (path, token) in exports {
            for format in ["text", "html"] {
                let (s, plain) = app.get(&format!("{path}?format={format}"), token).await;
                assert_eq!(s, StatusCode::OK, "{b}: {path}: {plain}");
                let plain = plain.as_str().unwrap_or_default().to_owned();
                assert!(plain.contains(AFTER), "{b}: {path} {format}: {plain}");
                assert!(!plain.contains(MARKER), "{b}: {path} {format} leaks: {plain}");
                let (_, flagged) = app.get(&format!("{path}?format={format}&notes=true"), token).await;
                let flagged = flagged.as_str().unwrap_or_default().to_owned();
                assert_eq!(flagged.matches(MARKER).count(), 3, "{b}: {path} {format}: {flagged}");
                assert!(flagged.contains("Internal note"), "{b}: marked: {flagged}");
            }
        }
    }
}
