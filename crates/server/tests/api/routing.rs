//! Routing by hand and by rule: admins reassign and unassign within capacity, woken
//! conversations wait for an offline expert only for the brand's grace period, then go
//! back to the brand queue ahead of new ones; admins edit the saved replies.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

use crate::helpers::{assigned_to, id_of, kept_for, kinds, per_backend};
use crate::ws_client::{admin, rivals};

per_backend! {
    async fn admins_reassign_and_unassign_within_capacity(app, b) {
        let (acme, _, root, stranger) = rivals(&app, "root", "boss").await;
        let (_, ada_t) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let (bob, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Away).await;
        let v = app.visitor(&acme).await;
        let id = id_of(&app.start(&acme, &v, "help", "m").await);

        let to_bob = json!({"expert_id": bob.id});
        let path = format!("/api/v1/admin/conversations/{id}/reassign");
        for (who, token, status) in [
            (
                "another brand's admin",
                stranger.as_str(),
                StatusCode::NOT_FOUND,
            ),
            ("an expert", ada_t.as_str(), StatusCode::UNAUTHORIZED),
            ("a visitor", v.as_str(), StatusCode::UNAUTHORIZED),
        ] {
            assert_eq!(
                app.post(&path, token, to_bob.clone()).await.0,
                status,
                "{b}: {who}"
            );
        }
        let (s, moved) = app.post(&path, &root, to_bob.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}: {moved}");
        assert_eq!(kinds(&moved), ["unassigned", "assigned"]);
        assert_eq!(moved["entries"][1]["reason"], "manual");
        assert_eq!(assigned_to(&moved), &json!(bob.id), "{b}");
        let (_, ada_panel) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(ada_panel["slots"]["held"], 0, "{b}: ada's slot is free");

        // Bob is full now: a second conversation cannot be forced on him.
        let other = id_of(
            &app.start(&acme, &app.visitor(&acme).await, "two", "n")
                .await,
        );
        let path2 = format!("/api/v1/admin/conversations/{other}/reassign");
        let (s, problem) = app.post(&path2, &root, to_bob).await;
        assert_eq!(
            (s, problem["type"].as_str()),
            (StatusCode::CONFLICT, Some("/problems/over-capacity")),
            "{b}"
        );

        // Unassigned, it goes back to the queue and to whoever is free: nobody (ada has
        // `other`), so it waits.
        let path = format!("/api/v1/admin/conversations/{id}/unassign");
        let (s, back) = app.post(&path, &root, json!(null)).await;
        assert_eq!(s, StatusCode::OK, "{b}: {back}");
        assert_eq!(back["conversation"]["state"]["status"], "queued", "{b}");
        let (_, me) = app.get("/api/v1/expert/me", &bob_t).await;
        assert_eq!(me["queue"], 1, "{b}");
    }
}

per_backend! {
    async fn an_offline_expert_keeps_woken_conversations_only_for_the_grace_period(app, b) {
        let (acme, ada, ada_t, v, started) = app.opening(1, "question", "m").await;
        let id = id_of(&started);
        let (_, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        app.snooze_one_day(&ada_t, &id).await;
        let status = json!({"status": "offline"});
        let (s, _) = app.put("/api/v1/expert/status", &ada_t, status).await;
        assert_eq!(s, StatusCode::NO_CONTENT);

        // Bob is busy with a conversation; a newer one waits in the queue.
        let busy = id_of(
            &app.start(&acme, &app.visitor(&acme).await, "for bob", "x")
                .await,
        );
        let newer = id_of(
            &app.start(&acme, &app.visitor(&acme).await, "newer", "y")
                .await,
        );

        // The visitor replies: it waits for Ada, reserved, while she is offline.
        app.advance(Duration::minutes(30)).await;
        let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let (s, reply) = app.post(&path, &v, json!({"body": "still there?"})).await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(kept_for(&reply), &json!(ada.id), "{b}: {reply}");
        app.advance_and_settle(Duration::minutes(60)).await;
        let path = format!("/api/v1/expert/conversations/{id}");
        let (_, read) = app.get(&path, &ada_t).await;
        assert_eq!(kept_for(&read), &json!(ada.id), "{b}: within grace");

        // Two hours after she went offline it is released, ahead of the newer one.
        app.advance(Duration::minutes(31)).await;
        let close = format!("/api/v1/expert/conversations/{busy}/close");
        app.wait_for(
            &format!("/api/v1/widget/acme/conversations/{id}"),
            &v,
            "release",
            |body| kinds(body).iter().any(|k| k == "released"),
        )
        .await;
        assert_eq!(app.post(&close, &bob_t, json!({})).await.0, StatusCode::OK);
        let (_, panel) = app.get("/api/v1/expert/conversations", &bob_t).await;
        let ids: Vec<&str> = panel["conversations"]
            .as_array()
            .map(|l| l.iter().filter_map(|c| c["id"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            ids,
            [id.as_str()],
            "{b}: the released conversation goes first"
        );
        let (_, me) = app.get("/api/v1/expert/me", &bob_t).await;
        assert_eq!(me["queue"], 1, "{b}: {newer} still waits");
    }
}

per_backend! {
    async fn admins_edit_the_saved_replies_experts_use(app, b) {
        let acme = app.brand("acme").await;
        let root = admin(&app, &acme, "root").await;
        let (_, ada_t) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let (_, defaults) = app.get("/api/v1/expert/saved-replies", &ada_t).await;
        let keys: Vec<&str> = defaults["saved_replies"]
            .as_array()
            .map(|l| l.iter().filter_map(|r| r["key"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["nudge", "announce_snooze", "goodbye_survey"], "{b}");

        let mine = json!({"saved_replies": [
            {"key": "nudge", "title": "Still there?", "body": "Hello again! Anything else I can do?"},
            {"key": "shipping", "title": "Shipping", "body": "We ship in 2 days."}
        ]});
        let (s, _) = app.put("/api/v1/admin/saved-replies", &root, mine).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (_, now) = app.get("/api/v1/expert/saved-replies", &ada_t).await;
        assert_eq!(now["saved_replies"][1]["body"], "We ship in 2 days.", "{b}");

        for bad in [
            json!({"saved_replies": [{"key": "a b", "title": "x", "body": "y"}]}),
            json!({"saved_replies": [{"key": "a", "title": "x", "body": "  "}]}),
            json!({"saved_replies": [{"key": "a", "title": "x", "body": "y"}, {"key": "a", "title": "z", "body": "w"}]}),
        ] {
            let (s, _) = app
                .put("/api/v1/admin/saved-replies", &root, bad.clone())
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}");
        }
        let (s, _) = app
            .put(
                "/api/v1/admin/saved-replies",
                &ada_t,
                json!({"saved_replies": []}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: experts cannot edit them");
    }
}
