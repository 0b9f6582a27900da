//! Presence (online while a widget connection is open, offline after the grace period),
//! typing indicators and read receipts, live and over HTTP.

use std::time::Duration;

use ebb_core::{Brand, ExpertStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::Ws;

/// Matches a `presence` frame saying `online`.
pub(crate) fn is_presence(online: bool) -> impl Fn(&Value) -> bool {
    move |f| f["type"] == "presence" && f["online"] == online
}

async fn listed_online(app: &TestApp, token: &str) -> Value {
    let (_, panel) = app.get("/api/v1/expert/conversations", token).await;
    panel["conversations"][0]["visitor_online"].clone()
}

/// The brand `acme` with `ada` (available) and `zed` (away), both with two slots, and a
/// visitor: `(acme, ada's token, zed's token, the visitor's token)`.
async fn desk(app: &TestApp) -> (Brand, String, String, String) {
    let acme = app.brand("acme").await;
    let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
    let (_, zed) = app.expert(&acme, "zed", 2, ExpertStatus::Away).await;
    let visitor = app.visitor(&acme).await;
    (acme, ada, zed, visitor)
}

per_backend! {
    async fn a_visitor_is_online_while_connected_and_a_reload_does_not_flicker(app, b) {
        let (acme, ada, zed, visitor) = desk(&app).await;
        let started = app.start(&acme, &visitor, "hi", "m1").await;
        let visitor_id = started["conversation"]["visitor_id"].clone();
        assert_eq!(listed_online(&app, &ada).await, false, "{b}");
        let mut ada_ws = Ws::session(&app, &ada).await;
        let mut zed_ws = Ws::session(&app, &zed).await;

        let widget = Ws::visitor(&app, &acme, &visitor).await;
        let online = ada_ws.until("online", is_presence(true)).await;
        assert_eq!(online["visitor"], visitor_id, "{b}");
        assert_eq!(listed_online(&app, &ada).await, true, "{b}");

        // A reload: close and reopen within the grace period.
        widget.close().await;
        let widget = Ws::visitor(&app, &acme, &visitor).await;
        let frames = ada_ws.drain(Duration::from_millis(600)).await;
        assert!(
            !frames.iter().any(|f| f["type"] == "presence"),
            "{b}: no flicker: {frames:?}"
        );
        assert_eq!(listed_online(&app, &ada).await, true, "{b}");

        widget.close().await;
        let offline = ada_ws.until("offline", is_presence(false)).await;
        assert_eq!(offline["visitor"], visitor_id, "{b}");
        assert_eq!(listed_online(&app, &ada).await, false, "{b}");
        let frames = zed_ws.drain(Duration::from_millis(100)).await;
        assert!(
            !frames.iter().any(|f| f["type"] == "presence"),
            "{b}: an expert without the conversation hears nothing"
        );
    }
}

per_backend! {
    async fn typing_and_read_receipts_reach_the_other_side(app, b) {
        let (acme, ada, zed, visitor) = desk(&app).await;
        let stranger = app.visitor(&acme).await;
        let started = app.start(&acme, &visitor, "hi", "m1").await;
        let id = id_of(&started);
        let mut v_ws = Ws::visitor(&app, &acme, &visitor).await;
        let mut ada_ws = Ws::session(&app, &ada).await;

        v_ws.send(json!({"type": "typing", "conversation": id, "typing": true}))
            .await;
        let typing = ada_ws.until("typing", |f| f["type"] == "typing").await;
        assert_eq!(
            (typing["from"].clone(), typing["typing"].clone()),
            (json!("visitor"), json!(true)),
            "{b}"
        );
        let path = format!("/api/v1/expert/conversations/{id}/typing");
        let (s, _) = app.post(&path, &ada, json!({"typing": true})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let typing = v_ws.until("expert typing", |f| f["type"] == "typing").await;
        assert_eq!(typing["from"], "expert", "{b}");

        let read = format!("/api/v1/expert/conversations/{id}/read");
        let (s, markers) = app.post(&read, &ada, json!({"seq": 2})).await;
        assert_eq!(
            (s, markers),
            (StatusCode::OK, json!({"visitor": 0, "expert": 2})),
            "{b}"
        );
        let receipt = v_ws.until("read receipt", |f| f["type"] == "read").await;
        assert_eq!(
            (receipt["by"].clone(), receipt["seq"].clone()),
            (json!("expert"), json!(2))
        );
        let (s, problem) = app.post(&read, &ada, json!({"seq": 99})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(problem["type"], "/problems/seq-out-of-range");
        let (_, markers) = app.post(&read, &ada, json!({"seq": 1})).await;
        assert_eq!(markers["expert"], 2, "{b}: a marker never moves back");

        v_ws.send(json!({"type": "read", "conversation": id, "seq": 4}))
            .await;
        let receipt = ada_ws
            .until("visitor read", |f| {
                f["type"] == "read" && f["by"] == "visitor"
            })
            .await;
        assert_eq!(receipt["seq"], 4, "{b}");
        let (_, view) = app
            .get(&format!("/api/v1/widget/acme/conversations/{id}"), &visitor)
            .await;
        assert_eq!(view["read"], json!({"visitor": 4, "expert": 2}), "{b}");

        let refusals = [
            (
                format!("/api/v1/widget/acme/conversations/{id}/read"),
                stranger.clone(),
            ),
            (
                format!("/api/v1/widget/acme/conversations/{id}/typing"),
                stranger.clone(),
            ),
            (read.clone(), zed.clone()),
            (path.clone(), zed.clone()),
        ];
        for (url, token) in refusals {
            let body = if url.ends_with("read") {
                json!({"seq": 1})
            } else {
                json!({"typing": true})
            };
            let (s, _) = app.post(&url, &token, body).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {url}");
        }
        let mut stranger_ws = Ws::visitor(&app, &acme, &stranger).await;
        stranger_ws
            .send(json!({"type": "typing", "conversation": id, "typing": true}))
            .await;
        let refusal = stranger_ws.until("refusal", |f| f["type"] == "error").await;
        assert_eq!(refusal["problem"]["status"], 404, "{b}");
        stranger_ws.send(json!({"type": "bogus"})).await;
        let refusal = stranger_ws.until("refusal", |f| f["type"] == "error").await;
        assert_eq!(refusal["problem"]["status"], 400, "{b}");
        stranger_ws.send(json!({"type": "ping"})).await;
        stranger_ws.until("pong", |f| f["type"] == "pong").await;
    }
}
