//! Scenario 4: with many conversations queued, the time from a slot freeing (the expert
//! closes a conversation) to the next conversation's assignment event on their WebSocket.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::StreamExt;
use serde_json::Value;

use crate::api::{self, Ebb};
use crate::report::Latency;

/// Queues `queued` conversations behind one expert of capacity 1, then closes the held
/// one `rounds` times, timing each close until the next `assigned` conversation frame.
pub async fn run(
    ebb: &Ebb,
    ws_base: &str,
    queued: usize,
    rounds: usize,
) -> anyhow::Result<(Latency, f64)> {
    let expert = ebb.experts(1000, 1, 1).await?.remove(0);
    let ws = api::ws_connect(&format!("{ws_base}/ws?token={}", expert.token)).await?;
    let (write, mut socket) = ws.split();
    // Read the socket all along (a long set-up must not leave pings unanswered).
    let (frames, mut read) = tokio::sync::mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let _keep = write;
        while let Some(frame) = api::next_json(&mut socket).await {
            if frames.send(frame).is_err() {
                break;
            }
        }
    });
    let total = queued + rounds + 1;
    let setup = Instant::now();
    ebb.start_many(total, |i| format!("queued {i}")).await?;
    let setup_secs = setup.elapsed().as_secs_f64();
    let mut held = next_assigned(&mut read, &expert.id, None).await?;
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        ebb.close(&expert.token, &held).await?;
        let next = next_assigned(&mut read, &expert.id, Some(&held)).await?;
        samples.push(t.elapsed());
        held = next;
    }
    reader.abort();
    Ok((Latency::of(&samples), setup_secs))
}

/// Waits (at most 10 s) for a `conversation` frame assigning another conversation to `me`.
async fn next_assigned(
    read: &mut tokio::sync::mpsc::UnboundedReceiver<Value>,
    me: &str,
    not: Option<&str>,
) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = tokio::time::timeout(left, read.recv())
            .await
            .context("no assignment within 10 s")?
            .context("socket closed")?;
        let conv = frame.get("conversation");
        let assigned_to_me = conv
            .and_then(|c| c.pointer("/state/status"))
            .and_then(Value::as_str)
            == Some("assigned")
            && conv
                .and_then(|c| c.pointer("/state/expert"))
                .and_then(Value::as_str)
                == Some(me);
        let id = conv.and_then(|c| c.get("id")).and_then(Value::as_str);
        if frame.get("type").and_then(Value::as_str) == Some("conversation")
            && assigned_to_me
            && id.is_some()
            && id != not
        {
            return Ok(id.map(str::to_owned).unwrap_or_default());
        }
    }
}
