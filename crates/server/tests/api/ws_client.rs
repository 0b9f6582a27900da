//! A small WebSocket test client over tokio-tungstenite, and test identities the HTTP API
//! cannot create (brand admins).

use std::time::Duration;

use ebb_core::{AdminId, Brand};
use ebb_server::auth::hash_password;
use ebb_store::admins::{self, Admin};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{PASSWORD, T0, TestApp};

/// How long a test waits for an expected frame before failing.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A connected client.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The `hello` frame.
    pub hello: Value,
}

impl Ws {
    /// Connects with `query` (e.g. `token=..&brand=..`) and an optional `Origin`; the HTTP
    /// status of a refused upgrade otherwise.
    pub async fn try_connect(
        app: &TestApp,
        query: &str,
        origin: Option<&str>,
    ) -> Result<Self, StatusCode> {
        let url = format!("{}/ws?{query}", app.base.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("origin"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => {
                let mut ws = Self {
                    stream,
                    hello: Value::Null,
                };
                ws.hello = ws.next().await.expect("hello");
                assert_eq!(ws.hello["type"], "hello");
                Ok(ws)
            }
            Err(WsError::Http(response)) => {
                Err(StatusCode::from_u16(response.status().as_u16()).expect("status"))
            }
            Err(other) => panic!("websocket: {other}"),
        }
    }

    /// A visitor's connection.
    pub async fn visitor(app: &TestApp, brand: &Brand, token: &str) -> Self {
        let query = format!("brand={}&token={token}", brand.slug);
        Self::try_connect(app, &query, None)
            .await
            .expect("visitor ws")
    }

    /// An expert's or admin's connection.
    pub async fn session(app: &TestApp, token: &str) -> Self {
        Self::try_connect(app, &format!("token={token}"), None)
            .await
            .expect("session ws")
    }

    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) {
        let text = frame.to_string();
        self.stream
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// The next JSON frame within `wait`, skipping control frames; `None` when nothing
    /// came or the connection closed.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let msg = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??;
            match msg.ok()? {
                Message::Text(text) => {
                    return Some(serde_json::from_str(text.as_str()).expect("json frame"));
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next JSON frame (fails the test after [`PATIENCE`]).
    pub async fn next(&mut self) -> Option<Value> {
        self.next_within(PATIENCE).await
    }

    /// Frames until one satisfies `wanted` (returned); fails after [`PATIENCE`].
    pub async fn until(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(frame) if wanted(&frame) => return frame,
                Some(_) => continue,
                None => panic!("no frame: {what}"),
            }
        }
    }

    /// Every frame arriving within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> Vec<Value> {
        let mut frames = Vec::new();
        while let Some(frame) = self.next_within(wait).await {
            frames.push(frame);
        }
        frames
    }

    /// Waits up to `wait` for the server to end the connection, skipping other frames.
    /// `Some(code)` when it ended (the close frame's code, or `None` inside when the socket
    /// was dropped before a close frame could be read), `None` when it is still open.
    pub async fn ended_within(&mut self, wait: Duration) -> Option<Option<u16>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.stream.next()).await {
                Err(_) => return None,
                Ok(None) | Ok(Some(Err(_))) => return Some(None),
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return Some(frame.map(|f| u16::from(f.code)));
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// The `seq`s of the `entry` frames of `conversation` among `frames`.
pub fn entry_seqs(frames: &[Value], conversation: &str) -> Vec<u64> {
    frames
        .iter()
        .filter(|f| f["type"] == "entry" && f["conversation"] == conversation)
        .filter_map(|f| f["entry"]["seq"].as_u64())
        .collect()
}

/// Inserts an admin of `brand` and logs them in; returns their session token.
pub async fn admin(app: &TestApp, brand: &Brand, name: &str) -> String {
    let admin = Admin {
        id: AdminId::new(),
        brand_id: brand.id,
        email: format!("{name}@{}.test", brand.slug),
        name: name.to_owned(),
    };
    let hash = hash_password(PASSWORD.into()).await.expect("hash");
    let mut tx = app.store().begin().await.expect("begin");
    admins::insert(&mut tx, &admin, &hash, T0)
        .await
        .expect("admin");
    tx.commit().await.expect("commit");
    app.log_in("/api/v1/admin/login", brand, &admin.email).await
}

/// Two brands with an admin each, for tests of what one brand's admin may not touch:
/// `(acme, globex, acme's admin token, globex's admin token)`.
pub type Rivals = (Brand, Brand, String, String);

/// The brands `acme` and `globex` with admins named `ours` and `theirs`.
pub async fn rivals(app: &TestApp, ours: &str, theirs: &str) -> Rivals {
    let acme = app.brand("acme").await;
    let globex = app.brand("globex").await;
    let ours = admin(app, &acme, ours).await;
    let theirs = admin(app, &globex, theirs).await;
    (acme, globex, ours, theirs)
}
