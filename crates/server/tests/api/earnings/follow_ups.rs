//! docs/earnings.md, "Follow-ups: worked examples", run on the real server (SQLite and
//! PostgreSQL): purchases credit the last expert who replied across linked conversations,
//! and a follow-up closed by another expert pays its closer.

use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

use super::{ada_and_bob, assert_statement, id_of, rfc};
use crate::helpers::{TestApp, per_backend};

/// The visitor writes to their closed conversation `id`: returns the follow-up's id.
async fn follow_up(app: &TestApp, brand: &ebb_core::Brand, visitor: &str, id: &str) -> String {
    let follow = id_of(&app.write(brand, visitor, id, "one more thing").await);
    assert_ne!(follow, id, "a new conversation");
    follow
}

per_backend! {
    /// docs/earnings.md, "Follow-ups: worked examples" 1 and 2, on the real server: a purchase
    /// after a silent follow-up pays the last replier (Ada, €12.00 of €120.00), and a follow-up
    /// closed by another expert pays its closer (Bob, €3.00).
    async fn follow_up_worked_examples_over_http(app, b) {
        let (brand, (ada, ada_t), (bob, bob_t), shop) = ada_and_bob(&app, 2).await;
        let monday_0900 = app.now();
        let (v1, v2) = (app.visitor(&brand).await, app.visitor(&brand).await);
        let started = app.start(&brand, &v1, "which tent?", "m1").await;
        let (a1, visitor_1) = (
            id_of(&started),
            started["conversation"]["visitor_id"].clone(),
        );
        let a2 = id_of(&app.start(&brand, &v2, "which stove?", "m2").await);
        app.advance(Duration::minutes(5)).await;
        app.say(&ada_t, &a1, "The Ridge 2.").await;
        app.say(&ada_t, &a2, "The Pocket Rocket.").await;
        app.advance(Duration::minutes(25)).await;
        app.close(&ada_t, &a1).await;
        app.close(&ada_t, &a2).await;

        // Monday 18:00: both visitors write again; Bob takes the second follow-up.
        app.advance(Duration::hours(8) + Duration::minutes(30))
            .await;
        let b1 = follow_up(&app, &brand, &v1, &a1).await;
        let b2 = follow_up(&app, &brand, &v2, &a2).await;
        let path = format!("/api/v1/admin/conversations/{b2}/reassign");
        let (s, body) = app
            .post(&path, &shop.root, json!({"expert_id": bob.id}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        app.advance(Duration::minutes(10)).await;
        app.say(&bob_t, &b2, "Yes, with the windscreen.").await;
        app.advance(Duration::minutes(10)).await;
        app.close(&bob_t, &b2).await;
        let why = "example 2, Bob closed a follow-up of Ada's contact";
        assert_statement(&app, &bob_t, "totals", json!({"EUR": 300}), why).await;

        // Tuesday 10:00: a €120.00 order while B1 is still unanswered.
        let tuesday_1000 = monday_0900 + Duration::hours(25);
        app.advance(tuesday_1000 - app.now()).await;
        let order = json!({"order_id": "T-1", "visitor_id": visitor_1, "amount_minor": 12_000, "currency": "EUR", "purchased_at": rfc(tuesday_1000)});
        let (s, p) = app.post("/api/v1/server/purchases", &shop.key, order).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");
        assert_eq!(
            p["conversation_id"],
            json!(b1),
            "{b}: it falls in the follow-up"
        );
        assert_eq!(
            p["expert_id"],
            json!(ada.id),
            "{b}: example 1, the last replier"
        );
        let why = "two contacts and €12.00 commission";
        assert_statement(&app, &ada_t, "totals", json!({"EUR": 1_800}), why).await;
    }
}
