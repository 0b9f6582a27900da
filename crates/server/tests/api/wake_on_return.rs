//! Issue 17: the snooze "until the visitor is back (at most a date)". The visitor's widget
//! connection wakes it, once, whatever node it lands on and even when the timer is due at
//! the same moment; the at-most date wakes it by the timer; a reply reattributes as usual.

use ebb_core::{Brand, ExpertStatus};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, id_of, kinds, per_backend};
use crate::snooze::{snooze, suggestion, wait_expired};
use crate::ws_client::Ws;

/// The snooze choice "until the visitor is back, at most `after` from now".
fn until_return(app: &TestApp, after: Duration) -> Value {
    let at_most = (app.now() + after).format(&Rfc3339).expect("format");
    json!({"kind": "until_return", "at_most": at_most})
}

/// A brand with Ada (capacity `capacity`) and a visitor's conversation assigned to her:
/// `(brand, Ada's token, visitor token, conversation id)`.
async fn opened(app: &TestApp, capacity: u32) -> (Brand, String, String, String) {
    let brand = app.brand("acme").await;
    let (_, ada_t) = app
        .expert(&brand, "ada", capacity, ExpertStatus::Available)
        .await;
    let (visitor, id) = started(app, &brand).await;
    (brand, ada_t, visitor, id)
}

async fn started(app: &TestApp, brand: &Brand) -> (String, String) {
    let visitor = app.visitor(brand).await;
    let first = app
        .start(brand, &visitor, "Do you ship abroad?", "m1")
        .await;
    (visitor, id_of(&first))
}

/// Snoozes `id` until the visitor is back (at most a day) and checks what it answers.
async fn snooze_until_return(app: &TestApp, token: &str, id: &str) {
    let (status, body) = snooze(app, token, id, until_return(app, Duration::days(1))).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.backend);
    let state = &body["conversation"]["state"];
    assert_eq!(
        (&state["status"], &state["until_return"]),
        (&json!("snoozed"), &json!(true))
    );
    let entries = body["entries"].as_array().expect("entries");
    let last = entries.last().expect("snoozed entry");
    assert_eq!(
        (&last["type"], &last["until_return"]),
        (&json!("snoozed"), &json!(true))
    );
}

/// The reasons of the `woken` entries of `id`'s timeline.
async fn wake_reasons(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/api/v1/expert/conversations/{id}"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let entries = body["entries"].as_array().expect("entries");
    let woken = entries.iter().filter(|e| e["type"] == "woken");
    woken.map(|e| e["reason"].clone()).collect()
}

async fn state_of(app: &TestApp, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/expert/conversations/{id}");
    app.get(&path, token).await.1["conversation"]["state"].clone()
}

per_backend! {
    async fn the_visitor_coming_back_wakes_it_once_for_its_expert(app, b) {
        let (brand, ada_t, visitor, id) = opened(&app, 1).await;
        snooze_until_return(&app, &ada_t, &id).await;
        let (_, panel) = app.get("/api/v1/expert/conversations", &ada_t).await;
        let listed = panel["conversations"].as_array().expect("list");
        let row = listed.iter().find(|c| c["id"] == id.as_str()).expect("listed");
        assert_eq!(row["state"]["until_return"], true, "{b}: the list shows the state");

        let first = Ws::visitor(&app, &brand, &visitor).await;
        let state = state_of(&app, &ada_t, &id).await;
        assert_eq!(
            (&state["status"], &state["wake"]),
            (&json!("assigned"), &json!("visitor_returned")),
            "{b}: back in Ada's free slot"
        );
        let mut conn = app.store().conn().await.expect("conn");
        let pending = ebb_store::jobs::pending(&mut conn).await.expect("jobs");
        assert_eq!(pending, 0, "{b}: the wake took the snooze's job row");
        drop(conn);
        let step = suggestion(&app, &ada_t, &id).await;
        assert_eq!(step["step"], "nudge", "{b}: the visitor is here, remind them");

        let second = Ws::visitor(&app, &brand, &visitor).await;
        app.advance_and_settle(Duration::days(2)).await;
        assert_eq!(
            wake_reasons(&app, &ada_t, &id).await,
            [json!("visitor_returned")],
            "{b}: a second connection and the at-most date change nothing"
        );
        first.close().await;
        second.close().await;
    }
}

