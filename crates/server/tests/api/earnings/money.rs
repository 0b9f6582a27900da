//! Issue 13, money integrity: pending (page-only) purchases count in no money figure, and
//! amounts up to the cap sum exactly everywhere while one over it is refused on every
//! route that accepts an amount.

use ebb_core::earnings::MAX_MINOR;
use ebb_core::{Brand, ExpertStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use super::{Shop, payouts_csv, rfc, shop_with, statement};
use crate::helpers::{T0, TestApp, id_of, per_backend};

/// Every money answer of the brand, as text (JSON bodies and the CSV files), after
/// asserting that each answered 200.
async fn money_answers(app: &TestApp, shop: &Shop, expert: &str) -> Vec<(String, String)> {
    let period = format!(
        "from={}&to={}",
        rfc(T0 - Duration::hours(1)),
        rfc(app.now() + Duration::hours(1))
    );
    let admin = [
        format!("/api/v1/admin/reports?{period}"),
        format!("/api/v1/admin/payouts?{period}"),
        format!("/api/v1/admin/payouts.csv?{period}"),
        "/api/v1/admin/missions".to_owned(),
    ];
    let own = [
        format!("/api/v1/expert/earnings?{period}"),
        format!("/api/v1/expert/earnings.csv?{period}"),
        "/api/v1/expert/missions".to_owned(),
    ];
    let calls = admin
        .iter()
        .map(|p| (p, shop.root.as_str()))
        .chain(own.iter().map(|p| (p, expert)));
    let mut out = Vec::new();
    for (path, token) in calls {
        let resp = app.get_response(path, token).await;
        let status = resp.status();
        let text = resp.text().await.expect("text");
        assert_eq!(status, StatusCode::OK, "{}: {path} -> {text}", app.backend);
        out.push((path.clone(), text));
    }
    out
}

/// A visitor of `brand` who talks with the expert holding `token`: (visitor token, id).
async fn customer(app: &TestApp, brand: &Brand, token: &str, n: usize) -> (String, Value) {
    let v = app.visitor(brand).await;
    let started = app.start(brand, &v, "hello", &format!("m{n}")).await;
    app.say(token, &id_of(&started), "hi").await;
    (v, started)
}

/// Does `schema` (following `$ref`s) have an amount field (`amount_minor`, `minor`)?
fn has_amount(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return has_amount(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    let named = schema["properties"]
        .as_object()
        .is_some_and(|p| p.keys().any(|k| k == "minor" || k.ends_with("_minor")));
    named
        || match schema {
            Value::Object(map) => map.values().any(|v| has_amount(doc, v, depth + 1)),
            Value::Array(items) => items.iter().any(|v| has_amount(doc, v, depth + 1)),
            _ => false,
        }
}

/// The path of each route of the generated document whose request body carries an amount.
fn routes_taking_an_amount() -> Vec<String> {
    let doc = serde_json::to_value(ebb_server::openapi::document()).expect("json");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for op in item.as_object().expect("item").values() {
            if has_amount(&doc, &op["requestBody"], 0) {
                out.push(path.clone());
            }
        }
    }
    out.sort();
    out
}

fn report(order: &str, visitor: &Value, minor: i64, at: String) -> Value {
    json!({"order_id": order, "visitor_id": visitor, "amount_minor": minor, "currency": "EUR", "purchased_at": at})
}

per_backend! {
    async fn pending_purchases_count_in_no_money_figure(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 2, ExpertStatus::Available).await;
        let shop = shop_with(&app, &brand, &[&ada], 300, 1000).await;
        let (v, started) = customer(&app, &brand, &ada_t, 0).await;
        let hint = json!({"order_id": "P-1", "amount_minor": 7777, "currency": "EUR"});
        let (s, _) = app.post("/api/v1/widget/acme/purchases", &v, hint).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}");
        let visitor = &started["conversation"]["visitor_id"];
        let at = rfc(app.now());
        let (s, _) = app.post("/api/v1/server/purchases", &shop.key, report("S-1", visitor, 2000, at)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app.close(&ada_t, &id_of(&started)).await;
        let answers = money_answers(&app, &shop, &ada_t).await;
        for (path, text) in &answers {
            let counted = ["7777", "77.77"].iter().any(|a| stands_alone(text, a));
            assert!(!counted, "{b}: {path} counts the pending purchase: {text}");
        }
        let report: Value = serde_json::from_str(&answers[0].1).expect("report");
        let confirmed = json!([{"currency": "EUR", "count": 1, "amount_minor": 2000}]);
        assert_eq!(report["purchases"]["all"], confirmed, "{b}: confirmed purchases only");
        assert_eq!(report["purchases"]["attributed"], confirmed, "{b}");
        assert_eq!(statement(&app, &ada_t).await["totals"], json!({"EUR": 500}), "{b}");
    }
}

