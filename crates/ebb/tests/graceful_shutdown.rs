//! The real `ebb` binary stopped with SIGTERM under load: every WebSocket gets a 1001
//! "going away" close, every request in flight either finishes or is refused cleanly (a
//! closed connection or a 503, never a 500), and after a restart on the same data every
//! acknowledged message is there exactly once with gap-free seqs.

use std::time::Duration;

use client::{expert, get, visitor};
use process::{Ebb, answers, free_port};
use serde_json::json;
use ws_frames::Ws;

#[path = "cluster/client.rs"]
#[expect(dead_code, reason = "the shutdown test uses part of the client")]
mod client;
mod process;
#[path = "../../server/tests/api/ws_frames.rs"]
#[expect(
    dead_code,
    reason = "the shutdown test uses part of the API tests' client"
)]
mod ws_frames;

async fn start(data: &std::path::Path, port: u16) -> Ebb {
    let args = [
        "--demo",
        "--rate-per-ip",
        "0",
        "--rate-per-visitor",
        "0",
        "--data-dir",
    ]
    .into_iter()
    .map(std::ffi::OsStr::new)
    .chain([data.as_os_str()]);
    let ebb = Ebb::spawn(port, args, "error", false);
    assert!(answers(&ebb.base, "/readyz", "ready", 200).await);
    ebb
}

/// Sends messages until the server stops answering; the bodies it acknowledged.
async fn sender(base: String, visitor: String, id: String, who: usize) -> Vec<String> {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/widget/demo/conversations/{id}/messages");
    let mut acked = Vec::new();
    for i in 0.. {
        let body = format!("sender {who} message {i}");
        let sent = client
            .post(&url)
            .bearer_auth(&visitor)
            .json(&json!({"body": body}))
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status() == 201 => acked.push(body),
            Ok(resp) => {
                let status = resp.status();
                assert_eq!(
                    status,
                    503,
                    "refused at shutdown: {}",
                    resp.text().await.unwrap_or_default()
                );
                break;
            }
            // Refused cleanly: the listener is closed or the connection was closed idle.
            Err(_) => break,
        }
    }
    acked
}

#[tokio::test]
async fn sigterm_closes_websockets_with_1001_and_loses_nothing() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut ebb = start(data.path(), port).await;
    let b = ebb.base.clone();
    let (ada, _) = expert(&b, "ada@demo.ebb").await;
    let v = visitor(&b).await;
    let id = client::start(&b, &v, "hello").await;
    let connect = |q: String| {
        let b = b.clone();
        async move { Ws::try_connect(&b, &q, None).await.expect("websocket") }
    };
    let mut expert_ws = connect(format!("token={ada}")).await;
    let mut visitor_ws = connect(format!("token={v}&brand=demo")).await;

    let senders: Vec<_> = (0..4)
        .map(|who| tokio::spawn(sender(b.clone(), v.clone(), id.clone(), who)))
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let exited = ebb.terminate(Duration::from_secs(15)).await;
    for ws in [&mut expert_ws, &mut visitor_ws] {
        let ended = ws.ended_within(Duration::from_secs(10)).await;
        assert_eq!(ended, Some(Some(1001)), "a WebSocket at shutdown");
    }
    assert!(exited, "ebb did not exit by itself after SIGTERM");
    let mut acked = Vec::new();
    for s in senders {
        acked.extend(s.await.expect("sender"));
    }
    assert!(!acked.is_empty(), "no load was acknowledged");
    drop(ebb);

    let ebb = start(data.path(), port).await;
    let mut entries = Vec::new();
    loop {
        let after = entries.len();
        let path = format!("/api/v1/widget/demo/conversations/{id}?after_seq={after}");
        let read = get(&ebb.base, &path, &v).await;
        let page = read["entries"].as_array().cloned().unwrap_or_default();
        if page.is_empty() {
            break;
        }
        entries.extend(page);
    }
    let seqs: Vec<u64> = entries.iter().filter_map(|e| e["seq"].as_u64()).collect();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "seqs are gap-free from 1");
    for body in &acked {
        let copies = entries
            .iter()
            .filter(|e| e["body"] == *body.as_str())
            .count();
        assert_eq!(copies, 1, "acknowledged {body:?} stored {copies} times");
    }
}
