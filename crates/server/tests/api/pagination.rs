//! Cursor pagination: every list route, walked two rows at a time, returns each row
//! exactly once, and rows added during the walk neither repeat nor push one out.

use std::collections::BTreeSet;

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, per_backend};
use crate::ws_client::admin;

/// How many rows each list gets: more than two pages of two.
const ROWS: usize = 5;

/// Walks `path` page by page (`limit=2`) and returns the ids under `field`, in order.
/// `between` runs after the first page (to add rows mid-walk).
async fn walk(app: &TestApp, path: &str, token: &str, field: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=2&cursor={c}"),
            None => format!("{path}{sep}limit=2"),
        };
        let (status, body) = app.get(&url, token).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let rows = body[field].as_array().expect("rows");
        assert!(rows.len() <= 2, "{url}: a page holds at most `limit` rows");
        ids.extend(
            rows.iter()
                .map(|r| r["id"].as_str().expect("id").to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
    panic!("{path}: the walk never ended");
}

/// Asserts `ids` holds each of `expected` once and nothing else.
fn exactly_once(what: &str, ids: &[String], expected: &BTreeSet<String>) {
    let seen: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(seen.len(), ids.len(), "{what}: a row came twice: {ids:?}");
    assert_eq!(&seen, expected, "{what}: every row exactly once");
}

fn id(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

/// The ids of the rows listed under `field` of a list body.
fn row_ids<C: FromIterator<String>>(body: &Value, field: &str) -> C {
    body[field]
        .as_array()
        .expect(field)
        .iter()
        .map(id)
        .collect()
}

per_backend! {
    async fn every_list_route_walks_each_row_exactly_once(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let (ada, ada_token) = app.expert(&brand, "ada", 50, ExpertStatus::Available).await;
        let key = post(&app, &root, "/api/v1/admin/api-keys", json!({"name": "k0"})).await;
        let key = key["key"].as_str().expect("key").to_owned();
        let hook = json!({"url": "http://127.0.0.1:9/hook", "events": ["message.created"]});
        post(&app, &root, "/api/v1/admin/webhooks", hook).await;

        let mut conversations = BTreeSet::new();
        let mut visitors_own = BTreeSet::new();
        let regular = app.visitor(&brand).await;
        for n in 0..ROWS {
            let visitor = app.visitor(&brand).await;
            let started = app.start(&brand, &visitor, "hello", &format!("m{n}")).await;
            conversations.insert(id(&started["conversation"]));
            let mine = app.start(&brand, &regular, "again", &format!("r{n}")).await;
            let mine = id(&mine["conversation"]);
            let close = format!("/api/v1/admin/conversations/{mine}/close");
            let (s, body) = app.call(Method::POST, &close, Some(&root), None).await;
            assert_eq!(s, StatusCode::OK, "{b}: {body}");
            conversations.insert(mine.clone());
            visitors_own.insert(mine);
        }
        let mut keys = BTreeSet::new();
        let mut missions = BTreeSet::new();
        let mut experts = BTreeSet::from([ada.id.to_string()]);
        let mut hooks = BTreeSet::new();
        let mut tags = BTreeSet::new();
        for n in 0..ROWS {
            let t = json!({"name": format!("tag{n}")});
            tags.insert(id(&post(&app, &root, "/api/v1/admin/tags", t).await));
            let k = post(
                &app,
                &root,
                "/api/v1/admin/api-keys",
                json!({"name": format!("k{n}")}),
            );
            keys.insert(id(&k.await));
            let m = json!({"name": format!("m{n}"), "commission_bp": 100});
            let m = id(&post(&app, &root, "/api/v1/admin/missions", m).await);
            let join = format!("/api/v1/admin/missions/{m}/members");
            post(&app, &root, &join, json!({"expert_id": ada.id})).await;
            missions.insert(m);
            let e = json!({"email": format!("e{n}@acme.test"), "name": format!("E{n}"), "capacity": 1});
            experts.insert(id(&post(&app, &root, "/api/v1/admin/experts", e).await));
            let h =
                json!({"url": format!("http://127.0.0.1:9/h{n}"), "events": ["csat.submitted"]});
            hooks.insert(id(&post(&app, &root, "/api/v1/admin/webhooks", h).await));
        }
        // The key made first and the first webhook are in the lists too.
        let (_, all_keys) = app.get("/api/v1/admin/api-keys?limit=200", &root).await;
        keys.extend(row_ids::<Vec<_>>(&all_keys, "api_keys"));
        let (_, all_hooks) = app.get("/api/v1/admin/webhooks?limit=200", &root).await;
        hooks.extend(row_ids::<Vec<_>>(&all_hooks, "webhooks"));
        let (_, all) = app
            .get("/api/v1/admin/webhook-deliveries?limit=200", &root)
            .await;
        let deliveries: BTreeSet<String> = row_ids(&all, "deliveries");
        assert!(
            deliveries.len() > 2,
            "{b}: more than one page of deliveries"
        );
        let (_, held) = app
            .get("/api/v1/expert/conversations?limit=200", &ada_token)
            .await;
        let adas: BTreeSet<String> = row_ids(&held, "conversations");
        assert!(adas.len() >= ROWS, "{b}: ada holds the open conversations");
        let noted = adas.first().expect("a conversation");
        let expert_notes = format!("/api/v1/expert/conversations/{noted}/notes");
        let admin_notes = format!("/api/v1/admin/conversations/{noted}/notes");
        let mut notes = BTreeSet::new();
        for n in 0..ROWS {
            let (path, token) = if n % 2 == 0 {
                (&expert_notes, &ada_token)
            } else {
                (&admin_notes, &root)
            };
            notes.insert(id(&post(&app, token, path, json!({"body": format!("n{n}")})).await));
        }

        let widget = format!("/api/v1/widget/{}/conversations", brand.slug);
        let cases: Vec<(&str, &str, &str, &BTreeSet<String>)> = vec![
            (&widget, &regular, "conversations", &visitors_own),
            (
                "/api/v1/expert/conversations",
                &ada_token,
                "conversations",
                &adas,
            ),
            ("/api/v1/expert/missions", &ada_token, "missions", &missions),
            (&expert_notes, &ada_token, "notes", &notes),
            (&admin_notes, &root, "notes", &notes),
            (
                "/api/v1/admin/conversations",
                &root,
                "conversations",
                &conversations,
            ),
            ("/api/v1/admin/experts", &root, "experts", &experts),
            ("/api/v1/admin/missions", &root, "missions", &missions),
            ("/api/v1/admin/api-keys", &root, "api_keys", &keys),
            ("/api/v1/admin/webhooks", &root, "webhooks", &hooks),
            ("/api/v1/admin/tags", &root, "tags", &tags),
            (
                "/api/v1/admin/webhook-deliveries",
                &root,
                "deliveries",
                &deliveries,
            ),
            (
                "/api/v1/server/conversations",
                &key,
                "conversations",
                &conversations,
            ),
        ];
        for (path, token, field, expected) in cases {
            let ids = walk(&app, path, token, field).await;
            exactly_once(&format!("{b}: {path}"), &ids, expected);
        }
    }
}

/// POSTs `body` as `token` and expects a 2xx; returns the body.
async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = app.post(path, token, body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

per_backend! {
    async fn rows_added_during_a_walk_neither_repeat_nor_push_one_out(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let mut before = BTreeSet::new();
        for n in 0..ROWS {
            let visitor = app.visitor(&brand).await;
            let started = app.start(&brand, &visitor, "hello", &format!("m{n}")).await;
            before.insert(id(&started["conversation"]));
        }
        let path = "/api/v1/admin/conversations";
        let (_, first) = app.get(&format!("{path}?limit=2"), &root).await;
        let mut ids: Vec<String> = row_ids(&first, "conversations");
        let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
        while let Some(c) = cursor {
            let newcomer = app.visitor(&brand).await;
            app.start(&brand, &newcomer, "me too", "late").await;
            let url = format!("{path}?limit=2&cursor={c}");
            let (_, page) = app.get(&url, &root).await;
            ids.extend(row_ids::<Vec<_>>(&page, "conversations"));
            cursor = page["next_cursor"].as_str().map(str::to_owned);
        }
        exactly_once(&format!("{b}: {path} during inserts"), &ids, &before);
        let (s, problem) = app.get(&format!("{path}?cursor=garbage"), &root).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {problem}");
    }
}

per_backend! {
    async fn an_earnings_statement_pages_its_entries_and_keeps_whole_totals(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let (ada, expert) = app.expert(&brand, "ada", 50, ExpertStatus::Available).await;
        let m = json!({"name": "fees", "contact_fee": {"minor": 100, "currency": "EUR"}});
        let m = id(&post(&app, &root, "/api/v1/admin/missions", m).await);
        let join = format!("/api/v1/admin/missions/{m}/members");
        post(&app, &root, &join, json!({"expert_id": ada.id})).await;
        for n in 0..ROWS {
            let visitor = app.visitor(&brand).await;
            let started = app.start(&brand, &visitor, "hello", &format!("m{n}")).await;
            let close = format!(
                "/api/v1/expert/conversations/{}/close",
                id(&started["conversation"])
            );
            post(&app, &expert, &close, json!({"goodbye": "Thanks, bye!"})).await;
        }
        let mut positions = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/api/v1/expert/earnings?limit=2&cursor={c}"),
                None => "/api/v1/expert/earnings?limit=2".to_owned(),
            };
            let (s, page) = app.get(&url, &expert).await;
            assert_eq!(s, StatusCode::OK, "{b}: {page}");
            assert_eq!(
                page["totals"]["EUR"], 500,
                "{b}: totals cover the whole period"
            );
            let entries = page["entries"].as_array().expect("entries");
            assert!(entries.len() <= 2, "{b}");
            positions.extend(entries.iter().map(|e| e["pos"].as_i64().expect("pos")));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: BTreeSet<i64> = positions.iter().copied().collect();
        assert_eq!(positions.len(), ROWS, "{b}: {positions:?}");
        assert_eq!(unique.len(), ROWS, "{b}: each entry once: {positions:?}");
    }
}
