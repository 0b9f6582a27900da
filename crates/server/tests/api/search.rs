//! Search and history: an expert finds and reads the conversations they handled (closed
//! included) and not a colleague's; an admin finds the whole brand's; another brand never
//! finds any. Phrases and odd characters are safe; a search without letters is a 400.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::admin;

/// `text` as a query-string value.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET {audience}/search?q=...` with `token`: the status and the ids found.
async fn search(
    app: &TestApp,
    audience: &str,
    token: &str,
    q: &str,
) -> (StatusCode, Vec<String>, Value) {
    let path = format!("/api/v1/{audience}/search?q={}", encoded(q));
    let (status, body) = app.get(&path, token).await;
    let ids = body["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|h| h["conversation_id"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, ids, body)
}

async fn set_status(app: &TestApp, token: &str, status: &str) {
    let (s, body) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/expert/status",
            Some(token),
            Some(json!({"status": status})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{}: {body}", app.backend);
}

per_backend! {
    async fn experts_find_what_they_handled_admins_the_brand_other_brands_nothing(app, b) {
        let (acme, _, ada_t, _, started) = app.opening(1, "My blue kayak has a crack", "k1").await;
        let (_, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Away).await;
        let mine = id_of(&started);
        app.say(&ada_t, &mine, "Sorry! A refund for the kayak is on its way").await;
        let close = format!("/api/v1/expert/conversations/{mine}/close");
        let (s, body) = app.post(&close, &ada_t, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        set_status(&app, &ada_t, "away").await;
        set_status(&app, &bob_t, "available").await;
        let vic = app.visitor(&acme).await;
        let theirs = id_of(&app.start(&acme, &vic, "Kayak paddle missing from order 4711", "k2").await);
        let ann = admin(&app, &acme, "ann").await;

        let (s, found, body) = search(&app, "expert", &ada_t, "kayak").await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(found, [mine.as_str()], "{b}: ada finds her closed one, not bob's");
        let hit = &body["results"][0];
        assert_eq!(hit["status"], "closed", "{b}: {hit}");
        assert!(hit["visitor_label"].as_str().is_some_and(|l| l.starts_with("Visitor ")), "{b}: {hit}");
        let marked: Vec<&Value> = hit["snippet"].as_array().expect("snippet").iter().filter(|p| p["matched"] == true).collect();
        assert_eq!(marked.len(), 1, "{b}: {hit}");
        assert_eq!(marked[0]["text"].as_str().map(str::to_lowercase), Some("kayak".into()), "{b}");
        assert!(hit["matched_at"].is_string() && hit["seq"].is_u64(), "{b}: {hit}");
        assert_eq!(search(&app, "expert", &bob_t, "kayak").await.1, [theirs.as_str()], "{b}");
        assert!(search(&app, "expert", &bob_t, "refund").await.1.is_empty(), "{b}: not ada's");
        let (_, both, _) = search(&app, "admin", &ann, "kayak").await;
        assert_eq!(both, [theirs.as_str(), mine.as_str()], "{b}: the admin, newest first");

        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let (_, gus_t) = app.expert(&globex, "gus", 1, ExpertStatus::Available).await;
        assert!(search(&app, "admin", &gil, "kayak").await.1.is_empty(), "{b}: another brand");
        assert!(search(&app, "expert", &gus_t, "kayak").await.1.is_empty(), "{b}");

        assert_eq!(search(&app, "admin", &ann, "\"blue kayak\"").await.1, [mine.as_str()], "{b}");
        assert!(search(&app, "admin", &ann, "\"kayak blue\"").await.1.is_empty(), "{b}");
        assert_eq!(search(&app, "admin", &ann, "pad").await.1, [theirs.as_str()], "{b}: prefix");
        for odd in ["kayak' & !(", "\"kayak", "kayak\" OR \"x", "NEAR(kayak", "4711)*:", "%_\\kayak"] {
            let (s, _, body) = search(&app, "admin", &ann, odd).await;
            assert_eq!(s, StatusCode::OK, "{b}: {odd:?}: {body}");
        }
        for empty in ["", "   ", "\"'!*\"", "&|!()"] {
            let (s, _, body) = search(&app, "expert", &ada_t, empty).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {empty:?}: {body}");
            assert_eq!(body["type"], "/problems/bad-request", "{b}: {body}");
        }
        let (s, body) = app.get("/api/v1/admin/search", &ann).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: no q: {body}");

        let (s, page) = app.get("/api/v1/admin/search?q=kayak&limit=1", &ann).await;
        assert_eq!(s, StatusCode::OK, "{b}: {page}");
        let cursor = page["next_cursor"].as_str().expect("a second page");
        let (_, rest) = app.get(&format!("/api/v1/admin/search?q=kayak&limit=1&cursor={cursor}"), &ann).await;
        assert_eq!(rest["results"][0]["conversation_id"], mine.as_str(), "{b}: {rest}");
        assert_eq!(rest["next_cursor"], Value::Null, "{b}: {rest}");
    }
}

per_backend! {
    async fn the_history_lists_and_opens_handled_conversations_closed_included(app, b) {
        let (acme, _, ada_t, _, started) = app.opening(1, "Broken zip on my tent", "t1").await;
        let (_, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let mine = id_of(&started);
        let close = format!("/api/v1/expert/conversations/{mine}/close");
        let (s, body) = app.post(&close, &ada_t, json!({"goodbye": "Bye!"})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");

        let (s, now) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(s, StatusCode::OK, "{b}: {now}");
        assert_eq!(now["conversations"], json!([]), "{b}: closed is not in the live list");
        let (s, history) = app.get("/api/v1/expert/conversations?history=true", &ada_t).await;
        assert_eq!(s, StatusCode::OK, "{b}: {history}");
        assert_eq!(history["conversations"][0]["id"], mine.as_str(), "{b}: {history}");
        assert_eq!(history["conversations"][0]["state"]["status"], "closed", "{b}: {history}");
        let (_, theirs) = app.get("/api/v1/expert/conversations?history=true", &bob_t).await;
        assert_eq!(theirs["conversations"], json!([]), "{b}: not bob's history");

        let read = format!("/api/v1/expert/conversations/{mine}");
        let (s, view) = app.get(&read, &ada_t).await;
        assert_eq!(s, StatusCode::OK, "{b}: ada reads what she closed: {view}");
        let (s, _) = app.get(&read, &bob_t).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: bob never handled it");
        let (s, body) = app.get(&format!("/api/v1/expert/conversations?history=true&tag={}", uuid::Uuid::nil()), &ada_t).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {body}");
    }
}
