//! What the cluster tests add to the API tests' WebSocket client.

use serde_json::Value;

use crate::ws_frames::Ws;

impl Ws {
    /// Connects to `base` with `query` (`token=..` or `token=..&brand=demo`).
    pub async fn connect(base: &str, query: &str) -> Self {
        Self::try_connect(base, query, None).await.expect("ws")
    }

    /// Reads frames until the entry with `seq` of `conversation`; returns every entry
    /// seen for it on the way.
    pub async fn entries_until(&mut self, conversation: &str, seq: u64) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let f = self
                .until("an entry", |f| {
                    f["type"] == "entry" && f["conversation"] == conversation
                })
                .await;
            let at = f["entry"]["seq"].as_u64().expect("seq");
            seen.push(f["entry"].clone());
            if at >= seq {
                return seen;
            }
        }
    }
}
