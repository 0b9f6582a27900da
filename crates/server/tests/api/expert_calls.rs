//! The expert's panel actions as typed calls of the API tests: each does one action on a
//! conversation and checks that it succeeded.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

impl TestApp {
    /// The expert holding `token` posts `text` to conversation `id`.
    pub async fn say(&self, token: &str, id: &str, text: &str) {
        let path = format!("/api/v1/expert/conversations/{id}/messages");
        let (status, body) = self.post(&path, token, json!({"body": text})).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", self.backend);
    }

    /// The expert holding `token` closes conversation `id` (no goodbye): the
    /// `{conversation, entries}` body.
    pub async fn close(&self, token: &str, id: &str) -> Value {
        let path = format!("/api/v1/expert/conversations/{id}/close");
        let (status, body) = self.post(&path, token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", self.backend);
        body
    }

    /// The expert holding `token` snoozes conversation `id` for one day: the
    /// `{conversation, entries}` body.
    pub async fn snooze_one_day(&self, token: &str, id: &str) -> Value {
        let path = format!("/api/v1/expert/conversations/{id}/snooze");
        let choice = json!({"choice": {"kind": "one_day"}});
        let (status, body) = self.post(&path, token, choice).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", self.backend);
        body
    }
}
