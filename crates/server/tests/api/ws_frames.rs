//! A small WebSocket test client over tokio-tungstenite, on its own so that the cluster
//! tests of the `ebb` binary use it too.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for an expected frame before failing.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A connected client.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The `hello` frame.
    pub hello: Value,
}

impl Ws {
    /// Connects to the server at `base` with `query` (e.g. `token=..&brand=..`) and an
    /// optional `Origin`; the HTTP status of a refused upgrade otherwise.
    pub async fn try_connect(
        base: &str,
        query: &str,
        origin: Option<&str>,
    ) -> Result<Self, StatusCode> {
        let url = format!("{}/ws?{query}", base.replace("http://", "ws://"));
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
