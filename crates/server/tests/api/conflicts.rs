//! Uniqueness conflicts answer in plain words: no constraint, table or column name reaches
//! a client.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::per_backend;
use crate::ws_client::admin;

/// Words that would give the schema away.
const SCHEMA_WORDS: [&str; 7] = [
    "experts",
    "brand_id",
    "_key",
    "constraint",
    "UNIQUE",
    "email_key",
    "duplicate key",
];

fn assert_plain(body: &Value, backend: &str) {
    let text = body.to_string();
    for word in SCHEMA_WORDS {
        assert!(!text.contains(word), "{backend}: {word:?} leaked in {text}");
    }
}

per_backend! {
    async fn a_taken_expert_email_is_a_plain_conflict(app, b) {
        let acme = app.brand("acme").await;
        let root = admin(&app, &acme, "root").await;
        // The same address in other letter case is the same address.
        let mut answers = Vec::new();
        for email in ["new@acme.test", "New@ACME.test"] {
            let invite = json!({"email": email, "name": "Newt", "capacity": 2});
            let path = "/api/v1/admin/experts";
            answers.push(app.post(path, &root, invite).await);
        }
        let [(created, _), (s, body)] = <[_; 2]>::try_from(answers).expect("two answers");
        assert_eq!(created, StatusCode::CREATED, "{b}");
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {body}");
        assert_eq!(body["type"], "/problems/conflict", "{b}: {body}");
        assert_eq!(
            body["detail"], "an expert with this e-mail address already exists",
            "{b}: {body}"
        );
        assert_plain(&body, b);
    }
}
