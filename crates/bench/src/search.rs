//! Scenario 7: full-text search latency. Seeds a brand with `messages` messages over the API
//! (visitors writing, a few experts holding and answering some conversations), then times
//! `GET /api/v1/admin/search` and `GET /api/v1/expert/search` for queries matching one
//! message, about a tenth of them, two common words, and a prefix.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;

use crate::api::{Ebb, MAX_CAPACITY};
use crate::report::Latency;

/// Words messages are made of (each message has four of them and a unique order number).
const WORDS: [&str; 40] = [
    "tent", "kayak", "paddle", "zipper", "refund", "order", "delivery", "boots", "jacket", "rain",
    "size", "colour", "blue", "green", "broken", "missing", "parcel", "invoice", "return",
    "exchange", "stove", "lantern", "rope", "harness", "helmet", "gloves", "socks", "backpack",
    "strap", "buckle", "warranty", "repair", "discount", "voucher", "address", "tracking", "late",
    "damaged", "thanks", "hello",
];

/// Messages per conversation (the first one starts it).
const PER_CONVERSATION: usize = 20;

/// The `i`-th message's text: four words picked by a fixed generator, and order `i`.
fn text(i: usize) -> String {
    let mut x = (i as u64)
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut pick = || {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        WORDS[(x % WORDS.len() as u64) as usize]
    };
    format!(
        "{} {} {} order {} {}",
        pick(),
        pick(),
        pick(),
        1_000_000 + i,
        pick()
    )
}

/// What one scenario run measured.
pub struct Measured {
    /// Messages stored.
    pub messages: usize,
    /// Seconds the seeding took.
    pub seed_secs: f64,
    /// Latency per (audience, query kind).
    pub rows: Vec<(String, Latency)>,
}

/// Seeds about `messages` messages, then runs `rounds` of every query kind per audience.
pub async fn run(ebb: &Ebb, messages: usize, rounds: usize) -> anyhow::Result<Measured> {
    let experts = ebb.experts(3000, 2, MAX_CAPACITY).await?;
    let conversations = messages.div_ceil(PER_CONVERSATION).max(1);
    let seed = Instant::now();
    let sem = Arc::new(Semaphore::new(16));
    let mut set = tokio::task::JoinSet::new();
    for c in 0..conversations {
        let (ebb, sem, experts) = (ebb.clone(), sem.clone(), experts.clone());
        set.spawn(async move {
            let _p = sem.acquire_owned().await?;
            let visitor = ebb.visitor().await?;
            let first = c * PER_CONVERSATION;
            let (id, owner) = ebb.start(&visitor, &text(first)).await?;
            let held = experts.iter().find(|e| Some(&e.id) == owner.as_ref());
            for i in first + 1..first + PER_CONVERSATION {
                match held {
                    Some(e) if i % 2 == 0 => ebb.expert_says(&e.token, &id, &text(i)).await?,
                    _ => ebb.visitor_says(&visitor, &id, &text(i)).await?,
                }
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = set.join_next().await {
        r??;
    }
    let seed_secs = seed.elapsed().as_secs_f64();
    let total = conversations * PER_CONVERSATION;
    let admin = ebb.admin_login().await?;
    let audiences = [
        ("admin", admin.as_str()),
        ("expert", experts[0].token.as_str()),
    ];
    let mut rows = Vec::new();
    for (audience, token) in audiences {
        for (k, kind) in KINDS.iter().enumerate() {
            let mut samples = Vec::with_capacity(rounds);
            for r in 0..rounds {
                let q = query(k, r, total);
                let path = format!("/api/v1/{audience}/search?q={q}&limit=20");
                let t = Instant::now();
                let page = ebb.get_json(&path, token).await?;
                samples.push(t.elapsed());
                anyhow::ensure!(page["results"].is_array(), "no results array for {q}");
            }
            rows.push((format!("{audience} {kind}"), Latency::of(&samples)));
        }
    }
    Ok(Measured {
        messages: total,
        seed_secs,
        rows,
    })
}

/// The query kinds timed.
const KINDS: [&str; 4] = ["one message", "common word", "two words", "prefix"];

/// The `r`-th round's URL-ready query text of kind `kind` (an index of [`KINDS`]).
fn query(kind: usize, r: usize, total: usize) -> String {
    let word = |k: usize| WORDS[(r + k) % WORDS.len()];
    match kind {
        0 => format!("{}", 1_000_000 + (r * 7919) % total),
        1 => word(0).to_owned(),
        2 => format!("{}%20{}", word(0), word(7)),
        _ => word(0)[..3].to_owned(),
    }
}
