//! A small typed client of Ebb's HTTP API and WebSocket (see `docs/api.md`), enough to set
//! up a brand's experts and visitors and to drive conversations.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::StreamExt;
use futures_util::stream::SplitStream;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The demo brand every scenario uses (`ebb serve --demo`).
pub const BRAND: &str = "demo";
const DEMO_PASSWORD: &str = "ebb-demo";
/// The password the bench experts choose through their invitation link.
const BENCH_PASSWORD: &str = "bench-expert-password";
/// The largest capacity an expert may have (`ebb_core::expert::MAX_CAPACITY`).
pub const MAX_CAPACITY: u32 = 50;

/// The read half of a client WebSocket.
pub type WsRead = SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>;

/// An HTTP client of one Ebb server.
#[derive(Clone)]
pub struct Ebb {
    http: reqwest::Client,
    base: String,
}

/// A logged-in expert.
#[derive(Clone, Debug)]
pub struct Expert {
    /// Their id.
    pub id: String,
    /// Session token.
    pub token: String,
}

impl Ebb {
    /// A client of `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(1024)
            .build()?;
        Ok(Self {
            http,
            base: base.to_owned(),
        })
    }

    /// `POST` JSON with an optional bearer token; the JSON answer, or an error for non-2xx.
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<Value> {
        self.send(self.http.post(format!("{}{path}", self.base)), token, body)
            .await
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<Value> {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.json(body).send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!("{status}: {}", text.chars().take(200).collect::<String>());
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    /// Logs in the demo admin; returns the session token.
    pub async fn admin_login(&self) -> anyhow::Result<String> {
        let body = json!({"brand": BRAND, "email": "admin@demo.ebb", "password": DEMO_PASSWORD});
        let v = self.post("/api/v1/admin/login", None, &body).await?;
        str_at(&v, "/token")
    }

    /// Invites expert number `n` with `capacity` (as the demo admin `admin`), and sets
    /// their password through the invitation link as they would.
    pub async fn invite_expert(&self, admin: &str, n: usize, capacity: u32) -> anyhow::Result<()> {
        let body = json!({"email": format!("bench{n}@demo.ebb"), "name": format!("Bench {n}"),
                          "capacity": capacity});
        let invited = self
            .post("/api/v1/admin/experts", Some(admin), &body)
            .await?;
        let token = str_at(&invited, "/invitation/token")?;
        let set = json!({"brand": BRAND, "token": token, "password": BENCH_PASSWORD});
        self.post("/api/v1/auth/password", None, &set).await?;
        Ok(())
    }

    /// Logs in the bench expert `email` and makes them available.
    pub async fn expert_login(&self, email: &str) -> anyhow::Result<Expert> {
        let body = json!({"brand": BRAND, "email": email, "password": BENCH_PASSWORD});
        let v = self.post("/api/v1/auth/login", None, &body).await?;
        let expert = Expert {
            id: str_at(&v, "/expert/id")?,
            token: str_at(&v, "/token")?,
        };
        let req = self.http.put(format!("{}/api/v1/expert/status", self.base));
        self.send(req, Some(&expert.token), &json!({"status": "available"}))
            .await?;
        Ok(expert)
    }

    /// Creates `count` experts of `capacity` (`bench<first..>`), logged in and available.
    pub async fn experts(
        &self,
        first: usize,
        count: usize,
        capacity: u32,
    ) -> anyhow::Result<Vec<Expert>> {
        let admin = self.admin_login().await?;
        let mut out = Vec::with_capacity(count);
        for n in first..first + count {
            self.invite_expert(&admin, n, capacity).await?;
            out.push(self.expert_login(&format!("bench{n}@demo.ebb")).await?);
        }
        Ok(out)
    }

    /// A new anonymous visitor's token.
    pub async fn visitor(&self) -> anyhow::Result<String> {
        let v = self
            .post(
                &format!("/api/v1/widget/{BRAND}/visitors"),
                None,
                &json!({}),
            )
            .await?;
        str_at(&v, "/token")
    }

    /// Starts a conversation as visitor `token`; returns (conversation id, owner expert id).
    pub async fn start(&self, token: &str, body: &str) -> anyhow::Result<(String, Option<String>)> {
        let path = format!("/api/v1/widget/{BRAND}/conversations");
        let v = self
            .post(&path, Some(token), &json!({"body": body}))
            .await?;
        let owner = v
            .pointer("/conversation/state/expert")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok((str_at(&v, "/conversation/id")?, owner))
    }

    /// Starts `n` conversations, each by a new visitor and at most 16 at a time, `body(i)`
    /// the `i`-th one's first message; returns (conversation id, owner expert id) of each,
    /// in the order they finished.
    pub async fn start_many(
        &self,
        n: usize,
        body: impl Fn(usize) -> String,
    ) -> anyhow::Result<Vec<(String, Option<String>)>> {
        let sem = Arc::new(Semaphore::new(16));
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            let (ebb, sem, body) = (self.clone(), sem.clone(), body(i));
            set.spawn(async move {
                let _p = sem.acquire_owned().await?;
                let v = ebb.visitor().await?;
                ebb.start(&v, &body).await
            });
        }
        let mut started = Vec::with_capacity(n);
        while let Some(r) = set.join_next().await {
            started.push(r??);
        }
        Ok(started)
    }

    /// Posts a visitor message.
    pub async fn visitor_says(&self, token: &str, conv: &str, body: &str) -> anyhow::Result<()> {
        let path = format!("/api/v1/widget/{BRAND}/conversations/{conv}/messages");
        self.post(&path, Some(token), &json!({"body": body}))
            .await
            .map(drop)
    }

    /// Posts an expert message.
    pub async fn expert_says(&self, token: &str, conv: &str, body: &str) -> anyhow::Result<()> {
        let path = format!("/api/v1/expert/conversations/{conv}/messages");
        self.post(&path, Some(token), &json!({"body": body}))
            .await
            .map(drop)
    }

    /// Snoozes a conversation until `until` (RFC 3339).
    pub async fn snooze_until(&self, token: &str, conv: &str, until: &str) -> anyhow::Result<()> {
        let path = format!("/api/v1/expert/conversations/{conv}/snooze");
        let body = json!({"choice": {"kind": "until", "until": until}});
        self.post(&path, Some(token), &body).await.map(drop)
    }

    /// Closes a conversation as its expert.
    pub async fn close(&self, token: &str, conv: &str) -> anyhow::Result<()> {
        let path = format!("/api/v1/expert/conversations/{conv}/close");
        self.post(&path, Some(token), &json!({})).await.map(drop)
    }

    /// `GET` a path with a bearer token; the JSON answer, or an error for non-2xx.
    pub async fn get_json(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!(
                "GET {path}: {status}: {}",
                text.chars().take(200).collect::<String>()
            );
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// `GET` a path (no auth); the body bytes.
    pub async fn get_bytes(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        if !resp.status().is_success() {
            bail!("GET {path}: {}", resp.status());
        }
        Ok(resp.bytes().await?.to_vec())
    }
}

/// The string at JSON pointer `at`.
pub fn str_at(v: &Value, at: &str) -> anyhow::Result<String> {
    v.pointer(at)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no {at} in answer"))
}

/// Opens a client WebSocket to `url` with a 4 KiB read buffer.
pub async fn ws_connect(url: &str) -> anyhow::Result<WebSocketStream<MaybeTlsStream<TcpStream>>> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    Ok(ws)
}

/// Reads the next JSON text frame (skips pings), or `None` when the socket closed.
pub async fn next_json(read: &mut WsRead) -> Option<Value> {
    while let Some(msg) = read.next().await {
        match msg {
            Ok(tokio_tungstenite::tungstenite::Message::Text(t)) => {
                if let Ok(v) = serde_json::from_str(t.as_str()) {
                    return Some(v);
                }
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}
