//! The scheduler: the [`Job`] that wakes snoozed conversations when their snooze expires
//! (exactly once across nodes: each expiry is leased before it runs and its handler is
//! idempotent), and, after each pass, releases conversations stranded by offline experts.
//! It runs in the shared [`worker`] loop, woken by `scheduler_wakeup`.

use ebb_core::Instant;
use ebb_store::{Conn, StoreError, Tx, conversations, jobs};
use time::Duration;

use crate::worker::{self, Job, Wakeup};
use crate::{ApiError, AppState, desk};

/// How long a claimed job stays leased to this node.
pub const LEASE: Duration = Duration::seconds(30);
/// How many jobs are claimed at once.
pub const BATCH: u32 = 200;

/// Snooze expiries: wake the conversation for its expert (see [`desk::expire_snooze`]).
pub struct SnoozeWake;

impl Job for SnoozeWake {
    type Item = jobs::Job;
    const KIND: &'static str = jobs::SNOOZE_EXPIRY;
    const LEASE: Duration = LEASE;
    const BATCH: u32 = BATCH;
    const CONCURRENCY: usize = 1;

    async fn claim(&self, tx: &mut Tx, now: Instant) -> Result<Vec<jobs::Job>, StoreError> {
        jobs::claim_due(tx, now, now + LEASE, BATCH).await
    }

    async fn next_due(&self, conn: &mut Conn) -> Result<Option<Instant>, StoreError> {
        jobs::next_due(conn).await
    }

    async fn handle(&self, state: &AppState, job: jobs::Job) -> Result<(), ApiError> {
        if job.kind != jobs::SNOOZE_EXPIRY {
            tracing::warn!(job.kind = job.kind, "unknown job kind left alone");
            return Ok(());
        }
        let lag = (state.clock.now() - job.run_at).as_seconds_f64().max(0.0);
        metrics::histogram!("ebb_timer_lag_seconds").record(lag);
        desk::expire_snooze(state, &job).await?;
        metrics::counter!("ebb_timers_fired_total").increment(1);
        Ok(())
    }

    /// A failed wake-up stays leased: it is tried again when its lease runs out.
    fn backoff(&self, _attempts: i64, _jitter: f64) -> Option<Duration> {
        Some(LEASE)
    }

    fn wakeup(&self, state: &AppState) -> Wakeup {
        Wakeup::Notify(state.scheduler_wakeup.clone())
    }

    async fn after_pass(&self, state: &AppState) -> Result<(), ApiError> {
        release_stranded(state).await
    }
}

/// Routes again every brand with conversations stranded by experts gone offline.
async fn release_stranded(state: &AppState) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut conn = state.store.conn().await?;
    let stranded = conversations::brands_with_stranded(&mut conn, now).await?;
    drop(conn);
    for brand in stranded {
        let mut tx = state.store.begin().await?;
        let routed = desk::route(&mut tx, brand, now).await?;
        tx.commit().await?;
        for (conv, _) in &routed {
            state.bus.publish(crate::bus::Hint::of(conv, None));
        }
    }
    Ok(())
}

/// Runs everything due now; returns how many snooze expiries were handled.
pub async fn tick(state: &AppState) -> Result<usize, ApiError> {
    worker::pass(state, &SnoozeWake).await
}
