//! Availability: a woken conversation waits for its full or away expert only for the
//! brand's woken wait, then is passed on to the team with a note to the visitor (the
//! scheduler sees to it with nothing else happening); disabling an expert passes their
//! conversations on; logging out makes the expert unavailable.

use ebb_core::{Brand, ExpertStatus};
use ebb_store::brands;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, assigned_to, id_of, kept_for, kinds, per_backend};
use crate::ws_client::{Ws, admin};

async fn set_woken_wait(app: &TestApp, brand: &Brand, minutes: i64) {
    let mut settings = brand.settings.clone();
    settings.woken_wait_minutes = minutes;
    let mut tx = app.store().begin().await.expect("begin");
    brands::update_settings(&mut tx, brand.id, &settings, &[])
        .await
        .expect("settings");
    tx.commit().await.expect("commit");
}

async fn reply(app: &TestApp, id: &str, visitor: &str) -> Value {
    let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
    let (s, body) = app
        .post(&path, visitor, json!({"body": "still there?"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body
}

async fn set_status(app: &TestApp, token: &str, status: &str) {
    let (s, body) = app
        .put("/api/v1/expert/status", token, json!({"status": status}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
}

async fn patch_expert(app: &TestApp, admin: &str, id: &str, change: Value) -> Value {
    let path = format!("/api/v1/admin/experts/{id}");
    let (s, member) = app.patch(&path, admin, change).await;
    assert_eq!(s, StatusCode::OK, "{}: {member}", app.backend);
    member
}

/// True when the timeline was passed on: released, then the system note to the visitor.
fn passed_on(body: &Value) -> bool {
    let entries = body["entries"].as_array().cloned().unwrap_or_default();
    entries.windows(2).any(|w| {
        w[0]["type"] == "released"
            && w[1]["author"]["kind"] == "system"
            && w[1]["body"]
                .as_str()
                .is_some_and(|t| t.contains("passed your conversation on to the team"))
    })
}

per_backend! {
    async fn a_woken_conversation_waits_for_a_full_expert_only_for_the_woken_wait(app, b) {
        let acme = app.brand("acme").await;
        set_woken_wait(&app, &acme, 30).await;
        let (ada, ada_t) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let (bob, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Away).await;
        let v = app.visitor(&acme).await;
        let id = id_of(&app.start(&acme, &v, "question", "m").await);
        app.snooze_one_day(&ada_t, &id).await;
        let other = app.visitor(&acme).await;
        app.start(&acme, &other, "keeps ada busy", "n").await;

        // The visitor replies: it waits for Ada, who is full, even though Bob is free.
        let woken = reply(&app, &id, &v).await;
        assert_eq!(kept_for(&woken), &json!(ada.id));
        set_status(&app, &bob_t, "available").await;
        app.advance_and_settle(Duration::minutes(29)).await;
        let read = format!("/api/v1/widget/acme/conversations/{id}");
        let (_, body) = app.get(&read, &v).await;
        assert_eq!(kept_for(&body), &json!(ada.id), "{b}: within the woken wait");

        // Past the wait, with nothing else happening, it is passed on and Bob gets it; Ada's
        // panel hears that it left her.
        let mut ada_ws = Ws::session(&app, &ada_t).await;
        app.advance(Duration::minutes(2)).await;
        let body = app
            .wait_for(&read, &v, "passed on to bob", |body| {
                body["conversation"]["state"]["expert"] == json!(bob.id)
            })
            .await;
        assert!(passed_on(&body), "{b}: {:?}", kinds(&body));
        let left = ada_ws
            .until("the conversation leaving Ada", |f| {
                f["type"] == "conversation" && f["conversation"]["id"] == json!(id)
            })
            .await;
        assert_eq!(assigned_to(&left), &json!(bob.id), "{b}");
    }
}

per_backend! {
    async fn disabling_an_expert_passes_their_conversations_on_to_the_team(app, b) {
        let acme = app.brand("acme").await;
        let root = admin(&app, &acme, "root").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let (bob, _) = app.expert(&acme, "bob", 3, ExpertStatus::Away).await;
        let visitors = [
            app.visitor(&acme).await,
            app.visitor(&acme).await,
            app.visitor(&acme).await,
        ];
        let held = id_of(&app.start(&acme, &visitors[0], "one", "a").await);
        let reserved = id_of(&app.start(&acme, &visitors[1], "two", "b").await);
        app.snooze_one_day(&ada_t, &reserved).await;
        let also_held = id_of(&app.start(&acme, &visitors[2], "three", "c").await);
        let woken = reply(&app, &reserved, &visitors[1]).await;
        assert_eq!(kept_for(&woken), &json!(ada.id));
        let member = patch_expert(
            &app,
            &root,
            &bob.id.to_string(),
            json!({"status": "available"}),
        )
        .await;
        assert_eq!(
            member["status"], "available",
            "{b}: the admin sets Bob's status"
        );

        let member =
            patch_expert(&app, &root, &ada.id.to_string(), json!({"disabled": true})).await;
        assert_eq!(
            member["slots"],
            json!({"held": 0, "capacity": 2, "free": 2})
        );
        for (id, v) in [&held, &reserved, &also_held].into_iter().zip(&visitors) {
            let read = format!("/api/v1/widget/acme/conversations/{id}");
            let (_, body) = app.get(&read, v).await;
            assert!(passed_on(&body), "{b}: {:?}", kinds(&body));
            assert_eq!(assigned_to(&body), &json!(bob.id), "{b}");
        }
        let (_, team) = app.get("/api/v1/admin/experts", &root).await;
        let bob_row = team["experts"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["id"] == json!(bob.id)))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            bob_row["slots"],
            json!({"held": 3, "capacity": 3, "free": 0})
        );
    }
}

per_backend! {
    async fn an_expert_who_logs_out_gets_no_new_conversations(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada_t) = app.expert(&acme, "ada", 3, ExpertStatus::Available).await;
        let (bob, _) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let (s, _) = app.post("/api/v1/expert/logout", &ada_t, json!(null)).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/expert/me", &ada_t).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the session is revoked");

        let v = app.visitor(&acme).await;
        let started = app.start(&acme, &v, "anyone there?", "m").await;
        let why = "Ada logged out, so Bob gets it";
        assert_eq!(assigned_to(&started), &json!(bob.id), "{b}: {why}");
    }
}
