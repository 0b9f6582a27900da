//! The expert's async cap and the admin's stale-work guardrails: a capped expert takes
//! async conversations only up to the cap while real-time visitors still get the remaining
//! slots (also a queued visitor who comes back online); a cap above the capacity is a
//! problem; hand moves respect it; stale work is listed by expert under the brand's
//! thresholds (test clock), stays in its brand, pages by expert and is reassigned from the
//! list.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::{Ws, admin, rivals};

fn expert_path(id: impl std::fmt::Display) -> String {
    format!("/api/v1/admin/experts/{id}")
}

/// The admin's view of conversation `id`: its state.
async fn state_of(app: &TestApp, root: &str, id: &str) -> Value {
    let (_, body) = app
        .get(&format!("/api/v1/admin/conversations/{id}"), root)
        .await;
    body["conversation"]["state"].clone()
}

per_backend! {
    async fn an_async_cap_keeps_slots_for_real_time_visitors(app, b) {
        let acme = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 3, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let (s, member) = app.patch(&expert_path(ada.id), &root, json!({"async_cap": 4})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {member}");
        assert_eq!(member["type"], "/problems/invalid-async-cap", "{b}");
        let (s, member) = app.patch(&expert_path(ada.id), &root, json!({"async_cap": 1})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {member}");
        assert_eq!(member["async_cap"], 1, "{b}");
        let (s, low) = app.patch(&expert_path(ada.id), &root, json!({"capacity": 0})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: below the cap: {low}");
        let (_, me) = app.get("/api/v1/expert/me", &ada_t).await;
        assert_eq!(me["expert"]["async_cap"], 1, "{b}: the expert sees their cap");

        // Nobody's widget is open: both are async; the second waits although slots are free.
        let away1 = app.visitor(&acme).await;
        let first = app.start(&acme, &away1, "first", "a1").await;
        assert_eq!(first["conversation"]["state"]["expert"], json!(ada.id), "{b}");
        let away2 = app.visitor(&acme).await;
        let held_back = app.start(&acme, &away2, "second", "a2").await;
        assert_eq!(held_back["conversation"]["state"]["status"], "queued", "{b}");
        // A visitor with the widget open is real-time: they get a free slot at once.
        let live = app.visitor(&acme).await;
        let _live_ws = Ws::visitor(&app, &acme, &live).await;
        let now = app.start(&acme, &live, "live", "l1").await;
        assert_eq!(now["conversation"]["state"]["expert"], json!(ada.id), "{b}");
        // The held-back visitor comes online: now real-time, they take the last slot.
        let _back_ws = Ws::visitor(&app, &acme, &away2).await;
        let id = id_of(&held_back);
        let path = format!("/api/v1/admin/conversations/{id}");
        app.wait_for(&path, &root, "the returning visitor's slot", |v| {
            v["conversation"]["state"]["expert"] == json!(ada.id)
        })
        .await;

        // By hand too: an async conversation does not go to a colleague at their cap.
        let (bob, _) = app.expert(&acme, "bob", 2, ExpertStatus::Available).await;
        let (s, _) = app.patch(&expert_path(bob.id), &root, json!({"async_cap": 0})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let reassign = format!("/api/v1/admin/conversations/{}/reassign", id_of(&first));
        let (s, refused) = app.post(&reassign, &root, json!({"expert_id": bob.id})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {refused}");
        assert_eq!(refused["type"], "/problems/async-cap-reached", "{b}");
        let (s, lifted) = app.patch(&expert_path(bob.id), &root, json!({"async_cap": null})).await;
        assert_eq!((s, lifted["async_cap"].clone()), (StatusCode::OK, Value::Null), "{b}");
        let (s, moved) = app.post(&reassign, &root, json!({"expert_id": bob.id})).await;
        assert_eq!(s, StatusCode::OK, "{b}: no cap, no refusal: {moved}");
    }
}

per_backend! {
    async fn another_brands_admin_cannot_cap_an_expert(app, b) {
        let (acme, _globex, _ours, theirs) = rivals(&app, "root", "mallory").await;
        let (ada, _) = app.expert(&acme, "ada", 3, ExpertStatus::Available).await;
        let (s, _) = app.patch(&expert_path(ada.id), &theirs, json!({"async_cap": 1})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    }
}

/// The groups of `GET /api/v1/admin/stale`: (expert id, [(conversation id, reason)]).
async fn stale(app: &TestApp, root: &str) -> Vec<(Value, Vec<(String, String)>)> {
    let (s, body) = app.get("/api/v1/admin/stale", root).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["experts"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let convs = g["conversations"].as_array().expect("conversations");
            let listed = convs
                .iter()
                .map(|c| {
                    (
                        c["id"].as_str().unwrap_or("?").into(),
                        c["reason"].as_str().unwrap_or("?").into(),
                    )
                })
                .collect();
            (g["expert_id"].clone(), listed)
        })
        .collect()
}

per_backend! {
    async fn stale_work_is_listed_by_expert_and_reassigned_from_the_list(app, b) {
        let (acme, globex, root, theirs) = rivals(&app, "root", "other").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let limits = json!({"waiting_minutes": 60, "snoozed_minutes": 120});
        let (s, bad) = app
            .put("/api/v1/admin/stale-thresholds", &root, json!({"waiting_minutes": 0, "snoozed_minutes": 1}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}");
        let (s, set) = app.put("/api/v1/admin/stale-thresholds", &root, limits.clone()).await;
        assert_eq!((s, set), (StatusCode::OK, limits.clone()), "{b}");
        let (_, theirs_now) = app.get("/api/v1/admin/stale-thresholds", &theirs).await;
        assert_eq!(theirs_now["waiting_minutes"], 1440, "{b}: globex keeps its own");

        let v1 = app.visitor(&acme).await;
        let unanswered = id_of(&app.start(&acme, &v1, "anyone?", "s1").await);
        let v2 = app.visitor(&acme).await;
        let parked = id_of(&app.start(&acme, &v2, "later is fine", "s2").await);
        app.say(&ada_t, &parked, "I'll get back to you tomorrow").await;
        app.snooze_one_day(&ada_t, &parked).await;
        let gv = app.visitor(&globex).await;
        app.start(&globex, &gv, "globex here", "g1").await;

        app.advance(Duration::minutes(59)).await;
        assert_eq!(stale(&app, &root).await, vec![], "{b}: nothing is stale yet");
        app.advance(Duration::minutes(1)).await;
        let ada_id = json!(ada.id);
        let waiting = (unanswered.clone(), "awaiting_expert".to_owned());
        assert_eq!(stale(&app, &root).await, vec![(ada_id.clone(), vec![waiting.clone()])], "{b}");
        app.advance(Duration::minutes(60)).await;
        let snoozed = (parked.clone(), "snoozed".to_owned());
        assert_eq!(
            stale(&app, &root).await,
            vec![(ada_id.clone(), vec![waiting.clone(), snoozed.clone()])],
            "{b}: oldest first under their expert"
        );
        let (s, _) = app.put("/api/v1/admin/stale-thresholds", &theirs, limits).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let theirs_stale = stale(&app, &theirs).await;
        assert_eq!(theirs_stale.len(), 1, "{b}: globex sees its own only: {theirs_stale:?}");
        assert_eq!(theirs_stale[0].0, Value::Null, "{b}: in the brand queue, nobody's");
        assert_eq!(theirs_stale[0].1.len(), 1, "{b}");
        assert_eq!(theirs_stale[0].1[0].1, "awaiting_expert", "{b}");

        let (bob, _) = app.expert(&acme, "bob", 2, ExpertStatus::Available).await;
        let reassign = format!("/api/v1/admin/conversations/{parked}/reassign");
        let (s, moved) = app.post(&reassign, &root, json!({"expert_id": bob.id})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {moved}");
        assert_eq!(state_of(&app, &root, &parked).await["expert"], json!(bob.id), "{b}");
        let awaiting_visitor = (parked.clone(), "awaiting_visitor".to_owned());
        let mut groups = stale(&app, &root).await;
        groups.sort_by_key(|(e, _)| e.to_string());
        let mut expected = vec![(ada_id, vec![waiting]), (json!(bob.id), vec![awaiting_visitor])];
        expected.sort_by_key(|(e, _)| e.to_string());
        assert_eq!(groups, expected, "{b}: the reassigned one moved to bob, no longer snoozed");

        let (_, page) = app.get("/api/v1/admin/stale?limit=1", &root).await;
        assert_eq!(page["experts"].as_array().map(Vec::len), Some(1), "{b}");
        let cursor = page["next_cursor"].as_str().expect("a second page").to_owned();
        let (_, next) = app.get(&format!("/api/v1/admin/stale?limit=1&cursor={cursor}"), &root).await;
        assert_eq!(next["experts"].as_array().map(Vec::len), Some(1), "{b}");
        assert_ne!(next["experts"][0]["expert_id"], page["experts"][0]["expert_id"], "{b}");
        assert_eq!(next["next_cursor"], Value::Null, "{b}");
    }
}
