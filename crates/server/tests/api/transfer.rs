//! Transfer: the expert holding a conversation hands it to a colleague with a free slot
//! (who sees it over HTTP and WebSocket, note included) or back to the brand queue; a full
//! or away colleague is refused and nothing changes; only the holder may transfer; the
//! visitor sees the transfer entry without the note.

use std::time::Duration as StdDuration;

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assigned_to, id_of, kinds, per_backend};
use crate::ws_client::{Ws, admin};

const NOTE: &str = "VIP customer, asked about refunds";

fn transfer_path(id: &str) -> String {
    format!("/api/v1/expert/conversations/{id}/transfer")
}

/// The ids in an expert's `GET /api/v1/expert/conversations`.
fn ids(list: &Value) -> Vec<String> {
    list["conversations"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The timeline entries of type `transferred` in a `{conversation, entries}` body.
fn transfers(body: &Value) -> Vec<Value> {
    body["entries"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["type"] == "transferred")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

per_backend! {
    async fn a_colleague_with_a_free_slot_takes_a_transfer_and_sees_the_note(app, b) {
        let (acme, ada, ada_t, v, started) = app.opening(1, "refund?", "m").await;
        let id = id_of(&started);
        let (bob, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let mut bob_ws = Ws::session(&app, &bob_t).await;
        let mut v_ws = Ws::visitor(&app, &acme, &v).await;
        v_ws.drain(StdDuration::from_millis(300)).await;

        let body = json!({"expert_id": bob.id, "note": NOTE});
        let (s, moved) = app.post(&transfer_path(&id), &ada_t, body).await;
        assert_eq!(s, StatusCode::OK, "{b}: {moved}");
        assert_eq!(kinds(&moved), ["transferred"], "{b}");
        assert_eq!(moved["entries"][0]["from"], json!(ada.id), "{b}");
        assert_eq!(moved["entries"][0]["to"], json!(bob.id), "{b}");
        assert_eq!(moved["entries"][0]["note"], NOTE, "{b}");
        assert_eq!(assigned_to(&moved), &json!(bob.id), "{b}");

        let (_, bob_list) = app.get("/api/v1/expert/conversations", &bob_t).await;
        assert_eq!(ids(&bob_list), [id.as_str()], "{b}: bob's panel lists it");
        assert_eq!(bob_list["slots"]["held"], 1, "{b}");
        let (_, ada_list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert!(ids(&ada_list).is_empty(), "{b}: ada's panel no longer has it");
        assert_eq!(ada_list["slots"]["held"], 0, "{b}: ada's slot is free");

        let frame = bob_ws
            .until("the transfer entry", |f| {
                f["type"] == "entry" && f["entry"]["type"] == "transferred"
            })
            .await;
        assert_eq!(frame["conversation"], id.as_str(), "{b}");
        assert_eq!(frame["entry"]["note"], NOTE, "{b}: bob reads the note");

        let path = format!("/api/v1/admin/conversations/{id}");
        let (_, seen) = app.get(&path, &root).await;
        assert_eq!(transfers(&seen)[0]["note"], NOTE, "{b}: the admin reads the note");

        // The visitor sees that it moved, never the note.
        let frame = v_ws
            .until("the visitor's transfer entry", |f| {
                f["type"] == "entry" && f["entry"]["type"] == "transferred"
            })
            .await;
        assert_eq!(frame["entry"].get("note"), None, "{b}: {frame}");
        let path = format!("/api/v1/widget/acme/conversations/{id}");
        let (_, seen) = app.get(&path, &v).await;
        let entries = transfers(&seen);
        assert_eq!(entries.len(), 1, "{b}: {seen}");
        assert_eq!(entries[0].get("note"), None, "{b}: {seen}");
        assert!(!seen.to_string().contains(NOTE), "{b}: the note never reaches the visitor");
    }
}

per_backend! {
    async fn a_full_away_or_foreign_colleague_is_refused_and_nothing_changes(app, b) {
        let (acme, ada, ada_t, _, started) = app.opening(1, "help", "m").await;
        let id = id_of(&started);
        let (bob, _) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let (cy, _) = app.expert(&acme, "cy", 3, ExpertStatus::Away).await;
        let globex = app.brand("globex").await;
        let (gus, _) = app.expert(&globex, "gus", 3, ExpertStatus::Available).await;
        // Bob takes the next conversation: he is full.
        let other = app.start(&acme, &app.visitor(&acme).await, "two", "n").await;
        assert_eq!(assigned_to(&other), &json!(bob.id), "{b}");
        let read = format!("/api/v1/expert/conversations/{id}");
        let (_, before) = app.get(&read, &ada_t).await;

        for (to, status, problem) in [
            (bob.id.to_string(), StatusCode::CONFLICT, "/problems/over-capacity"),
            (cy.id.to_string(), StatusCode::CONFLICT, "/problems/expert-unavailable"),
            (gus.id.to_string(), StatusCode::NOT_FOUND, "/problems/not-found"),
            (ada.id.to_string(), StatusCode::CONFLICT, "/problems/invalid-transition"),
        ] {
            let body = json!({"expert_id": to, "note": NOTE});
            let (s, refused) = app.post(&transfer_path(&id), &ada_t, body).await;
            assert_eq!((s, refused["type"].as_str()), (status, Some(problem)), "{b}: {refused}");
        }
        let (_, after) = app.get(&read, &ada_t).await;
        assert_eq!(after, before, "{b}: nothing changed");
        assert_eq!(assigned_to(&after), &json!(ada.id), "{b}");
    }
}

per_backend! {
    async fn only_the_holder_transfers(app, b) {
        let (acme, ada, _, v, started) = app.opening(1, "help", "m").await;
        let id = id_of(&started);
        let (bob, bob_t) = app.expert(&acme, "bob", 2, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let to_bob = json!({"expert_id": bob.id});
        for (who, token, status) in [
            ("a colleague", bob_t.as_str(), StatusCode::NOT_FOUND),
            ("an admin", root.as_str(), StatusCode::UNAUTHORIZED),
            ("the visitor", v.as_str(), StatusCode::UNAUTHORIZED),
        ] {
            let (s, body) = app.post(&transfer_path(&id), token, to_bob.clone()).await;
            assert_eq!(s, status, "{b}: {who}: {body}");
        }
        let path = format!("/api/v1/admin/conversations/{id}");
        let (_, seen) = app.get(&path, &root).await;
        assert_eq!(assigned_to(&seen), &json!(ada.id), "{b}: still ada's");
        assert!(transfers(&seen).is_empty(), "{b}");
    }
}

per_backend! {
    async fn back_to_the_queue_follows_the_routing_rules(app, b) {
        let (acme, _, ada_t, _, started) = app.opening(1, "first", "m").await;
        let id = id_of(&started);
        // A second conversation waits: ada is full.
        let waiting = id_of(&app.start(&acme, &app.visitor(&acme).await, "second", "n").await);
        app.advance(time::Duration::minutes(5)).await;

        let (s, back) = app.post(&transfer_path(&id), &ada_t, json!({"note": NOTE})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {back}");
        assert_eq!(back["entries"][0]["type"], "transferred", "{b}: {back}");
        assert_eq!(back["entries"][0]["to"], Value::Null, "{b}");
        // The freed slot goes to the conversation that waited longest: the other one.
        assert_eq!(back["conversation"]["state"]["status"], "queued", "{b}: {back}");
        assert_eq!(back["conversation"]["state"]["for_expert"], Value::Null, "{b}");
        let (_, list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(ids(&list), [waiting], "{b}: {list}");
        assert_eq!(list["queue"], 1, "{b}: the transferred one waits in the brand queue");
    }
}