per_backend! {
    async fn amounts_at_the_cap_sum_exactly_and_one_over_is_refused_everywhere(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let shop = shop_with(&app, &brand, &[&ada], MAX_MINOR, 10_000).await;
        let mut customers = Vec::new();
        for n in 0..3 {
            customers.push(customer(&app, &brand, &ada_t, n).await);
        }
        for over in [MAX_MINOR + 1, i64::MAX] {
            let fee = json!({"name": "Too much", "contact_fee": {"minor": over, "currency": "EUR"}});
            let (v, started) = &customers[0];
            let visitor = &started["conversation"]["visitor_id"];
            let hint = json!({"order_id": "X", "amount_minor": over, "currency": "EUR"});
            let calls = [
                ("/api/v1/admin/missions", &shop.root, fee),
                ("/api/v1/server/purchases", &shop.key, report("X", visitor, over, rfc(app.now()))),
                ("/api/v1/widget/acme/purchases", v, hint),
            ];
            let templates: Vec<String> = calls.iter().map(|(p, _, _)| p.replace("acme", "{brand}")).collect();
            let mut sorted = templates.clone();
            sorted.sort();
            assert_eq!(sorted, routes_taking_an_amount(), "{b}: every route that takes an amount is tried");
            for (path, token, body) in calls {
                let (s, problem) = app.post(path, token, body).await;
                assert_eq!(
                    (s, problem["type"].as_str()),
                    (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/invalid-money")),
                    "{b}: {path} with {over} -> {problem}"
                );
            }
        }
        for (n, (_, started)) in customers.iter().enumerate() {
            let visitor = &started["conversation"]["visitor_id"];
            let order = report(&format!("C-{n}"), visitor, MAX_MINOR, rfc(app.now()));
            let (s, p) = app.post("/api/v1/server/purchases", &shop.key, order).await;
            assert_eq!(s, StatusCode::CREATED, "{b}: {p}");
            app.close(&ada_t, &id_of(started)).await;
        }
        let answers = money_answers(&app, &shop, &ada_t).await;
        let sum = |n: i64| json!(n * MAX_MINOR);
        let report: Value = serde_json::from_str(&answers[0].1).expect("report");
        assert_eq!(report["purchases"]["all"][0]["amount_minor"], sum(3), "{b}: {report}");
        for e in report["earnings"].as_array().expect("earnings") {
            assert_eq!(e["amount_minor"], sum(3), "{b}: {e}");
        }
        let payouts: Value = serde_json::from_str(&answers[1].1).expect("payouts");
        assert_eq!(payouts["payouts"][0]["amount_minor"], sum(6), "{b}: {payouts}");
        assert!(payouts_csv(&app, &shop.root).await.contains(&format!(",EUR,{},6", 6 * MAX_MINOR)), "{b}");
        assert_eq!(statement(&app, &ada_t).await["totals"], json!({"EUR": sum(6)}), "{b}");
        assert!(answers[3].1.contains(&MAX_MINOR.to_string()), "{b}: the mission's fee");
    }
}

/// Whether `amount` stands in `text` as a figure of its own, not inside an id (random
/// UUIDs and hex hashes may hold the same digits).
fn stands_alone(text: &str, amount: &str) -> bool {
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
    text.match_indices(amount).any(|(at, _)| {
        !joins(text[..at].chars().next_back()) && !joins(text[at + amount.len()..].chars().next())
    })
}
