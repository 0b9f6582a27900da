//! Scenarios 1 and 2: visitors and experts exchanging messages at a fixed rate over HTTP,
//! each message timed from the send to the other side's WebSocket `entry` event, and the
//! throughput ladder (highest rate whose acknowledgement p99 stays under a bound).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::api::{self, Ebb, Expert, MAX_CAPACITY};
use crate::report::Latency;

/// Most requests in flight at once; beyond it a send is counted as `backlog` (the client
/// cannot keep the offered rate), so the loop stays open and bounded.
const MAX_IN_FLIGHT: usize = 4096;

/// One conversation the load can write to from both sides.
struct Conv {
    id: String,
    visitor: String,
    expert: String,
}

/// Send times and received latencies of one load step.
struct Recorder {
    step: u64,
    t0: Instant,
    sent_ns: Vec<AtomicU64>,
    v2e: Mutex<Vec<Duration>>,
    e2v: Mutex<Vec<Duration>>,
}

impl Recorder {
    fn new(step: u64, total: usize) -> Self {
        Self {
            step,
            t0: Instant::now(),
            sent_ns: (0..total).map(|_| AtomicU64::new(0)).collect(),
            v2e: Mutex::default(),
            e2v: Mutex::default(),
        }
    }

    /// An `entry` frame arrived at a reader on side `reader_is_expert`.
    fn on_frame(&self, frame: &Value, reader_is_expert: bool) {
        if frame.get("type").and_then(Value::as_str) != Some("entry") {
            return;
        }
        let author = frame.pointer("/entry/author/kind").and_then(Value::as_str);
        let from_visitor = match (author, reader_is_expert) {
            (Some("visitor"), true) => true,
            (Some("expert"), false) => false,
            _ => return,
        };
        let Some(body) = frame.pointer("/entry/body").and_then(Value::as_str) else {
            return;
        };
        let mut parts = body.split(' ').skip(1).map(str::parse::<u64>);
        let (Some(Ok(step)), Some(Ok(k))) = (parts.next(), parts.next()) else {
            return;
        };
        let sent = usize::try_from(k).ok().and_then(|k| self.sent_ns.get(k));
        let Some(sent) = sent.map(|s| s.load(Ordering::Acquire)).filter(|&s| s > 0) else {
            return;
        };
        if step != self.step {
            return;
        }
        let latency = self.t0.elapsed().saturating_sub(Duration::from_nanos(sent));
        let list = if from_visitor { &self.v2e } else { &self.e2v };
        list.lock().unwrap_or_else(|e| e.into_inner()).push(latency);
    }
}

/// Experts, visitors with one open conversation each, and all their WebSockets.
pub struct Chat {
    ebb: Ebb,
    convs: Vec<Conv>,
    live: Arc<RwLock<Arc<Recorder>>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

/// What one load step measured.
#[derive(Debug, serde::Serialize)]
pub struct Step {
    /// Offered messages per second.
    pub offered_per_sec: u64,
    /// Acknowledged (201) messages per second over the step.
    pub acked_per_sec: f64,
    /// Send to HTTP acknowledgement (durable).
    pub ack: Latency,
    /// Visitor send to the expert's WebSocket entry.
    pub visitor_to_expert: Latency,
    /// Expert send to the visitor's WebSocket entry.
    pub expert_to_visitor: Latency,
    /// Non-2xx answers and transport errors.
    pub errors: u64,
    /// Sends skipped because `MAX_IN_FLIGHT` requests were pending.
    pub backlog: u64,
    /// Acknowledged messages never seen on the other side's WebSocket.
    pub undelivered: u64,
    /// The first error, if any.
    pub first_error: Option<String>,
}

impl Chat {
    /// Sets up `visitors` conversations spread over enough experts of capacity 50.
    pub async fn setup(ebb: &Ebb, ws_base: &str, visitors: usize) -> anyhow::Result<Self> {
        let count = visitors.div_ceil(MAX_CAPACITY as usize) + 1;
        let experts = ebb.experts(0, count, MAX_CAPACITY).await?;
        let live = Arc::new(RwLock::new(Arc::new(Recorder::new(u64::MAX, 0))));
        let mut readers = Vec::new();
        for e in &experts {
            readers.push(
                reader(
                    &format!("{ws_base}/ws?token={}", e.token),
                    live.clone(),
                    true,
                )
                .await?,
            );
        }
        let convs = start_conversations(ebb, &experts, visitors).await?;
        for c in &convs {
            let url = format!("{ws_base}/ws?brand={}&token={}", api::BRAND, c.visitor);
            readers.push(reader(&url, live.clone(), false).await?);
        }
        Ok(Self {
            ebb: ebb.clone(),
            convs,
            live,
            readers,
        })
    }

    /// How many conversations the load writes to.
    pub fn conversations(&self) -> usize {
        self.convs.len()
    }

