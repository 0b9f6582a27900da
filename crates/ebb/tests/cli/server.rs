//! A real `ebb serve --production` on a test database, and the admin calls the
//! provisioning tests make to it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ebb_store::testing::TestDb;
use serde_json::{Value, json};

/// A running `ebb serve --production`; killed when dropped.
pub struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server on a free port and waits until it answers `/healthz`.
    pub async fn start(db: &TestDb) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_ebb"))
            .args(["serve", "--production", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .args(db.binary_args())
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn ebb serve");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..600 {
            if reqwest::get(format!("{}/healthz", server.base))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("ebb serve did not start on {}", server.base);
    }

    /// Logs in as an admin: the status and, on success, the session token.
    pub async fn log_in(&self, brand: &str, email: &str, password: &str) -> (u16, Option<String>) {
        let body = json!({"brand": brand, "email": email, "password": password});
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/admin/login", self.base))
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
            .get(format!("{}/api/v1/admin/me", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("me request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}
