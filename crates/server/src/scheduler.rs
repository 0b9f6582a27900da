//! The scheduler: the [`Job`] that wakes snoozed conversations when their snooze expires
//! (exactly once across nodes: each expiry is leased before it runs and its handler is
//! idempotent). A storm is claimed in batches shared fairly between the brands with due
//! wake-ups (core's `snooze::wake_share`), each brand's part woken in one transaction with
//! one routing pass. After each pass, it sweeps the stored reservations, passing on woken
//! conversations whose reservation lapsed (core decides which, see
//! `ebb_core::routing::reservation`). It runs in the shared [`worker`] loop, woken by
//! `scheduler_wakeup`, and sleeps no longer than the next expiry or lapse.

use ebb_core::routing::reservation::lapses_at;
use ebb_core::snooze::wake_share;
use ebb_core::{BrandId, Instant};
use ebb_store::{Conn, StoreError, Tx, conversations, jobs};
use time::Duration;

use crate::worker::{self, Job, Wakeup};
use crate::{ApiError, AppState, desk};

/// How long a claimed job stays leased to this node.
pub const LEASE: Duration = Duration::seconds(30);
/// How many jobs are claimed at once (shared between the brands with due ones).
pub const BATCH: u32 = 500;

/// One brand's part of a claimed batch, woken together.
#[derive(Debug)]
pub struct BrandBatch {
    /// The brand.
    brand: BrandId,
    /// Its leased jobs, oldest first.
    jobs: Vec<jobs::Job>,
    /// True when it took its whole share: more of its jobs may be due.
    full: bool,
}

/// Snooze expiries: wake the conversation for its expert (see [`desk::expire_snooze`]);
/// after each pass, also routes brands whose office hours just began.
#[derive(Debug, Default)]
pub struct SnoozeWake {
    hours: crate::office_hours::Watch,
}

impl Job for SnoozeWake {
    type Item = BrandBatch;
    const KIND: &'static str = jobs::SNOOZE_EXPIRY;
    const LEASE: Duration = LEASE;
    const BATCH: u32 = BATCH;
    const CONCURRENCY: usize = 1;

    async fn claim(&self, tx: &mut Tx, now: Instant) -> Result<Vec<BrandBatch>, StoreError> {
        let brands = jobs::due_brands(tx, now).await?;
        let share = wake_share(BATCH, brands.len());
        let mut out = Vec::with_capacity(brands.len());
        for brand in brands {
            let jobs = jobs::claim_due_for(tx, brand, now, now + LEASE, share).await?;
            if !jobs.is_empty() {
                let full = jobs.len() >= share as usize;
                out.push(BrandBatch { brand, jobs, full });
            }
        }
        // Small parts first: a brand's single wake never waits behind another's storm.
        out.sort_by_key(|b| (b.jobs.len(), b.jobs.first().map(|j| (j.run_at, j.id))));
        Ok(out)
    }

    async fn next_due(&self, conn: &mut Conn, now: Instant) -> Result<Option<Instant>, StoreError> {
        let next_job = jobs::next_due(conn).await?;
        let (_, next_lapse) = sweep(conn, now).await?;
        Ok(match (next_job, next_lapse) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    async fn handle(&self, state: &AppState, batch: BrandBatch) -> Result<(), ApiError> {
        let now = state.clock.now();
        let mut due = Vec::with_capacity(batch.jobs.len());
        for job in batch.jobs {
            if job.kind != jobs::SNOOZE_EXPIRY {
                tracing::warn!(job.kind = job.kind, "unknown job kind left alone");
                continue;
            }
            let lag = (now - job.run_at).as_seconds_f64().max(0.0);
            metrics::histogram!("ebb_timer_lag_seconds").record(lag);
            due.push(job);
        }
        desk::expire_snoozes(state, batch.brand, &due).await?;
        metrics::counter!("ebb_timers_fired_total").increment(due.len() as u64);
        Ok(())
    }

    fn weight(batch: &BrandBatch) -> usize {
        batch.jobs.len()
    }

    fn more_due(batches: &[BrandBatch]) -> bool {
        batches.iter().any(|b| b.full)
    }

    /// A failed wake-up stays leased: it is tried again when its lease runs out.
    fn backoff(&self, _attempts: i64, _jitter: f64) -> Option<Duration> {
        Some(LEASE)
    }

    fn wakeup(&self, state: &AppState) -> Wakeup {
        Wakeup::Notify(state.scheduler_wakeup.clone())
    }

    async fn after_pass(&self, state: &AppState) -> Result<(), ApiError> {
        pass_on_lapsed(state).await?;
        self.hours.route_opened(state).await
    }
}

/// The brands with a reservation that lapsed by `now`, and when the next one lapses (read
/// from each expert's oldest reservation, which lapses first).
async fn sweep(
    conn: &mut Conn,
    now: Instant,
) -> Result<(Vec<BrandId>, Option<Instant>), StoreError> {
    let reserved = conversations::oldest_reserved(conn).await?;
    let mut lapsed = Vec::new();
    let mut next = None::<Instant>;
    for r in reserved {
        match lapses_at(&r.waiting, r.owner, r.policy) {
            Some(at) if at <= now && !lapsed.contains(&r.brand) => lapsed.push(r.brand),
            Some(at) if at > now => next = Some(next.map_or(at, |n| n.min(at))),
            _ => {}
        }
    }
    Ok((lapsed, next))
}

/// Routes again every brand with a lapsed reservation: routing passes those conversations
/// on to the team (or to their expert, when they can take it after all).
async fn pass_on_lapsed(state: &AppState) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut conn = state.store.conn().await?;
    let (lapsed, _) = sweep(&mut conn, now).await?;
    drop(conn);
    for brand in lapsed {
        let mut tx = state.store.begin().await?;
        let routed = desk::route(&mut tx, brand, now, &state.presence).await?;
        tx.commit().await?;
        for (conv, entries) in &routed {
            state.bus.publish(desk::routed_hint(conv, entries, None));
        }
    }
    Ok(())
}

/// Runs everything due now; returns how many snooze expiries were handled.
pub async fn tick(state: &AppState) -> Result<usize, ApiError> {
    worker::pass(state, &SnoozeWake::default()).await
}