    /// Sends `rate` messages/s for `secs` (even ids visitor -> expert, odd the other way).
    pub async fn drive(&self, step: u64, rate: u64, secs: u64) -> Step {
        let total = usize::try_from(rate * secs).unwrap_or(usize::MAX);
        let rec = Arc::new(Recorder::new(step, total));
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = rec.clone();
        let sem = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        let acks = Arc::new(Mutex::new(Vec::with_capacity(total)));
        let errors = Arc::new(AtomicU64::new(0));
        let first_error = Arc::new(Mutex::new(None));
        let mut backlog = 0;
        let start = Instant::now();
        for k in 0..total {
            let due = start + Duration::from_secs_f64(k as f64 / rate as f64);
            if due > Instant::now() {
                tokio::time::sleep_until(due.into()).await;
            }
            let Ok(permit) = sem.clone().try_acquire_owned() else {
                backlog += 1;
                continue;
            };
            let conv = &self.convs[k % self.convs.len()];
            let (ebb, rec, acks, errors, first_error) = (
                self.ebb.clone(),
                rec.clone(),
                acks.clone(),
                errors.clone(),
                first_error.clone(),
            );
            let (id, visitor, expert) =
                (conv.id.clone(), conv.visitor.clone(), conv.expert.clone());
            tokio::spawn(async move {
                let body = format!("bench {step} {k}");
                let sent = Instant::now();
                let ns = u64::try_from(sent.duration_since(rec.t0).as_nanos()).unwrap_or(1);
                rec.sent_ns[k].store(ns.max(1), Ordering::Release);
                let result = if k % 2 == 0 {
                    ebb.visitor_says(&visitor, &id, &body).await
                } else {
                    ebb.expert_says(&expert, &id, &body).await
                };
                match result {
                    Ok(()) => acks
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(sent.elapsed()),
                    Err(err) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        first_error
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(err.to_string());
                    }
                }
                drop(permit);
            });
        }
        let wall = start.elapsed();
        let all = u32::try_from(MAX_IN_FLIGHT).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(60), sem.acquire_many(all)).await;
        let elapsed = start.elapsed().max(wall);
        let acked = acks.lock().unwrap_or_else(|e| e.into_inner()).len();
        let delivered =
            || rec.v2e.lock().map_or(0, |v| v.len()) + rec.e2v.lock().map_or(0, |v| v.len());
        let deadline = Instant::now() + Duration::from_secs(5);
        while delivered() < acked && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let lat =
            |m: &Mutex<Vec<Duration>>| Latency::of(&m.lock().unwrap_or_else(|e| e.into_inner()));
        let first_error = first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        Step {
            offered_per_sec: rate,
            acked_per_sec: acked as f64 / elapsed.as_secs_f64(),
            ack: lat(&acks),
            visitor_to_expert: lat(&rec.v2e),
            expert_to_visitor: lat(&rec.e2v),
            errors: errors.load(Ordering::Relaxed),
            backlog,
            undelivered: (acked.saturating_sub(delivered())) as u64,
            first_error,
        }
    }

    /// Closes every WebSocket.
    pub fn stop(self) {
        for r in self.readers {
            r.abort();
        }
    }
}

async fn start_conversations(ebb: &Ebb, experts: &[Expert], n: usize) -> anyhow::Result<Vec<Conv>> {
    let mut set = tokio::task::JoinSet::new();
    let sem = Arc::new(Semaphore::new(32));
    for i in 0..n {
        let (ebb, sem) = (ebb.clone(), sem.clone());
        set.spawn(async move {
            let _permit = sem.acquire_owned().await?;
            let visitor = ebb.visitor().await?;
            let (id, owner) = ebb.start(&visitor, &format!("hello {i}")).await?;
            anyhow::Ok((id, visitor, owner))
        });
    }
    let mut convs = Vec::with_capacity(n);
    while let Some(done) = set.join_next().await {
        let (id, visitor, owner) = done??;
        let expert = experts.iter().find(|e| Some(&e.id) == owner.as_ref());
        if let Some(e) = expert {
            convs.push(Conv {
                id,
                visitor,
                expert: e.token.clone(),
            });
        }
    }
    anyhow::ensure!(
        !convs.is_empty(),
        "no conversation was assigned to a bench expert"
    );
    Ok(convs)
}

/// Opens a WebSocket and records every frame into the live recorder.
async fn reader(
    url: &str,
    live: Arc<RwLock<Arc<Recorder>>>,
    is_expert: bool,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let ws = api::ws_connect(url).await?;
    let (write, mut read) = ws.split();
    Ok(tokio::spawn(async move {
        let _keep = write;
        while let Some(frame) = api::next_json(&mut read).await {
            let rec = live.read().map(|r| r.clone());
            if let Ok(rec) = rec {
                rec.on_frame(&frame, is_expert);
            }
        }
    }))
}
