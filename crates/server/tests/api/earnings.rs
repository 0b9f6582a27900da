//! Issue 7 money paths over HTTP: contact fees earned once at close (never while snoozed),
//! follow-ups within the window earn nothing more, purchases attributed within the window
//! (boundaries exact) to the last expert who replied, idempotent on order id, refunds
//! reversed once.

use ebb_core::{Brand, Expert, ExpertStatus};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, id_of, kinds, per_backend};
use crate::ws_client::admin;

struct Shop {
    root: String,
    key: String,
}

async fn shop(app: &TestApp, brand: &ebb_core::Brand, experts: &[&ebb_core::Expert]) -> Shop {
    shop_with(app, brand, experts, 300, 1000).await
}

/// The brand's admin, API key and a mission paying `fee` EUR minor units per contact and
/// `bp` basis points of each purchase, which `experts` join.
async fn shop_with(
    app: &TestApp,
    brand: &ebb_core::Brand,
    experts: &[&ebb_core::Expert],
    fee: i64,
    bp: i64,
) -> Shop {
    let root = admin(app, brand, "root").await;
    let (s, key) = app
        .post("/api/v1/admin/api-keys", &root, json!({"name": "shop"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{key}");
    let mission = json!({"name": "Outdoor", "contact_fee": {"minor": fee, "currency": "EUR"}, "commission_bp": bp});
    let (s, m) = app.post("/api/v1/admin/missions", &root, mission).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    for e in experts {
        let path = format!(
            "/api/v1/admin/missions/{}/members",
            m["id"].as_str().expect("id")
        );
        let (s, _) = app.post(&path, &root, json!({"expert_id": e.id})).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    Shop {
        root,
        key: key["key"].as_str().expect("key").to_owned(),
    }
}

/// The brand `acme` with `ada` (available) and `bob` (away), each with `capacity` slots,
/// both members of the shop's mission: `(acme, (ada, token), (bob, token), shop)`.
async fn ada_and_bob(app: &TestApp, capacity: u32) -> (Brand, Member, Member, Shop) {
    let brand = app.brand("acme").await;
    let ada = app
        .expert(&brand, "ada", capacity, ExpertStatus::Available)
        .await;
    let bob = app
        .expert(&brand, "bob", capacity, ExpertStatus::Away)
        .await;
    let shop = shop(app, &brand, &[&ada.0, &bob.0]).await;
    (brand, ada, bob, shop)
}

/// An expert and their session token.
type Member = (Expert, String);

async fn statement(app: &TestApp, token: &str) -> Value {
    let (s, body) = app.get("/api/v1/expert/earnings", token).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

/// Asserts that `field` (`totals` or `entries`) of the statement of the expert holding
/// `token` is `expected`; `why` explains a failure.
async fn assert_statement(app: &TestApp, token: &str, field: &str, expected: Value, why: &str) {
    let body = statement(app, token).await;
    assert_eq!(body[field], expected, "{}: {why} {body}", app.backend);
}

fn rfc(t: ebb_core::Instant) -> String {
    t.format(&Rfc3339).expect("format")
}

/// `GET /api/v1/admin/payouts.csv` as the admin `token`: checks it is CSV, returns the text.
async fn payouts_csv(app: &TestApp, token: &str) -> String {
    let resp = app.get_response("/api/v1/admin/payouts.csv", token).await;
    let kind = resp.headers()["content-type"].to_str().unwrap_or("");
    assert!(kind.starts_with("text/csv"), "{}: {kind}", app.backend);
    resp.text().await.expect("body")
}

per_backend! {
    async fn contact_fees_are_earned_once_at_close_and_never_while_snoozed(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 2, ExpertStatus::Available).await;
        let shop = shop(&app, &brand, &[&ada]).await;
        let v = app.visitor(&brand).await;
        let id = id_of(&app.start(&brand, &v, "question", "m").await);
        app.snooze_one_day(&ada_t, &id).await;
        assert_statement(&app, &ada_t, "entries", json!([]), "nothing while snoozed").await;
        app.close(&ada_t, &id).await;
        let s = statement(&app, &ada_t).await;
        assert_eq!(s["totals"], json!({"EUR": 300}), "{b}: {s}");
        assert_eq!(s["entries"][0]["kind"], "contact_fee");

        // Writing again right after: a linked follow-up, the same contact: no second fee.
        let follow = app.write(&brand, &v, &id, "one more thing").await;
        let follow_id = id_of(&follow);
        assert_ne!(follow_id, id, "{b}: a new conversation");
        assert_eq!(kinds(&follow)[0], "started");
        app.close(&ada_t, &follow_id).await;
        assert_statement(&app, &ada_t, "totals", json!({"EUR": 300}), "").await;

        // Three days later it is a new contact.
        app.advance(Duration::days(3)).await;
        let later = app.write(&brand, &v, &follow_id, "new question").await;
        app.close(&ada_t, &id_of(&later)).await;
        assert_statement(&app, &ada_t, "totals", json!({"EUR": 600}), "").await;

        let (s, payouts) = app.get("/api/v1/admin/payouts", &shop.root).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(payouts["payouts"][0]["amount_minor"], 600, "{b}: {payouts}");
        let text = payouts_csv(&app, &shop.root).await;
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.ends_with(",EUR,600,2")),
            "{b}: {text}"
        );
    }
}

per_backend! {
    async fn purchases_earn_commission_within_the_window_exactly_once(app, b) {
        let (brand, (_ada, ada_t), (bob, bob_t), shop) = ada_and_bob(&app, 1).await;
        let v = app.visitor(&brand).await;
        let started = app.start(&brand, &v, "which tent?", "m").await;
        let id = id_of(&started);
        let visitor_id = started["conversation"]["visitor_id"].clone();
        let before_start = rfc(app.now() - Duration::seconds(1));
        app.say(&ada_t, &id, "The Ridge 2 is great.").await;
        // Reassigned to Bob, who replies last before the purchase.
        let path = format!("/api/v1/admin/conversations/{id}/reassign");
        let (s, _) = app
            .post(&path, &shop.root, json!({"expert_id": bob.id}))
            .await;
        assert_eq!(s, StatusCode::OK);
        app.advance(Duration::minutes(5)).await;
        app.say(&bob_t, &id, "Size L is in stock.").await;
        let closed = app.close(&bob_t, &id).await;
        let closed_at = time::OffsetDateTime::parse(
            closed["conversation"]["state"]["at"].as_str().expect("at"),
            &Rfc3339,
        )
        .expect("at");

        let report = |order: &str, minor: i64, at: String| json!({"order_id": order, "visitor_id": visitor_id, "amount_minor": minor, "currency": "EUR", "purchased_at": at});
        let post = |body: Value| {
            let app = &app;
            let key = shop.key.clone();
            async move { app.post("/api/v1/server/purchases", &key, body).await }
        };
        app.advance(Duration::hours(48)).await;
        let (s, p1) = post(report("A-1", 10_000, rfc(closed_at + Duration::hours(48)))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p1}");
        assert_eq!(
            p1["expert_id"],
            json!(bob.id),
            "{b}: the last expert who replied"
        );
        assert_eq!(
            p1["conversation_id"],
            json!(id),
            "{b}: exactly 48 h after the end counts"
        );
        let (s, again) = post(report("A-1", 10_000, rfc(closed_at + Duration::hours(48)))).await;
        assert_eq!(
            (s, &again["id"]),
            (StatusCode::OK, &p1["id"]),
            "{b}: idempotent on order id"
        );
        let (s, _) = post(report("A-1", 9_999, rfc(closed_at))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: same order, other details");
        let (_, late) = post(report(
            "A-2",
            5_000,
            rfc(closed_at + Duration::hours(48) + Duration::seconds(1)),
        ))
        .await;
        assert_eq!(
            late["conversation_id"],
            Value::Null,
            "{b}: one second too late"
        );
        let (_, early) = post(report("A-3", 5_000, before_start)).await;
        assert_eq!(
            early["conversation_id"],
            Value::Null,
            "{b}: before the conversation started"
        );

        let bob_s = statement(&app, &bob_t).await;
        let commissions: Vec<&Value> = bob_s["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["kind"] == "commission")
            .collect();
        assert_eq!(commissions.len(), 1, "{b}: {bob_s}");
        assert_eq!(
            commissions[0]["amount"],
            json!({"minor": 1000, "currency": "EUR"})
        );
        assert_eq!(
            bob_s["totals"],
            json!({"EUR": 1300}),
            "{b}: fee for closing + 10 %"
        );
        let why = "Ada neither closed nor replied last";
        assert_statement(&app, &ada_t, "entries", json!([]), why).await;

        // A refund reverses the commission, once.
        let path = "/api/v1/server/purchases/A-1/refund";
        for _ in 0..2 {
            let (s, r) = app.call(Method::POST, path, Some(&shop.key), None).await;
            assert_eq!(
                (s, r["status"].as_str()),
                (StatusCode::OK, Some("refunded")),
                "{b}"
            );
        }
        assert_statement(&app, &bob_t, "totals", json!({"EUR": 300}), "").await;

        // Another brand's visitor or key gets nothing.
        let globex = app.brand("globex").await;
        let other = shop_key_only(&app, &globex).await;
        let (s, _) = app
            .post(
                "/api/v1/server/purchases",
                &other,
                report("G-1", 100, rfc(closed_at)),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's visitor");
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/server/purchases/A-1/refund",
                Some(&other),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's order");
        let (s, _) = app
            .post(
                "/api/v1/server/purchases",
                &bob_t,
                report("X", 1, rfc(closed_at)),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{b}: an expert token is no API key"
        );
        let (s, p) = app.post("/api/v1/server/purchases", &shop.key, json!({"order_id": "B", "visitor_id": visitor_id, "amount_minor": -5, "currency": "EUR", "purchased_at": rfc(closed_at)})).await;
        assert_eq!(
            (s, p["type"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("/problems/invalid-money")
            ),
            "{b}"
        );
    }
}

async fn shop_key_only(app: &TestApp, brand: &ebb_core::Brand) -> String {
    let root = admin(app, brand, "boss").await;
    let (_, key) = app
        .post("/api/v1/admin/api-keys", &root, json!({"name": "k"}))
        .await;
    key["key"].as_str().expect("key").to_owned()
}

per_backend! {
    async fn page_purchases_wait_for_the_server_to_confirm(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let shop = shop(&app, &brand, &[&ada]).await;
        let v = app.visitor(&brand).await;
        let id = id_of(&app.start(&brand, &v, "hi", "m").await);
        app.say(&ada_t, &id, "hello").await;
        let order = json!({"order_id": "W-1", "amount_minor": 2000, "currency": "EUR"});
        let (s, pending) = app.post("/api/v1/widget/acme/purchases", &v, order).await;
        assert_eq!(
            (s, pending["status"].as_str()),
            (StatusCode::ACCEPTED, Some("pending")),
            "{b}: {pending}"
        );
        assert_statement(&app, &ada_t, "entries", json!([]), "unconfirmed pays nothing").await;
        let confirm = json!({"order_id": "W-1", "visitor_token": v, "amount_minor": 2000, "currency": "EUR", "purchased_at": pending["purchased_at"]});
        let (s, confirmed) = app
            .post("/api/v1/server/purchases", &shop.key, confirm)
            .await;
        assert_eq!(
            (s, confirmed["status"].as_str()),
            (StatusCode::CREATED, Some("confirmed")),
            "{b}: {confirmed}"
        );
        assert_statement(&app, &ada_t, "totals", json!({"EUR": 200}), "").await;
    }
}

mod follow_ups;
mod money;
mod page_hints;

per_backend! {
    async fn payouts_csv_shows_names_that_look_like_formulas_as_text(app, b) {
        let brand = app.brand("acme").await;
        let names = ["=HYPERLINK(\"http://evil.test\")", "+1+1", "-1+1", "@SUM(A1)"];
        let mut experts = Vec::new();
        for name in names {
            experts.push(app.expert(&brand, name, 1, ExpertStatus::Available).await);
        }
        let members: Vec<&Expert> = experts.iter().map(|(e, _)| e).collect();
        let shop = shop(&app, &brand, &members).await;
        let mut started = Vec::new();
        for i in 0..names.len() {
            let v = app.visitor(&brand).await;
            started.push(app.start(&brand, &v, "hello", &format!("m{i}")).await);
        }
        for conv in &started {
            let holder = conv["conversation"]["state"]["expert"].as_str().expect("routed");
            let (_, token) = experts
                .iter()
                .find(|(e, _)| e.id.to_string() == holder)
                .expect("one of ours");
            app.close(token, &id_of(conv)).await;
        }
        let text = payouts_csv(&app, &shop.root).await;
        for expected in [
            "\"'=HYPERLINK(\"\"http://evil.test\"\")\"",
            "\"'+1+1\"",
            "\"'-1+1\"",
            "\"'@SUM(A1)\"",
        ] {
            assert!(text.contains(expected), "{b}: {expected} in {text}");
        }
        for line in text.lines().skip(1) {
            let name = line.split(',').nth(1).unwrap_or("");
            assert!(name.starts_with("\"'"), "{b}: a formula cell in {line}");
        }
    }
}
