//! Context at a glance: the widget reports where its visitor is (checked and bounded), the
//! owning expert reads it with the visitor's earlier conversations (each readable), a
//! country only from a trusted proxy for brands that share it, and the list shows each
//! conversation's last message, since when its visitor waits, and its tags, in a constant
//! number of queries per page.

use ebb_core::ExpertStatus;
use ebb_server::api::expert::ListedConversation;
use ebb_store::listing::Among;
use ebb_store::testing::Counting;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, id_of, per_backend, spawn_apps_with, test_settings};
use crate::ws_client::admin;

/// The widget of `brand` (by slug) reports `report` for the visitor holding `token`.
async fn report(app: &TestApp, slug: &str, token: &str, report: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/widget/{slug}/context");
    app.post(&path, token, report).await
}

fn page(url: &str) -> Value {
    json!({"page_url": url, "page_title": "Trail boots", "referrer": "https://search.example/?q=boots",
           "language": "fr-CA", "time_zone": "America/Toronto"})
}

fn context_path(id: &str) -> String {
    format!("/api/v1/expert/conversations/{id}/context")
}

/// The visitor of a `{conversation, entries}` body.
fn visitor_of(body: &Value) -> ebb_core::VisitorId {
    serde_json::from_value(body["conversation"]["visitor_id"].clone()).expect("visitor id")
}

fn at(instant: ebb_core::Instant) -> String {
    instant.format(&Rfc3339).expect("rfc3339")
}

