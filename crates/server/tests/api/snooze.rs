//! Issue 5 stories through the API: the brief's Scenario 1 end to end, a visitor replying
//! during a snooze, the snooze rules, and snooze timers surviving restarts.

use ebb_core::ExpertStatus;
use ebb_server::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{OPENED, TestApp, assigned_to, id_of, kinds, per_backend};

pub(crate) async fn suggestion(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app.get("/api/v1/expert/suggestions", token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["suggestions"][id].clone()
}

async fn saved_reply(app: &TestApp, token: &str, key: &str) -> String {
    let (_, body) = app.get("/api/v1/expert/saved-replies", token).await;
    let replies = body["saved_replies"].as_array().expect("replies");
    let reply = replies
        .iter()
        .find(|r| r["key"] == key)
        .expect("saved reply");
    reply["body"].as_str().expect("text").to_owned()
}

pub(crate) async fn snooze(
    app: &TestApp,
    token: &str,
    id: &str,
    choice: Value,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/expert/conversations/{id}/snooze");
    app.post(&path, token, json!({"choice": choice})).await
}

/// Waits until the expert's panel shows `id` assigned again after its snooze expired.
pub(crate) async fn wait_expired(app: &TestApp, token: &str, id: &str, count: u64) -> Value {
    let path = "/api/v1/expert/conversations";
    let panel = app
        .wait_for(path, token, "the snooze to expire", |b| {
            b["conversations"].as_array().is_some_and(|l| {
                l.iter().any(|c| {
                    c["id"] == id
                        && c["state"]["status"] == "assigned"
                        && c["state"]["wake"] == "snooze_expired"
                })
            })
        })
        .await;
    let listed = panel["conversations"]
        .as_array()
        .and_then(|l| l.iter().find(|c| c["id"] == id).cloned())
        .expect("listed");
    assert_eq!(listed["snooze_count"], count, "{}", app.backend);
    listed
}

/// Opens the visitor's widget connection (the visitor is then online).
async fn widget_online(
    app: &TestApp,
    brand: &str,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!(
        "{}/ws?brand={brand}&token={token}",
        app.base.replacen("http", "ws", 1)
    );
    let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
    socket
}

per_backend! {
    async fn scenario_1_nudge_announce_snooze_twice_then_goodbye(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let visitor = app.visitor(&brand).await;
        let socket = widget_online(&app, "acme", &visitor).await;

        // First message, automatic message, assignment.
        let started = app
            .start(&brand, &visitor, "Is the jacket waterproof?", "m1")
            .await;
        assert_eq!(kinds(&started), OPENED, "{b}");
        let id = id_of(&started);
        assert_eq!(suggestion(&app, &ada_t, &id).await["step"], "reply", "{b}");
        app.say(&ada_t, &id, "Yes, fully. Which size do you need?").await;
        assert_eq!(suggestion(&app, &ada_t, &id).await["step"], "wait", "{b}");

        // Online but unresponsive: nudge.
        app.advance(Duration::minutes(3)).await;
        let nudge = suggestion(&app, &ada_t, &id).await;
        assert_eq!(
            (nudge["step"].as_str(), nudge["saved_reply"].as_str()),
            (Some("nudge"), Some("nudge")),
            "{b}"
        );
        app.say(&ada_t, &id, &saved_reply(&app, &ada_t, "nudge").await).await;

        // Still nothing: announce the snooze, snooze 24 h; the slot is free at once.
        app.advance(Duration::minutes(10)).await;
        let announce = suggestion(&app, &ada_t, &id).await;
        assert_eq!(announce["step"], "announce_and_snooze", "{b}");
        assert_eq!(announce["snooze"], json!({"kind": "one_day"}));
        app.say(
            &ada_t,
            &id,
            &saved_reply(&app, &ada_t, "announce_snooze").await,
        )
        .await;
        drop(socket);
        let (status, snoozed) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(status, StatusCode::OK, "{b}: {snoozed}");
        assert_eq!(snoozed["conversation"]["state"]["status"], "snoozed");
        let (_, panel) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(
            panel["slots"],
            json!({"held": 0, "capacity": 1}),
            "{b}: snooze frees the slot"
        );
        let other = app.visitor(&brand).await;
        let second = app.start(&brand, &other, "Another question", "o1").await;
        assert_eq!(assigned_to(&second), &json!(ada.id), "{b}: freed slot used");
        let path = format!("/api/v1/expert/conversations/{}/close", id_of(&second));
        let (s, _) = app.post(&path, &ada_t, json!({})).await;
        assert_eq!(s, StatusCode::OK);

        // 24 h later it is back in Ada's panel, marked expired, snoozed once: snooze again.
        app.advance(Duration::hours(24)).await;
        wait_expired(&app, &ada_t, &id, 1).await;
        assert_eq!(
            suggestion(&app, &ada_t, &id).await["step"],
            "snooze_again",
            "{b}"
        );
        let (status, _) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(status, StatusCode::OK);

        // Back again after the second snooze: goodbye with the survey, then close.
        app.advance(Duration::hours(24)).await;
        wait_expired(&app, &ada_t, &id, 2).await;
        let goodbye = suggestion(&app, &ada_t, &id).await;
        assert_eq!(goodbye["step"], "close_with_goodbye", "{b}");
        assert_eq!(goodbye["saved_reply"], "goodbye_survey");
        let text = saved_reply(&app, &ada_t, "goodbye_survey").await;
        let path = format!("/api/v1/expert/conversations/{id}/close");
        let (status, closed) = app.post(&path, &ada_t, json!({"goodbye": text})).await;
        assert_eq!(status, StatusCode::OK, "{b}: {closed}");
        assert_eq!(kinds(&closed), ["message", "closed"]);

        // The visitor sees the whole story; nothing closed by itself along the way.
        let path = format!("/api/v1/widget/acme/conversations/{id}");
        let (_, seen) = app.get(&path, &visitor).await;
        let story = kinds(&seen);
        assert_eq!(
            story.iter().filter(|k| *k == "snoozed").count(),
            2,
            "{b}: {story:?}"
        );
        assert_eq!(story.iter().filter(|k| *k == "closed").count(), 1);
        assert_eq!(story.last().map(String::as_str), Some("closed"));
        assert_eq!(
            seen["conversation"]["state"]["by"],
            json!({"kind": "expert", "id": ada.id})
        );
    }
}

per_backend! {
    async fn a_visitor_reply_during_snooze_goes_back_to_the_same_expert(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let (_, bob_t) = app.expert(&brand, "bob", 2, ExpertStatus::Available).await;
        let visitor = app.visitor(&brand).await;
        let started = app.start(&brand, &visitor, "Hello", "m1").await;
        let id = id_of(&started);
        let owner = started["conversation"]["state"]["expert"].clone();
        let (owner_t, other_t) = if owner == json!(ada.id) {
            (&ada_t, &bob_t)
        } else {
            (&bob_t, &ada_t)
        };
        let (status, _) = snooze(&app, owner_t, &id, json!({"kind": "three_hours"})).await;
        assert_eq!(status, StatusCode::OK);

        app.advance(Duration::hours(1)).await;
        let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let (status, reply) = app
            .post(&path, &visitor, json!({"body": "I'm back!"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {reply}");
        assert_eq!(kinds(&reply), ["message", "woken", "assigned"], "{b}");
        assert_eq!(reply["entries"][2]["reason"], "reattributed");
        assert_eq!(
            reply["conversation"]["state"]["expert"], owner,
            "{b}: same expert"
        );

        // The expiry job is gone: three hours later nothing fires.
        app.advance(Duration::hours(3)).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let path = format!("/api/v1/expert/conversations/{id}");
        let (_, read) = app.get(&path, owner_t).await;
        assert_eq!(
            read["conversation"]["state"]["wake"], "visitor_replied",
            "{b}"
        );
        let (status, _) = app.get(&path, other_t).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{b}: the other expert never sees it"
        );
    }
}

per_backend! {
    async fn snooze_rules_are_enforced(app, b) {
        let (_, _, ada_t, visitor, started) = app.opening(1, "Hello", "m1").await;
        let id = id_of(&started);
        let past = (app.now() - Duration::minutes(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("fmt");
        let far = (app.now() + Duration::days(31))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("fmt");
        let cases = [
            (
                json!({"kind": "until", "until": past}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/snooze-in-past",
            ),
            (
                json!({"kind": "until", "until": far}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/snooze-too-far",
            ),
            (
                json!({"kind": "forever"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/invalid-body",
            ),
        ];
        for (choice, status, kind) in cases {
            let (s, problem) = snooze(&app, &ada_t, &id, choice.clone()).await;
            assert_eq!(
                (s, problem["type"].as_str()),
                (status, Some(kind)),
                "{b}: {choice}"
            );
        }
        let path = format!("/api/v1/widget/acme/conversations/{id}/close");
        let (s, _) = app.post(&path, &visitor, json!({})).await;
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::METHOD_NOT_ALLOWED,
            "{b}: visitors cannot close"
        );
    }
}

per_backend! {
    async fn snooze_timers_survive_a_restart(mut app, b) {
        let brand = app.brand("acme").await;
        let (_, ada_t) = app.expert(&brand, "ada", 2, ExpertStatus::Available).await;
        let v1 = app.visitor(&brand).await;
        let v2 = app.visitor(&brand).await;
        let early = id_of(&app.start(&brand, &v1, "first", "a").await);
        let late = id_of(&app.start(&brand, &v2, "second", "b").await);
        assert_eq!(
            snooze(&app, &ada_t, &early, json!({"kind": "three_hours"}))
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(
            snooze(&app, &ada_t, &late, json!({"kind": "one_day"}))
                .await
                .0,
            StatusCode::OK
        );

        // Down for four hours: the first expiry passes while nobody runs.
        app.stop_server().await;
        app.clock.advance(Duration::hours(4));
        app.restart().await;
        wait_expired(&app, &ada_t, &early, 1).await;
        let path = format!("/api/v1/expert/conversations/{late}");
        let (_, read) = app.get(&path, &ada_t).await;
        assert_eq!(
            read["conversation"]["state"]["status"], "snoozed",
            "{b}: not due yet"
        );

        // The future one fires on time after the restart, exactly once.
        app.advance(Duration::hours(21)).await;
        wait_expired(&app, &ada_t, &late, 1).await;
        app.restart().await;
        app.advance(Duration::hours(1)).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        for id in [&early, &late] {
            let path = format!("/api/v1/expert/conversations/{id}");
            let (_, read) = app.get(&path, &ada_t).await;
            let woken = kinds(&read).iter().filter(|k| *k == "woken").count();
            assert_eq!(woken, 1, "{b}: each expiry fires exactly once");
        }
    }
}
