//! The load and the oracle of the fault tests: a demo server without rate limits, senders
//! that keep what the server acknowledged, and the check that every acknowledged message
//! is stored exactly once under gap-free seqs.

use std::path::Path;

use serde_json::{Value, json};

use crate::client::get;
use crate::process::{Ebb, answers};

/// `ebb serve --demo` on `data` and `port`, without rate limits (the load comes from one
/// address), once it is ready; `stderr` shows the server's log.
pub async fn demo(data: &Path, port: u16, stderr: bool) -> Ebb {
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
    let ebb = Ebb::spawn(port, args, "error", stderr);
    assert!(
        answers(&ebb.base, "/readyz", "", 600).await,
        "ebb did not become ready"
    );
    ebb
}

/// How a sender stopped.
#[derive(Debug)]
pub enum Stopped {
    /// The server answered this status (and body) instead of 201.
    Refused(u16, String),
    /// No answer: the connection failed or was closed.
    NoAnswer,
}

/// Sends messages `"{tag} message {i}"` to conversation `id` as `visitor` until the server
/// stops answering 201; the bodies it acknowledged, and how it stopped.
pub async fn send_until_stopped(
    base: String,
    visitor: String,
    id: String,
    tag: String,
) -> (Vec<String>, Stopped) {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/widget/demo/conversations/{id}/messages");
    let mut acked = Vec::new();
    for i in 0.. {
        let body = format!("{tag} message {i}");
        let sent = client
            .post(&url)
            .bearer_auth(&visitor)
            .json(&json!({"body": body}))
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status() == 201 => acked.push(body),
            Ok(resp) => {
                let status = resp.status().as_u16();
                return (
                    acked,
                    Stopped::Refused(status, resp.text().await.unwrap_or_default()),
                );
            }
            Err(_) => break,
        }
    }
    (acked, Stopped::NoAnswer)
}

/// Every entry of conversation `id`, read page by page as `visitor`.
pub async fn all_entries(base: &str, visitor: &str, id: &str) -> Vec<Value> {
    let mut entries = Vec::new();
    loop {
        let after = entries.len();
        let path = format!("/api/v1/widget/demo/conversations/{id}?after_seq={after}");
        let page = get(base, &path, visitor).await["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if page.is_empty() {
            return entries;
        }
        entries.extend(page);
    }
}

/// Asserts that `entries` carry the seqs 1, 2, 3... without a gap and that each body in
/// `acked` is stored exactly once; `case` names the run in the messages.
pub fn assert_each_stored_once(entries: &[Value], acked: &[String], case: &str) {
    let seqs: Vec<u64> = entries.iter().filter_map(|e| e["seq"].as_u64()).collect();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "{case}: seqs are gap-free from 1");
    for body in acked {
        let copies = entries
            .iter()
            .filter(|e| e["body"] == *body.as_str())
            .count();
        assert_eq!(
            copies, 1,
            "{case}: acknowledged {body:?} stored {copies} times"
        );
    }
}
