//! Dead and revoked WebSocket connections are reaped: a client that never answers pings is
//! closed after three missed heartbeats, and a disabled expert's open connection is closed
//! at the next heartbeat.

use std::time::Duration;

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_apps_with, test_settings};
use crate::ws_client::{Ws, admin};

fn short_heartbeat() -> ebb_server::Settings {
    ebb_server::Settings {
        heartbeat: Duration::from_millis(200),
        ..test_settings()
    }
}

#[tokio::test]
async fn silent_connections_are_reaped_and_disabled_experts_cut_off() {
    for app in spawn_apps_with(short_heartbeat()).await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;

        // Reading nothing means answering no ping: the server ends the connection (its
        // close frame may be lost behind the pings the silent client never answered).
        let mut silent = Ws::session(&app, &ada_t).await;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let ended = silent.ended_within(Duration::from_secs(3)).await;
        assert!(
            matches!(ended, Some(None | Some(1001))),
            "{b}: reaped, got {ended:?}"
        );

        // A client that keeps reading (and so answers pings) stays connected.
        let mut alive = Ws::session(&app, &ada_t).await;
        assert_eq!(
            alive.ended_within(Duration::from_millis(1200)).await,
            None,
            "{b}"
        );

        // A live connection of an expert who gets disabled is closed within a heartbeat.
        let mut live = Ws::session(&app, &ada_t).await;
        let path = format!("/api/v1/admin/experts/{}", ada.id);
        let (s, _) = app.patch(&path, &root, json!({"disabled": true})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let code = live.ended_within(Duration::from_secs(3)).await;
        assert_eq!(code, Some(Some(4403)), "{b}: access revoked");
        app.finish().await;
    }
}
