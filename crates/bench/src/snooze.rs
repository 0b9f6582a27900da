//! Scenario 5: many conversations snoozed until one instant; how late each wakes (the
//! expert's WebSocket `conversation` frame after the instant), the wake rate, and the
//! server's memory with the snoozes pending. Conversations are started and snoozed in
//! rounds of the experts' slots (at most 40 experts of 50), as a busy team snoozes.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use futures_util::StreamExt;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{Mutex, Semaphore};

use crate::api::{self, Ebb, MAX_CAPACITY};
use crate::report::Latency;

/// At most this many experts (of capacity 50): conversations are started and snoozed in
/// rounds of their slots, so the brand never holds more than this many times 50 assigned.
const MAX_EXPERTS: usize = 40;

/// `n` conversations snoozed until the same instant: lateness of each wake, wakes/s,
/// server RSS before the snoozes and with them pending.
pub async fn run(ebb: &Ebb, ws_base: &str, pid: u32, n: usize) -> anyhow::Result<Value> {
    let count = n.div_ceil(MAX_CAPACITY as usize).clamp(1, MAX_EXPERTS);
    let experts = ebb.experts(2000, count, MAX_CAPACITY).await?;
    let woken: Arc<Mutex<Vec<(String, SystemTime)>>> = Arc::default();
    let mut readers = Vec::new();
    for e in &experts {
        let ws = api::ws_connect(&format!("{ws_base}/ws?token={}", e.token)).await?;
        let (write, mut read) = ws.split();
        let woken = woken.clone();
        readers.push(tokio::spawn(async move {
            let _keep = write;
            while let Some(frame) = api::next_json(&mut read).await {
                if let Some(id) = woken_id(&frame) {
                    woken.lock().await.push((id, SystemTime::now()));
                }
            }
        }));
    }
    let rss_before_kib = crate::procstat::rss_kib(pid);
    let round = count * MAX_CAPACITY as usize;
    let setup = Instant::now();
    let mut convs = Vec::with_capacity(n);
    let mut until = None;
    while convs.len() < n {
        let size = round.min(n - convs.len());
        let mut started = Vec::with_capacity(size);
        for (id, owner) in ebb.start_many(size, |i| format!("snooze me {i}")).await? {
            if let Some(e) = experts.iter().find(|e| Some(&e.id) == owner.as_ref()) {
                started.push((id, e.token.clone()));
            }
        }
        // The instant: after the set-up as the first round's pace predicts, three times over.
        let (until_text, _) = until.get_or_insert_with(|| {
            let per = setup.elapsed() / u32::try_from(size.max(1)).unwrap_or(u32::MAX);
            let lead = Duration::from_secs(20) + per * u32::try_from(n).unwrap_or(u32::MAX) * 3;
            let at = OffsetDateTime::now_utc() + lead;
            (at.format(&Rfc3339).unwrap_or_default(), at)
        });
        snooze_all(ebb, &started, until_text).await?;
        convs.extend(started);
    }
    let Some((_, until)) = until else {
        anyhow::bail!("nothing to snooze");
    };
    let until_sys =
        SystemTime::UNIX_EPOCH + Duration::try_from(until - OffsetDateTime::UNIX_EPOCH)?;
    let setup_secs = setup.elapsed().as_secs_f64();
    let rss_pending_kib = crate::procstat::rss_kib(pid);
    anyhow::ensure!(
        SystemTime::now() < until_sys,
        "setup ran past the wake instant; raise the lead"
    );
    woken.lock().await.clear();
    let ids: HashSet<&String> = convs.iter().map(|(id, _)| id).collect();
    let deadline = until_sys + Duration::from_secs(120);
    loop {
        let done = woken
            .lock()
            .await
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .count();
        if done >= ids.len() || SystemTime::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for r in readers {
        r.abort();
    }
    let got = woken.lock().await;
    let mut seen = HashSet::new();
    let late: Vec<Duration> = got
        .iter()
        .filter(|(id, _)| ids.contains(id) && seen.insert(id.clone()))
        .map(|(_, at)| at.duration_since(until_sys).unwrap_or_default())
        .collect();
    let lateness = Latency::of(&late);
    let spread = late.iter().max().copied().unwrap_or_default();
    let wakes_per_sec = late.len() as f64 / spread.as_secs_f64().max(0.001);
    Ok(json!({
        "snoozed": convs.len(), "woken": late.len(), "lateness": lateness,
        "wakes_per_sec_until_last": wakes_per_sec, "setup_secs": setup_secs,
        "rss_before_snoozes_kib": rss_before_kib, "rss_with_snoozes_pending_kib": rss_pending_kib,
    }))
}

/// The id of a conversation frame showing a conversation woken from its snooze.
fn woken_id(frame: &Value) -> Option<String> {
    if frame.get("type").and_then(Value::as_str) != Some("conversation") {
        return None;
    }
    let status = frame
        .pointer("/conversation/state/status")
        .and_then(Value::as_str)?;
    if status == "snoozed" || status == "closed" {
        return None;
    }
    frame
        .pointer("/conversation/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Snoozes each of `convs` (id, its expert's token) until `until`, 16 at a time.
async fn snooze_all(ebb: &Ebb, convs: &[(String, String)], until: &str) -> anyhow::Result<()> {
    let sem = Arc::new(Semaphore::new(16));
    let mut set = tokio::task::JoinSet::new();
    for (id, token) in convs {
        let (ebb, sem, id, token, until) = (
            ebb.clone(),
            sem.clone(),
            id.clone(),
            token.clone(),
            until.to_owned(),
        );
        set.spawn(async move {
            let _p = sem.acquire_owned().await?;
            ebb.snooze_until(&token, &id, &until).await
        });
    }
    while let Some(r) = set.join_next().await {
        r?.context("snooze")?;
    }
    Ok(())
}
