//! A real `ebb serve --production` on a test database, and the admin calls the
//! provisioning tests make to it.

use ebb_store::testing::TestDb;
use serde_json::{Value, json};

use crate::process::{Ebb, answers, free_port};

/// A running `ebb serve --production`; killed when dropped.
pub struct Server(Ebb);

impl Server {
    /// Starts the server on a free port and waits until it answers `/healthz`.
    pub async fn start(db: &TestDb) -> Self {
        let args = ["--production".to_owned()]
            .into_iter()
            .chain(db.binary_args());
        let server = Self(Ebb::spawn(free_port(), args, "error", true));
        assert!(
            answers(&server.0.base, "/healthz", "", 600).await,
            "ebb serve did not start on {}",
            server.0.base
        );
        server
    }

    /// Logs in as an admin: the status and, on success, the session token.
    pub async fn log_in(&self, brand: &str, email: &str, password: &str) -> (u16, Option<String>) {
        let body = json!({"brand": brand, "email": email, "password": password});
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/admin/login", self.0.base))
            .json(&body)
            .send()
            .await
            .expect("login request");
        let status = response.status().as_u16();
        let json: Value = response.json().await.unwrap_or(Value::Null);
        (status, json["token"].as_str().map(str::to_owned))
    }

    /// `GET /api/v1/admin/me` with `token`: the status and the body.
    pub async fn me(&self, token: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/admin/me", self.0.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("me request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}
