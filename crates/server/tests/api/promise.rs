//! The snooze promise the visitor sees: made by a snooze ("Ada will get back to you by
//! ..."), renamed when an admin reassigns it (the team while it waits in the queue),
//! moved by a re-snooze, gone when the visitor writes or it closes; a snooze ending out of
//! hours promises the next opening, in the visitor's language; told live over the
//! WebSocket and on every read.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::snooze::snooze;
use crate::ws_client::{Ws, admin};

/// The promise on conversation `id` as the visitor's widget reads it (`Null`: none).
async fn promise(app: &TestApp, visitor: &str, id: &str) -> Value {
    let (s, view) = app
        .get(&format!("/api/v1/widget/acme/conversations/{id}"), visitor)
        .await;
    assert_eq!(s, StatusCode::OK, "{view}");
    view.get("promise").cloned().unwrap_or(Value::Null)
}

fn until(at: &str) -> Value {
    json!({"kind": "until", "until": at})
}

per_backend! {
    async fn the_promise_follows_the_snooze_and_whoever_holds_it(app, b) {
        let (acme, _, ada_t, visitor, started) = app.opening(2, "Can I change my order?", "m1").await;
        let id = id_of(&started);
        let (s, _) = app.put("/api/v1/expert/profile", &ada_t, json!({"display_name": "Ada"})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(promise(&app, &visitor, &id).await, Value::Null, "{b}: no snooze, no promise");

        let (s, body) = snooze(&app, &ada_t, &id, until("2026-11-26T10:00:00Z")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = promise(&app, &visitor, &id).await;
        assert_eq!(p["text"], "Ada will get back to you by 10:00 tomorrow", "{b}: {p}");
        assert_eq!(p["by"], "2026-11-26T10:00:00Z", "{b}");
        assert_eq!(p["expert_name"], "Ada", "{b}");

        let (bob, bob_t) = app.expert(&acme, "Bob", 2, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let reassign = format!("/api/v1/admin/conversations/{id}/reassign");
        let (s, body) = app.post(&reassign, &root, json!({"expert_id": bob.id})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = promise(&app, &visitor, &id).await;
        assert_eq!(p["text"], "Bob will get back to you by 10:00 tomorrow", "{b}: kept, renamed");
        let mut ws = Ws::visitor(&app, &acme, &visitor).await;
        ws.send(json!({"type": "resume", "conversations": {id.clone(): 0}})).await;
        let told = ws.until("the promise", |f| f["type"] == "promise").await;
        assert_eq!(told["promise"]["expert_name"], "Bob", "{b}");
        app.write(&acme, &visitor, &id, "Any news?").await;
        let told = ws.until("the promise ending", |f| f["type"] == "promise").await;
        assert_eq!(told["promise"], Value::Null, "{b}: the visitor wrote");
        assert_eq!(promise(&app, &visitor, &id).await, Value::Null, "{b}");

        let (s, body) = snooze(&app, &bob_t, &id, until("2026-11-27T15:30:00Z")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = promise(&app, &visitor, &id).await;
        assert_eq!(p["text"], "Bob will get back to you by Friday 15:30", "{b}: re-snoozed");

        for t in [&ada_t, &bob_t] {
            let (s, _) = app.put("/api/v1/expert/status", t, json!({"status": "away"})).await;
            assert!(s.is_success(), "{b}: {s}");
        }
        let unassign = format!("/api/v1/admin/conversations/{id}/unassign");
        let (s, body) = app.post(&unassign, &root, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = promise(&app, &visitor, &id).await;
        assert_eq!(p["text"], "The team will get back to you by Friday 15:30", "{b}: {p}");
        assert_eq!(p["expert_name"], Value::Null, "{b}");

        app.write(&acme, &visitor, &id, "Any news?").await;
        assert_eq!(promise(&app, &visitor, &id).await, Value::Null, "{b}: the visitor wrote");
    }
}

per_backend! {
    async fn out_of_hours_it_promises_the_opening_in_french_live_and_a_close_ends_it(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada_t) = app.expert(&acme, "Ada", 2, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday"];
        let weekly: Vec<Value> = days.iter().map(|d| json!({"day": d, "start": "09:00", "end": "17:00"})).collect();
        let hours = json!({"hours": {"zone": "Europe/Paris", "weekly": weekly}});
        let (s, _) = app.put("/api/v1/admin/hours", &root, hours).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let visitor = app.visitor(&acme).await;
        let res = app.http.post(format!("{}/api/v1/widget/acme/conversations", app.base))
            .bearer_auth(&visitor).header("accept-language", "fr-FR,fr;q=0.9")
            .json(&json!({"body": "Bonjour, ma commande ?"})).send().await.expect("send");
        assert_eq!(res.status(), StatusCode::CREATED, "{b}");
        let id = id_of(&res.json::<Value>().await.expect("json"));
        let mut ws = Ws::visitor(&app, &acme, &visitor).await;
        ws.send(json!({"type": "resume", "conversations": {id.clone(): 0}})).await;

        // 21:00 in Paris on Wednesday: closed. The team opens Thursday at 9:00 (08:00 UTC).
        let (s, body) = snooze(&app, &ada_t, &id, until("2026-11-25T20:00:00Z")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let frame = ws.until("a promise", |f| f["type"] == "promise" && f["promise"].is_object()).await;
        assert_eq!(frame["conversation"], id.as_str(), "{b}");
        assert_eq!(frame["promise"]["by"], "2026-11-26T08:00:00Z", "{b}: the next opening");
        let text = "Ada vous répondra d'ici demain à 9\u{a0}h\u{a0}00";
        assert_eq!(frame["promise"]["text"], text, "{b}");
        assert_eq!(promise(&app, &visitor, &id).await["text"], text, "{b}: the same on reload");

        let (s, _) = app.post(&format!("/api/v1/expert/conversations/{id}/close"), &ada_t, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let frame = ws.until("the promise ending", |f| f["type"] == "promise").await;
        assert_eq!(frame["promise"], Value::Null, "{b}: closed");
        assert_eq!(promise(&app, &visitor, &id).await, Value::Null, "{b}");
    }
}
