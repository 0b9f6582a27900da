//! Personal data: an admin erases one visitor (afterwards no route an admin, expert or API
//! key can read shows their text or id, while earnings and payouts are unchanged), and a
//! brand's retention period erases the text of conversations closed long enough ago,
//! keeping recent ones (moved by the test clock, no sleeps).

use ebb_core::ExpertStatus;
use ebb_server::openapi::{Audience, routes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{T0, TestApp, id_of, per_backend};
use crate::ws_client::admin;

/// Strings only the erased visitor's conversation holds.
const SECRETS: [&str; 6] = [
    "alpha-question-7Q",
    "alpha.person@example.com",
    "Hello Alpha-Name-3Z",
    "alpha-note-about-the-visitor-5N",
    "alpha-csat-comment-9K",
    "alpha-transfer-note-8T",
];
/// The other visitor's text, which must stay.
const KEPT: &str = "bravo-question-kept";

/// Every GET route the holder of `token` (of `audience`) can read, with `{id}` as each of
/// `ids` and a period wide enough for the whole test: the bodies as text.
async fn every_readable(app: &TestApp, audience: Audience, token: &str, ids: &[&str]) -> String {
    let from = (T0 - Duration::days(1)).format(&Rfc3339).expect("from");
    let to = (T0 + Duration::days(30)).format(&Rfc3339).expect("to");
    let period = format!("from={from}&to={to}");
    let mut seen = String::new();
    for route in routes()
        .iter()
        .filter(|r| r.method == "GET" && r.audience == audience)
    {
        let templates: Vec<String> = if route.path.contains("{id}") {
            ids.iter()
                .map(|id| route.path.replace("{id}", id))
                .collect()
        } else if route.path.ends_with("/search") {
            // The erased visitor's words: search must not find them afterwards.
            vec![format!("{}?q=alpha", route.path)]
        } else {
            vec![route.path.clone()]
        };
        for path in templates {
            let (mut status, mut body) = app.call(Method::GET, &path, Some(token), None).await;
            if status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY {
                let with_period = format!("{path}?{period}");
                (status, body) = app.call(Method::GET, &with_period, Some(token), None).await;
            }
            if status == StatusCode::NOT_FOUND && route.path.contains("{id}") {
                continue;
            }
            assert!(
                status.is_success(),
                "{}: {path}: {status} {body}",
                app.backend
            );
            seen.push_str(&format!("{path}: {body}\n"));
        }
    }
    seen
}

/// Every stored free text: timeline data, CSAT comments, internal notes, webhook payloads, and the
/// visitor references of conversations, purchases and ratings.
async fn stored_text(app: &TestApp) -> String {
    const SQL: &str = "SELECT data FROM events \
        UNION ALL SELECT COALESCE(comment, '') FROM csat \
        UNION ALL SELECT body FROM notes \
        UNION ALL SELECT payload FROM webhook_deliveries \
        UNION ALL SELECT COALESCE(last_author, '') FROM conversations";
    let mut conn = app.store().conn().await.expect("conn");
    let mut texts: Vec<(String,)> = match &mut conn {
        ebb_store::Conn::Sqlite(c) => sqlx::query_as(SQL).fetch_all(&mut **c).await,
        ebb_store::Conn::Postgres(c) => sqlx::query_as(SQL).fetch_all(&mut **c).await,
    }
    .expect("stored text");
    let ids = "SELECT visitor_id FROM conversations UNION ALL SELECT visitor_id FROM purchases \
        UNION ALL SELECT visitor_id FROM csat UNION ALL SELECT id FROM visitors";
    let visitors: Vec<(uuid::Uuid,)> = match &mut conn {
        ebb_store::Conn::Sqlite(c) => sqlx::query_as(ids).fetch_all(&mut **c).await,
        ebb_store::Conn::Postgres(c) => sqlx::query_as(ids).fetch_all(&mut **c).await,
    }
    .expect("visitor ids");
    texts.extend(visitors.into_iter().map(|(id,)| (id.to_string(),)));
    texts.into_iter().map(|(t,)| t + "\n").collect()
}

/// The expert's earnings totals and the brand's payouts.
async fn money(app: &TestApp, expert: &str, admin: &str) -> (Value, Value) {
    let from = (T0 - Duration::days(1)).format(&Rfc3339).expect("from");
    let to = (T0 + Duration::days(30)).format(&Rfc3339).expect("to");
    let (_, earnings) = app.get("/api/v1/expert/earnings", expert).await;
    let path = format!("/api/v1/admin/payouts?from={from}&to={to}");
    let (_, payouts) = app.get(&path, admin).await;
    (earnings["totals"].clone(), payouts["payouts"].clone())
}

per_backend! {
    async fn an_erased_visitor_is_gone_from_every_route_and_the_money_stays(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let root = admin(&app, &brand, "root").await;
        let (_, key) = app.post("/api/v1/admin/api-keys", &root, json!({"name": "shop"})).await;
        let key = key["key"].as_str().expect("key").to_owned();
        let mission = json!({"name": "Outdoor", "contact_fee": {"minor": 300, "currency": "EUR"}, "commission_bp": 1000});
        let (_, m) = app.post("/api/v1/admin/missions", &root, mission).await;
        let members = format!("/api/v1/admin/missions/{}/members", m["id"].as_str().expect("id"));
        app.post(&members, &root, json!({"expert_id": ada.id})).await;

        let hook = json!({"url": "https://hooks.example", "events": ebb_server::webhooks::EVENT_TYPES});
        let (s, created) = app.post("/api/v1/admin/webhooks", &root, hook).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");

        let alpha = app.visitor(&brand).await;
        let started = app.start(&brand, &alpha, SECRETS[0], "a1").await;
        let id = id_of(&started);
        let visitor_id = started["conversation"]["visitor_id"].as_str().expect("visitor").to_owned();
        app.write(&brand, &alpha, &id, SECRETS[1]).await;
        app.say(&ada_t, &id, SECRETS[2]).await;
        let note = format!("/api/v1/expert/conversations/{id}/notes");
        let (s, out) = app.post(&note, &ada_t, json!({"body": SECRETS[3]})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {out}");
        let (bob, bob_t) = app.expert(&brand, "bob", 3, ExpertStatus::Available).await;
        let transfer = format!("/api/v1/expert/conversations/{id}/transfer");
        let body = json!({"expert_id": bob.id, "note": SECRETS[5]});
        let (s, out) = app.post(&transfer, &ada_t, body).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        app.close(&bob_t, &id).await;
        let csat = format!("/api/v1/widget/acme/conversations/{id}/csat");
        let (s, _) = app.post(&csat, &alpha, json!({"rating": 5, "comment": SECRETS[4]})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let at = app.now().format(&Rfc3339).expect("at");
        let order = json!({"order_id": "A-1", "visitor_id": visitor_id, "amount_minor": 10_000, "currency": "EUR", "purchased_at": at});
        let (s, p) = app.post("/api/v1/server/purchases", &key, order).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");

        let bravo = app.visitor(&brand).await;
        let kept = id_of(&app.start(&brand, &bravo, KEPT, "b1").await);

        let before = money(&app, &ada_t, &root).await;
        assert_ne!(before.0, json!([]), "{b}: the purchase earned a commission");
        let ids = [id.as_str(), kept.as_str(), &ada.id.to_string()];
        let readable = every_readable(&app, Audience::Admin, &root, &ids).await;
        for secret in SECRETS[..4].iter().chain([&SECRETS[5]]) {
            assert!(readable.contains(secret), "{b}: the sweep reads {secret} before");
        }
        let stored = stored_text(&app).await;
        for secret in SECRETS {
            assert!(stored.contains(secret), "{b}: {secret} is stored before");
        }
        let (_, found) = app.get("/api/v1/admin/search?q=alpha", &root).await;
        assert_eq!(found["results"].as_array().map(Vec::len), Some(1), "{b}: found before: {found}");

        let path = format!("/api/v1/admin/visitors/{visitor_id}/erase");
        let (s, erased) = app.post(&path, &root, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {erased}");
        assert_eq!(erased["conversations"], 1, "{b}");
        assert_eq!(erased["csat_comments"], 1, "{b}");
        let (s, again) = app.post(&path, &root, json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: erased once: {again}");

        let ada_id = ada.id.to_string();
        let ids = [id.as_str(), kept.as_str(), ada_id.as_str()];
        let mut seen = every_readable(&app, Audience::Admin, &root, &ids).await;
        seen += &every_readable(&app, Audience::Expert, &ada_t, &ids).await;
        seen += &every_readable(&app, Audience::Server, &key, &ids).await;
        for secret in SECRETS.iter().copied().chain([visitor_id.as_str(), alpha.as_str()]) {
            assert!(!seen.contains(secret), "{b}: {secret} still shown:\n{seen}");
        }
        assert!(seen.contains(KEPT), "{b}: the other visitor's text stays");
        let (_, found) = app.get("/api/v1/admin/search?q=alpha", &root).await;
        assert_eq!(found["results"], json!([]), "{b}: search finds no erased word");
        let stored = stored_text(&app).await;
        for secret in SECRETS.iter().copied().chain([visitor_id.as_str()]) {
            assert!(!stored.contains(secret), "{b}: {secret} still stored");
        }
        assert!(seen.contains("[erased]"), "{b}: erased messages keep their place");
        assert_eq!(money(&app, &ada_t, &root).await, before, "{b}: earnings and payouts unchanged");
        let (s, _) = app.get("/api/v1/widget/acme/conversations", &alpha).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the visitor's token is dead");

        let globex = app.brand("globex").await;
        let theirs = admin(&app, &globex, "theirs").await;
        let path = format!("/api/v1/admin/visitors/{}/erase", erased["pseudonym"].as_str().expect("p"));
        let (s, _) = app.post(&path, &theirs, json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's admin");
    }
}

per_backend! {
    async fn retention_erases_old_conversations_and_keeps_recent_ones(app, b) {
        let brand = app.brand("acme").await;
        let (_, ada_t) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let root = admin(&app, &brand, "root").await;
        let (_, settings) = app.get("/api/v1/admin/settings", &root).await;
        assert_eq!(settings["retention_days"], 0, "{b}: keep everything by default");
        let mut changed = settings.clone();
        changed["retention_days"] = json!(30);
        let (s, stored) = app.put("/api/v1/admin/settings", &root, changed.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}: {stored}");
        changed["retention_days"] = json!(-1);
        let (s, _) = app.put("/api/v1/admin/settings", &root, changed).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        let v = app.visitor(&brand).await;
        let old = id_of(&app.start(&brand, &v, "old-question-1", "o").await);
        let note = |id: &str| format!("/api/v1/admin/conversations/{id}/notes");
        let (s, _) = app.post(&note(&old), &root, json!({"body": "old-note-1"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app.close(&ada_t, &old).await;
        app.advance(Duration::days(20)).await;
        let ada_t = app.log_in("/api/v1/auth/login", &brand, "ada@acme.test").await;
        let recent = id_of(&app.start(&brand, &v, "recent-question-2", "r").await);
        let by_ada = format!("/api/v1/expert/conversations/{recent}/notes");
        let (s, _) = app.post(&by_ada, &ada_t, json!({"body": "recent-note-2"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app.close(&ada_t, &recent).await;
        let open = id_of(&app.start(&brand, &v, "open-question-3", "p").await);

        // 30 days after the first close, 10 after the second (sessions have lapsed).
        app.advance(Duration::days(10)).await;
        let root = admin(&app, &brand, "later").await;
        let path = format!("/api/v1/admin/conversations/{old}");
        let gone = app.wait_for(&path, &root, "the old text erased", |body| {
            !body.to_string().contains("old-question-1")
        }).await;
        assert!(gone.to_string().contains("[erased]"), "{b}: {gone}");
        let (_, notes) = app.get(&note(&old), &root).await;
        assert_eq!(notes["notes"], json!([]), "{b}: the old notes erased");
        let (_, notes) = app.get(&note(&recent), &root).await;
        assert!(notes.to_string().contains("recent-note-2"), "{b}: recent notes kept: {notes}");
        for (id, text) in [(&recent, "recent-question-2"), (&open, "open-question-3")] {
            let (_, body) = app.get(&format!("/api/v1/admin/conversations/{id}"), &root).await;
            assert!(body.to_string().contains(text), "{b}: {text} kept: {body}");
        }

        // Once the recent one is 30 days closed too, it goes; the open one stays.
        app.advance(Duration::days(20)).await;
        let root = admin(&app, &brand, "latest").await;
        let path = format!("/api/v1/admin/conversations/{recent}");
        app.wait_for(&path, &root, "the recent text erased", |body| {
            !body.to_string().contains("recent-question-2")
        }).await;
        let (_, body) = app.get(&format!("/api/v1/admin/conversations/{open}"), &root).await;
        assert!(body.to_string().contains("open-question-3"), "{b}: open kept");
    }
}