per_backend! {
    async fn the_widget_reports_where_the_visitor_is_and_the_owner_reads_it(app, b) {
        let (acme, _, ada, visitor, started) = app.opening(3, "hello", "m1").await;
        let id = id_of(&started);
        let (_, before) = app.get(&context_path(&id), &ada).await;
        assert_eq!(before["page"], Value::Null, "{b}: nothing reported yet");
        assert_eq!(before["customer_id"], Value::Null, "{b}: anonymous visitors");
        let (s, out) = report(&app, "acme", &visitor, page("https://shop.example/boots")).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}: {out}");
        app.advance(Duration::minutes(2)).await;
        let next = json!({"page_url": "https://shop.example/boots/trail-42", "page_title": "Trail 42",
                          "referrer": "", "language": "fr-CA", "time_zone": "America/Toronto"});
        let (s, _) = report(&app, "acme", &visitor, next).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, ctx) = app.get(&context_path(&id), &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {ctx}");
        assert_eq!(ctx["page"]["page_url"], "https://shop.example/boots/trail-42", "{b}: the last page");
        assert_eq!(ctx["page"]["page_title"], "Trail 42", "{b}");
        assert_eq!(ctx["page"]["referrer"], Value::Null, "{b}: a blank referrer is none");
        assert_eq!(ctx["page"]["language"], "fr-CA", "{b}");
        assert_eq!(ctx["page"]["time_zone"], "America/Toronto", "{b}");
        assert_eq!(ctx["reported_at"], at(app.now()), "{b}");
        assert_eq!(ctx["country"], Value::Null, "{b}: no country without a trusted proxy");
        assert_eq!(ctx["visitor_id"], started["conversation"]["visitor_id"], "{b}");

        let long = format!("https://shop.example/{}", "a".repeat(2048));
        let refused = [
            (json!({"page_url": "javascript:alert(1)"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": "ftp://shop.example/x"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": long}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": "https://a.example/", "referrer": "data:text/html,x"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": "https://a.example/", "page_title": "x".repeat(301)}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": "https://a.example/", "time_zone": "Europe/Paris; DROP"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            (json!({"page_url": "https://a.example/", "page_title": "a\u{0}b"}), StatusCode::BAD_REQUEST, "bad-request"),
            (json!({"page_url": "https://a.example/", "city": "Paris"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
        ];
        for (body, status, kind) in refused {
            let (s, problem) = report(&app, "acme", &visitor, body.clone()).await;
            assert_eq!(s, status, "{b}: {body} -> {problem}");
            assert_eq!(problem["type"], format!("/problems/{kind}"), "{b}: {body}");
        }
        let (_, kept) = app.get(&context_path(&id), &ada).await;
        assert_eq!(kept["page"], ctx["page"], "{b}: refusals change nothing");

        let (_, zed) = app.expert(&acme, "zed", 3, ExpertStatus::Away).await;
        let globex = app.brand("globex").await;
        let (_, gus) = app.expert(&globex, "gus", 3, ExpertStatus::Available).await;
        for (who, token) in [("a colleague who does not own it", &zed), ("another brand's expert", &gus)] {
            let (s, problem) = app.get(&context_path(&id), token).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {who}: {problem}");
        }
        let foreign = app.visitor(&globex).await;
        let (s, _) = report(&app, "acme", &foreign, page("https://shop.example/")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: another brand's visitor");
    }
}

per_backend! {
    async fn earlier_conversations_are_listed_and_open_read_only(app, b) {
        let (acme, _, ada, visitor, started) = app.opening(3, "my order never came", "m1").await;
        let old = id_of(&started);
        app.say(&ada, &old, "Sorry! It ships today.").await;
        let path = format!("/api/v1/expert/conversations/{old}/close");
        let (s, out) = app.post(&path, &ada, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        app.advance(Duration::days(3)).await;
        let follow_up = app.write(&acme, &visitor, &old, "It came, thanks. Another question").await;
        let new = id_of(&follow_up);
        assert_ne!(new, old, "{b}: a follow-up");
        let (s, ctx) = app.get(&context_path(&new), &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {ctx}");
        let earlier = ctx["earlier"].as_array().expect("earlier");
        assert_eq!(earlier.len(), 1, "{b}: {ctx}");
        assert_eq!(earlier[0]["id"], old.as_str(), "{b}");
        assert_eq!(earlier[0]["status"], "closed", "{b}");
        assert_eq!(earlier[0]["last_message"]["text"], "Sorry! It ships today.", "{b}");
        assert_eq!(earlier[0]["last_message"]["author"]["kind"], "expert", "{b}");
        assert_eq!(earlier[0]["last_message"]["author_name"], "ada", "{b}");
        let read = format!("/api/v1/expert/conversations/{new}/earlier/{old}");
        let (s, view) = app.get(&read, &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {view}");
        assert_eq!(view["conversation"]["state"]["status"], "closed", "{b}");
        let bodies: Vec<&str> = view["entries"].as_array().expect("entries").iter()
            .filter_map(|e| e["body"].as_str()).collect();
        assert!(bodies.contains(&"my order never came"), "{b}: {bodies:?}");
        // Only the visitor's other conversations, only while owning one of theirs.
        let stranger = app.visitor(&acme).await;
        let theirs = id_of(&app.start(&acme, &stranger, "unrelated", "s1").await);
        let globex = app.brand("globex").await;
        let (_, gus) = app.expert(&globex, "gus", 3, ExpertStatus::Available).await;
        let cases = [
            (format!("/api/v1/expert/conversations/{new}/earlier/{theirs}"), &ada, "another visitor's"),
            (format!("/api/v1/expert/conversations/{new}/earlier/{new}"), &ada, "the open one itself"),
            (format!("/api/v1/expert/conversations/{theirs}/earlier/{old}"), &ada, "through another visitor's"),
            (read.clone(), &gus, "another brand's expert"),
        ];
        for (path, token, what) in cases {
            let (s, problem) = app.get(&path, token).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {what}: {problem}");
        }
        let (_, first) = app.get(&context_path(&old), &ada).await;
        assert_eq!(first["type"], "/problems/not-found", "{b}: a closed one is nobody's to own");
    }
}

per_backend! {
    async fn the_list_shows_the_last_message_the_wait_and_the_tags(app, b) {
        let (acme, ada, ada_t, visitor, started) = app.opening(3, "first question", "m1").await;
        let id = id_of(&started);
        let entry = |list: &Value| {
            list["conversations"].as_array().expect("list").iter()
                .find(|c| c["id"] == id.as_str()).cloned().expect("listed")
        };
        let (_, list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        let c = entry(&list);
        assert_eq!(c["last_message"]["text"], "first question", "{b}: not the automatic message");
        assert_eq!(c["last_message"]["author"]["kind"], "visitor", "{b}");
        assert_eq!(c["visitor_waiting_since"], at(app.now()), "{b}");
        let asked = app.now();
        app.advance(Duration::minutes(7)).await;
        let long = format!("second\n\nline {}", "word ".repeat(80));
        app.write(&acme, &visitor, &id, &long).await;
        let (_, list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        let c = entry(&list);
        let text = c["last_message"]["text"].as_str().expect("text");
        assert_eq!(text.chars().count(), 140, "{b}: bounded: {text}");
        assert!(text.starts_with("second line word") && text.ends_with('…'), "{b}: {text}");
        assert_eq!(c["visitor_waiting_since"], at(asked), "{b}: waits since the first unanswered");
        app.say(&ada_t, &id, "Here is your answer").await;
        let (_, list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        let c = entry(&list);
        assert_eq!(c["last_message"]["text"], "Here is your answer", "{b}");
        assert_eq!(c["last_message"]["author"], json!({"kind": "expert", "id": ada.id}), "{b}");
        assert_eq!(c["last_message"]["author_name"], "ada", "{b}");
        assert_eq!(c["visitor_waiting_since"], Value::Null, "{b}: answered");
        assert_eq!(c["visitor_online"], false, "{b}");
        let ann = admin(&app, &acme, "ann").await;
        let (_, tag) = app.post("/api/v1/admin/tags", &ann, json!({"name": "vip"})).await;
        let tag = tag["id"].as_str().expect("tag id");
        let put = format!("/api/v1/expert/conversations/{id}/tags/{tag}");
        let (s, _) = app.call(Method::PUT, &put, Some(&ada_t), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (_, list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(entry(&list)["tags"][0]["name"], "vip", "{b}");
        let (_, admin_list) = app.get("/api/v1/admin/conversations", &ann).await;
        let listed = &admin_list["conversations"][0];
        assert_eq!(listed["last_message"]["text"], "Here is your answer", "{b}: the admin list too");
        assert_eq!(listed["tags"][0]["name"], "vip", "{b}");
    }
}

per_backend! {
    async fn a_page_of_the_list_costs_the_same_queries_however_long(app, b) {
        let acme = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 10, ExpertStatus::Available).await;
        let ann = admin(&app, &acme, "ann").await;
        let (_, tag) = app.post("/api/v1/admin/tags", &ann, json!({"name": "vip"})).await;
        let tag = tag["id"].as_str().expect("tag id").to_owned();
        for n in 0..6 {
            let visitor = app.visitor(&acme).await;
            let id = id_of(&app.start(&acme, &visitor, &format!("question {n}"), "m").await);
            if n % 2 == 0 {
                app.say(&ada_t, &id, &format!("answer {n}")).await;
                let put = format!("/api/v1/expert/conversations/{id}/tags/{tag}");
                app.call(Method::PUT, &put, Some(&ada_t), None).await;
            }
        }
        let mut conn = app.store().conn().await.expect("conn");
        let mine = ebb_store::conversations::for_expert(&mut conn, acme.id, ada.id)
            .await
            .expect("conversations");
        assert_eq!(mine.len(), 6, "{b}");
        let mut costs = Vec::new();
        for size in [1, 6] {
            let page = mine[..size].to_vec();
            let mut counted = Counting::new(&mut conn);
            let listed =
                ListedConversation::assemble(&mut counted, acme.id, Among::Owner(ada.id), page, |_| false)
                    .await
                    .expect("assemble");
            costs.push(counted.queries);
            for (n, c) in listed.iter().enumerate() {
                let tagged = c.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>();
                let (text, tags) = match n % 2 {
                    0 => (format!("answer {n}"), vec!["vip"]),
                    _ => (format!("question {n}"), vec![]),
                };
                assert_eq!(c.last_message.as_ref().map(|m| m.text.as_str()), Some(text.as_str()), "{b}");
                assert_eq!(tagged, tags, "{b}: conversation {n}");
            }
        }
        assert_eq!(costs, [3, 3], "{b}: tags, last messages and expert names: one query each");
    }
}

#[tokio::test]
async fn the_country_comes_only_from_a_trusted_proxy_for_brands_that_share_it() {
    let mut trusting = test_settings();
    trusting.proxies.nets = vec!["127.0.0.1".parse().expect("net")];
    trusting.proxies.country_header = Some("cf-ipcountry".parse().expect("header"));
    let mut untrusting = test_settings();
    untrusting.proxies.country_header = trusting.proxies.country_header.clone();
    for (settings, believed) in [(trusting, true), (untrusting, false)] {
        for app in spawn_apps_with(settings).await {
            let b = app.backend;
            let (acme, _, ada, visitor, started) = app.opening(3, "hello", "m1").await;
            let ann = admin(&app, &acme, "ann").await;
            let send = |country: &'static str| {
                let url = format!("{}/api/v1/widget/acme/context", app.base);
                app.http
                    .post(url)
                    .bearer_auth(&visitor)
                    .header("cf-ipcountry", country)
                    .json(&page("https://shop.example/"))
                    .send()
            };
            let country = |ctx: &Value| ctx["country"].clone();
            let ctx_path = context_path(&id_of(&started));
            assert_eq!(
                send("de").await.expect("send").status(),
                StatusCode::NO_CONTENT
            );
            let (_, ctx) = app.get(&ctx_path, &ada).await;
            assert_eq!(
                country(&ctx),
                Value::Null,
                "{b}: the brand does not share countries"
            );
            let visitor_id = visitor_of(&started);
            let mut conn = app.store().conn().await.expect("conn");
            let stored = ebb_store::visitor_context::get(&mut conn, acme.id, visitor_id)
                .await
                .expect("get");
            assert_eq!(stored.and_then(|s| s.country), None, "{b}: not even stored");
            drop(conn);
            let (_, mut settings) = app.get("/api/v1/admin/settings", &ann).await;
            settings["share_visitor_country"] = json!(true);
            let (s, stored) = app.put("/api/v1/admin/settings", &ann, settings).await;
            assert_eq!(s, StatusCode::OK, "{b}: {stored}");
            assert_eq!(stored["share_visitor_country"], true, "{b}");
            assert_eq!(
                send("de").await.expect("send").status(),
                StatusCode::NO_CONTENT
            );
            let (_, ctx) = app.get(&ctx_path, &ada).await;
            let expected = if believed { json!("DE") } else { Value::Null };
            assert_eq!(country(&ctx), expected, "{b}: trusted proxy: {believed}");
            app.finish().await;
        }
    }
}

per_backend! {
    async fn erasing_a_visitor_forgets_their_context(app, b) {
        let (acme, _, _, visitor, started) = app.opening(3, "hello", "m1").await;
        let (s, _) = report(&app, "acme", &visitor, page("https://shop.example/private")).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let visitor_id = visitor_of(&started);
        let ann = admin(&app, &acme, "ann").await;
        let path = format!("/api/v1/admin/visitors/{}/erase", visitor_id.0);
        let (s, out) = app.post(&path, &ann, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        let mut conn = app.store().conn().await.expect("conn");
        let left = ebb_store::visitor_context::get(&mut conn, acme.id, visitor_id).await.expect("get");
        assert_eq!(left, None, "{b}");
    }
}