per_backend! {
    async fn the_at_most_date_wakes_it_when_the_visitor_stays_away(app, b) {
        let (brand, ada_t, visitor, id) = opened(&app, 1).await;
        snooze_until_return(&app, &ada_t, &id).await;
        app.advance(Duration::days(1)).await;
        wait_expired(&app, &ada_t, &id, 1).await;
        let back = Ws::visitor(&app, &brand, &visitor).await;
        assert_eq!(
            wake_reasons(&app, &ada_t, &id).await,
            [json!("snooze_expired")],
            "{b}: already awake when the visitor comes back"
        );
        back.close().await;
    }
}

per_backend! {
    async fn a_reply_before_the_return_reattributes_as_usual(app, b) {
        let (brand, ada_t, visitor, id) = opened(&app, 1).await;
        snooze_until_return(&app, &ada_t, &id).await;
        let reply = app.write(&brand, &visitor, &id, "Still there?").await;
        assert_eq!(kinds(&reply), ["message", "woken", "assigned"], "{b}");
        assert_eq!(reply["entries"][2]["reason"], "reattributed", "{b}");
        let back = Ws::visitor(&app, &brand, &visitor).await;
        app.advance_and_settle(Duration::days(2)).await;
        assert_eq!(
            wake_reasons(&app, &ada_t, &id).await,
            [json!("visitor_replied")],
            "{b}: neither the connection nor the old deadline wakes it again"
        );
        back.close().await;
    }
}

per_backend! {
    async fn an_ordinary_snooze_ignores_the_return_and_bad_choices_are_refused(app, b) {
        let (brand, ada_t, visitor, id) = opened(&app, 1).await;
        for (choice, want) in [
            (json!({"kind": "until_return"}), "/problems/invalid-body"),
            (until_return(&app, Duration::minutes(-1)), "/problems/snooze-in-past"),
            (until_return(&app, Duration::days(400)), "/problems/snooze-too-far"),
        ] {
            let (status, problem) = snooze(&app, &ada_t, &id, choice).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {problem}");
            assert_eq!(problem["type"], want, "{b}");
        }
        let (status, _) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let back = Ws::visitor(&app, &brand, &visitor).await;
        assert_eq!(state_of(&app, &ada_t, &id).await["status"], "snoozed", "{b}");
        back.close().await;
    }
}

per_backend! {
    async fn racing_returns_on_two_nodes_and_a_due_timer_wake_it_once(app, b) {
        let brand = app.brand("acme").await;
        let (_, ada_t) = app.expert(&brand, "ada", 6, ExpertStatus::Available).await;
        let (twin, _stop) = app.twin().await;
        for round in 0..4 {
            let (visitor, id) = started(&app, &brand).await;
            snooze_until_return(&app, &ada_t, &id).await;
            if round % 2 == 1 {
                // The at-most date is due now too: both schedulers race the returns.
                app.advance(Duration::days(1)).await;
            }
            let query = format!("brand={}&token={visitor}", brand.slug);
            let connects = [&app.base, &twin, &app.base, &twin]
                .map(|base| Ws::try_connect(base, &query, None));
            let sockets = join_all(connects).await;
            assert!(sockets.iter().all(Result::is_ok), "{b}: all connected");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let reasons = wake_reasons(&app, &ada_t, &id).await;
            assert_eq!(reasons.len(), 1, "{b} round {round}: one wake, {reasons:?}");
            for socket in sockets.into_iter().flatten() {
                socket.close().await;
            }
        }
    }
}
