//! The WebSocket: who may connect (token, origin), live fan-out of timeline entries to
//! exactly the visitor and expert concerned, and resume after a reconnect with nothing
//! missed and nothing duplicated.

use std::time::Duration;

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{id_of, per_backend, spawn_apps};
use crate::ws_client::{Ws, admin, entry_seqs};

per_backend! {
    async fn upgrades_are_refused_without_a_valid_token_or_from_a_foreign_origin(app, b) {
        let acme = app.brand("acme").await;
        let globex = app.brand("globex").await;
        let visitor = app.visitor(&acme).await;
        let foreign_visitor = app.visitor(&globex).await;
        let (_, expert) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let q = |brand: &str, token: &str| format!("brand={brand}&token={token}");
        let cases = [
            (
                "no token",
                "brand=acme".to_owned(),
                None,
                StatusCode::UNAUTHORIZED,
            ),
            ("garbage", q("acme", "nope"), None, StatusCode::UNAUTHORIZED),
            (
                "other brand's visitor",
                q("acme", &foreign_visitor),
                None,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "unknown brand",
                q("nosuch", &visitor),
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "expert token as visitor",
                q("acme", &expert),
                None,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "visitor token as session",
                format!("token={visitor}"),
                None,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "foreign origin",
                q("acme", &visitor),
                Some("https://evil.example"),
                StatusCode::FORBIDDEN,
            ),
        ];
        for (who, query, origin, expected) in cases {
            let got = Ws::try_connect(&app.base, &query, origin).await.err();
            assert_eq!(got, Some(expected), "{b}: {who}");
        }
        let same_origin = app.base.clone();
        let ws = Ws::try_connect(&app.base, &q("acme", &visitor), Some(&same_origin)).await;
        assert!(ws.is_ok(), "{b}: the server's own origin is always allowed");

        let admin = admin(&app, &acme, "root").await;
        let mut settings = app.get("/api/v1/admin/settings", &admin).await.1;
        settings["allowed_origins"] = json!(["https://shop.example"]);
        let (s, _) = app.put("/api/v1/admin/settings", &admin, settings).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let shop = Some("https://shop.example");
        let ok = Ws::try_connect(&app.base, &q("acme", &visitor), shop).await;
        assert!(ok.is_ok(), "{b}: an allowed origin");
        let ws = Ws::try_connect(&app.base, &format!("token={admin}"), None).await;
        assert_eq!(ws.expect("admin ws").hello["principal"]["kind"], "admin");
    }
}

per_backend! {
    async fn entries_reach_exactly_the_visitor_and_expert_concerned(app, b) {
        let acme = app.brand("acme").await;
        let globex = app.brand("globex").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let (_, zed) = app.expert(&acme, "zed", 0, ExpertStatus::Available).await;
        let (_, gus) = app.expert(&globex, "gus", 2, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let stranger = app.visitor(&acme).await;
        let mut v_ws = Ws::visitor(&app, &acme, &visitor).await;
        let mut ada_ws = Ws::session(&app, &ada).await;
        let mut others = vec![
            Ws::visitor(&app, &acme, &stranger).await,
            Ws::session(&app, &zed).await,
            Ws::session(&app, &gus).await,
        ];

        let started = app.start(&acme, &visitor, "Hello?", "m1").await;
        let id = id_of(&started);
        let frame = ada_ws
            .until("the assigned conversation", |f| f["type"] == "conversation")
            .await;
        assert_eq!(frame["conversation"]["id"], id.as_str(), "{b}");
        let mut seen = vec![frame];
        seen.extend(ada_ws.drain(Duration::from_millis(300)).await);
        assert_eq!(
            entry_seqs(&seen, &id),
            [1, 2, 3, 4],
            "{b}: the whole timeline once"
        );

        let path = format!("/api/v1/expert/conversations/{id}/messages");
        let reply = json!({"body": "Hi! Yes.", "client_msg_id": "r1"});
        app.post(&path, &ada, reply.clone()).await;
        app.post(&path, &ada, reply).await;
        let frame = v_ws
            .until("the expert's reply", |f| {
                f["type"] == "entry" && f["entry"]["body"] == "Hi! Yes."
            })
            .await;
        assert_eq!(frame["entry"]["seq"], 5, "{b}");
        let frames = v_ws.drain(Duration::from_millis(300)).await;
        assert!(
            entry_seqs(&frames, &id).is_empty(),
            "{b}: the retry is not re-sent"
        );
        for ws in &mut others {
            let frames = ws.drain(Duration::from_millis(200)).await;
            assert!(
                frames
                    .iter()
                    .all(|f| f["type"] != "entry" && f["type"] != "conversation"),
                "{b}: nobody else sees it: {frames:?}"
            );
        }
        let mut visitor_ws = others.remove(0);
        visitor_ws
            .send(json!({"type": "resume", "conversations": {id.clone(): 0}}))
            .await;
        let refusal = visitor_ws
            .until("a refusal", |f| f["type"] == "error")
            .await;
        assert_eq!(
            refusal["problem"]["status"], 404,
            "{b}: resume of another's conversation"
        );
    }
}

per_backend! {
    async fn a_reconnecting_client_resumes_from_its_last_seq_and_misses_nothing(app, b) {
        let (acme, _, ada, visitor, started) = app.opening(2, "first", "m1").await;
        let id = id_of(&started);
        let mut ws = Ws::visitor(&app, &acme, &visitor).await;
        ws.send(json!({"type": "resume", "conversations": {id.clone(): 0}}))
            .await;
        let frames = ws.drain(Duration::from_millis(300)).await;
        assert_eq!(entry_seqs(&frames, &id), [1, 2, 3, 4], "{b}");
        ws.close().await;

        let path = format!("/api/v1/expert/conversations/{id}/messages");
        for n in 0..3 {
            let msg = json!({"body": format!("while you were away {n}")});
            let (s, _) = app.post(&path, &ada, msg).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let mut ws = Ws::visitor(&app, &acme, &visitor).await;
        ws.send(json!({"type": "resume", "conversations": {id.clone(): 4}}))
            .await;
        let mut frames = ws.drain(Duration::from_millis(300)).await;
        assert_eq!(
            entry_seqs(&frames, &id),
            [5, 6, 7],
            "{b}: exactly what was missed"
        );

        let widget = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let msg = json!({"body": "thanks", "client_msg_id": "m2"});
        app.post(&widget, &visitor, msg).await;
        frames = ws.drain(Duration::from_millis(300)).await;
        assert_eq!(entry_seqs(&frames, &id), [8], "{b}: then live");
        let (_, over_http) = app
            .get(
                &format!("/api/v1/widget/acme/conversations/{id}?after_seq=4"),
                &visitor,
            )
            .await;
        let seqs: Vec<u64> = over_http["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["seq"].as_u64())
            .collect();
        assert_eq!(seqs, [5, 6, 7, 8], "{b}: the same events over HTTP");
    }
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_the_connection() {
    for app in spawn_apps().await {
        let acme = app.brand("acme").await;
        let visitor = app.visitor(&acme).await;
        let mut ws = Ws::visitor(&app, &acme, &visitor).await;
        let huge = "x".repeat(64 * 1024);
        ws.send(json!({"type": "typing", "conversation": huge, "typing": true}))
            .await;
        let frames = ws.drain(Duration::from_secs(2)).await;
        assert!(frames.is_empty(), "{}: {frames:?}", app.backend);
        let mut fresh = Ws::visitor(&app, &acme, &visitor).await;
        fresh.send(json!({"type": "ping"})).await;
        fresh.until("pong", |f| f["type"] == "pong").await;
        app.finish().await;
    }
}
