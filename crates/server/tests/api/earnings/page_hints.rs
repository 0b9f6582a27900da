//! Issue 13: the brand's server is the authority on an order; a page (widget) report is
//! only a hint that never blocks, conflicts with or pre-attributes the server's report.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

use super::{assert_statement, rfc, shop};
use crate::helpers::{id_of, per_backend};

per_backend! {
    async fn a_page_report_never_blocks_or_changes_the_servers_report(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 2, ExpertStatus::Available).await;
        let shop = shop(&app, &brand, &[&ada]).await;
        let buyer = app.visitor(&brand).await;
        let started = app.start(&brand, &buyer, "which tent?", "m").await;
        let buyer_id = started["conversation"]["visitor_id"].clone();
        app.say(&ada_t, &id_of(&started), "The Ridge 2.").await;
        let stranger = app.visitor(&brand).await;
        let hint = |order: &str, minor: i64| json!({"order_id": order, "amount_minor": minor, "currency": "EUR"});
        let (s, first) = app.post("/api/v1/widget/acme/purchases", &stranger, hint("A-1", 1)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}: {first}");
        app.advance(Duration::minutes(10)).await;
        let bought_at = app.now() - Duration::minutes(1);
        let report = |order: &str, minor: i64| json!({"order_id": order, "visitor_id": buyer_id, "amount_minor": minor, "currency": "EUR", "purchased_at": rfc(bought_at)});
        let (s, p) = app.post("/api/v1/server/purchases", &shop.key, report("A-1", 2000)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: the stranger's hint does not block the server: {p}");
        assert_eq!(
            (&p["status"], &p["visitor_id"], &p["amount"]["minor"], &p["expert_id"]),
            (&json!("confirmed"), &buyer_id, &json!(2000), &json!(ada.id)),
            "{b}: the server's details win and attribution is computed at confirmation"
        );
        assert_eq!(p["purchased_at"], json!(rfc(bought_at)), "{b}: the server's time");
        let (s, echo) = app.post("/api/v1/widget/acme/purchases", &stranger, hint("A-1", 5)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}: a later hint is accepted and ignored");
        assert!(
            echo["visitor_id"] != buyer_id && echo["expert_id"].is_null(),
            "{b}: a stranger learns nothing about the buyer's purchase: {echo}"
        );
        let (s, again) = app.post("/api/v1/server/purchases", &shop.key, report("A-1", 2000)).await;
        assert_eq!((s, &again["amount"]["minor"]), (StatusCode::OK, &json!(2000)), "{b}: unchanged");
        let (s, own) = app.post("/api/v1/widget/acme/purchases", &buyer, hint("A-2", 1)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}: {own}");
        assert!(own["expert_id"].is_null(), "{b}: a hint is never attributed: {own}");
        let (s, p2) = app.post("/api/v1/server/purchases", &shop.key, report("A-2", 3000)).await;
        assert_eq!((s, &p2["amount"]["minor"]), (StatusCode::CREATED, &json!(3000)), "{b}: {p2}");
        assert_statement(&app, &ada_t, "totals", json!({"EUR": 500}), "10 % of what the server said").await;
    }
}
