//! Sessions: logging out on the server (an expert goes offline only with their last
//! session), listing and revoking them, their WebSockets closing, the expiry sweep, and
//! password changes that end the other sessions.

use std::time::Duration;

use ebb_core::ExpertStatus;
use ebb_store::sessions::{self, Holder};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{login, try_login};
use crate::helpers::{PASSWORD, T0, TestApp, per_backend, spawn_apps_with, test_settings};
use crate::ws_client::{Ws, admin};

const EXPERT: &str = "/api/v1/auth/login";
const ADMIN: &str = "/api/v1/admin/login";

async fn status_of(app: &TestApp, token: &str) -> Value {
    let (s, me) = app.get("/api/v1/expert/me", token).await;
    assert_eq!(s, StatusCode::OK, "{}: {me}", app.backend);
    me["expert"]["status"].clone()
}

per_backend! {
    async fn logging_out_ends_one_session_and_the_last_sets_offline(app, b) {
        let brand = app.brand("acme").await;
        let (_, first) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let second = login(&app, EXPERT, "acme", "ada@acme.test").await;
        let (s, _) = app.post("/api/v1/expert/logout", &first, json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/expert/me", &first).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the session ended");
        assert_eq!(status_of(&app, &second).await, "available", "{b}: still logged in elsewhere");
        let (s, _) = app.post("/api/v1/expert/logout", &second, json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let third = login(&app, EXPERT, "acme", "ada@acme.test").await;
        assert_eq!(status_of(&app, &third).await, "offline", "{b}: the last session ended");

        let root = admin(&app, &brand, "root").await;
        let (s, _) = app.post("/api/v1/admin/logout", &root, json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/admin/me", &root).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the admin session ended");
    }
}

per_backend! {
    async fn sessions_are_listed_and_revoked_by_their_holder_or_their_admin(app, b) {
        let brand = app.brand("acme").await;
        let other = app.brand("globex").await;
        let (ada, first) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let second = login(&app, EXPERT, "acme", "ada@acme.test").await;
        let root = admin(&app, &brand, "root").await;
        let foreign = admin(&app, &other, "boss").await;

        let (s, list) = app.get("/api/v1/expert/sessions", &first).await;
        assert_eq!(s, StatusCode::OK, "{b}: {list}");
        let all = list["sessions"].as_array().expect("sessions");
        assert_eq!(all.len(), 2, "{b}: {list}");
        assert_eq!(all.iter().filter(|s| s["current"] == true).count(), 1, "{b}");
        let other_id = all.iter().find(|s| s["current"] == false).expect("other")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let (_, admins) = app.get("/api/v1/admin/sessions", &root).await;
        let admin_id = admins["sessions"][0]["id"].as_str().expect("admin session").to_owned();
        let (s, _) = app.delete(&format!("/api/v1/expert/sessions/{admin_id}"), &first).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: not theirs");
        let (s, _) = app.delete(&format!("/api/v1/admin/sessions/{other_id}"), &root).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: an admin's own list only");
        let (s, _) = app.delete(&format!("/api/v1/expert/sessions/{other_id}"), &first).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/expert/me", &second).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: revoked");
        assert_eq!(status_of(&app, &first).await, "available", "{b}");

        let path = format!("/api/v1/admin/experts/{}/sessions", ada.id);
        let (s, _) = app.delete(&path, &foreign).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's admin");
        let (s, _) = app.get("/api/v1/expert/me", &first).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, _) = app.delete(&path, &root).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/expert/me", &first).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: revoked by the admin");
        let again = login(&app, EXPERT, "acme", "ada@acme.test").await;
        assert_eq!(status_of(&app, &again).await, "offline", "{b}");
    }
}

#[tokio::test]
async fn ended_sessions_close_their_websockets() {
    let settings = ebb_server::Settings {
        heartbeat: Duration::from_millis(200),
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let (_, ada) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let root = admin(&app, &brand, "root").await;
        let spare = login(&app, EXPERT, "acme", "ada@acme.test").await;

        let mut revoked = Ws::session(&app, &ada).await;
        let (_, list) = app.get("/api/v1/expert/sessions", &spare).await;
        let id = list["sessions"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["current"] == false))
            .and_then(|s| s["id"].as_str())
            .expect("ada's first session")
            .to_owned();
        let (s, _) = app
            .delete(&format!("/api/v1/expert/sessions/{id}"), &spare)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let code = revoked.ended_within(Duration::from_secs(3)).await;
        assert_eq!(code, Some(Some(4403)), "{b}: a revoked session's socket");

        let mut logged_out = Ws::session(&app, &root).await;
        let (s, _) = app.post("/api/v1/admin/logout", &root, json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let code = logged_out.ended_within(Duration::from_secs(3)).await;
        assert_eq!(code, Some(Some(4403)), "{b}: a logged-out admin's socket");

        let mut expiring = Ws::session(&app, &spare).await;
        app.advance(time::Duration::days(ebb_server::auth::SESSION_DAYS))
            .await;
        let code = expiring.ended_within(Duration::from_secs(3)).await;
        assert_eq!(code, Some(Some(4403)), "{b}: an expired session's socket");
        app.finish().await;
    }
}

#[tokio::test]
async fn expired_sessions_are_swept() {
    let settings = ebb_server::Settings {
        session_sweep: Duration::from_millis(50),
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let (ada, _) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let held = || async {
            let mut conn = app.store().conn().await.expect("conn");
            let at_login = T0;
            sessions::list(&mut conn, brand.id, Holder::Expert(ada.id), at_login)
                .await
                .expect("list")
                .len()
        };
        assert_eq!(held().await, 1, "{b}");
        app.advance(time::Duration::days(ebb_server::auth::SESSION_DAYS))
            .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while held().await > 0 {
            assert!(tokio::time::Instant::now() < deadline, "{b}: never swept");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        app.finish().await;
    }
}

per_backend! {
    async fn a_password_change_needs_the_current_one_and_ends_other_sessions(app, b) {
        let brand = app.brand("acme").await;
        app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        admin(&app, &brand, "root").await;
        let cases = [
            (EXPERT, "ada@acme.test", "/api/v1/expert/password", "/api/v1/expert/me"),
            (ADMIN, "root@acme.test", "/api/v1/admin/password", "/api/v1/admin/me"),
        ];
        for (route, email, change, me) in cases {
            let current = login(&app, route, "acme", email).await;
            let other = login(&app, route, "acme", email).await;
            let wrong = json!({"current_password": "not-it-at-all", "new_password": "a-new-long-one"});
            let (s, body) = app.put(change, &current, wrong).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b} {change}: {body}");
            let weak = json!({"current_password": PASSWORD, "new_password": "short"});
            let (s, body) = app.put(change, &current, weak).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b} {change}: {body}");
            let good = json!({"current_password": PASSWORD, "new_password": "a-new-long-one"});
            let (s, body) = app.put(change, &current, good).await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{b} {change}: {body}");
            assert_eq!(app.get(me, &other).await.0, StatusCode::UNAUTHORIZED, "{b} {change}");
            assert_eq!(app.get(me, &current).await.0, StatusCode::OK, "{b} {change}");
            let (s, _, _) = try_login(&app, route, "acme", email, PASSWORD).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the old password");
            let (s, _, _) = try_login(&app, route, "acme", email, "a-new-long-one").await;
            assert_eq!(s, StatusCode::CREATED, "{b}: the new password");
        }
    }
}
