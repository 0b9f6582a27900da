//! The scheduler: runs due durable jobs (snooze expiries) and sweeps the stored
//! reservations, passing on woken conversations whose reservation lapsed (core decides
//! which, see `ebb_core::routing::reservation`). It sleeps until woken (a snooze was set,
//! time was moved), until the next job or lapse is due, or until its poll interval passes; each job is leased before
//! it runs, so several nodes never run one job at the same time, and handlers are
//! idempotent. With the test clock, each tick first loads the stored offset, so time moved
//! on one node moves on all.

use time::Duration;

use ebb_core::routing::reservation::lapses_at;
use ebb_core::{BrandId, Instant};
use ebb_store::{conversations, jobs};

use crate::{ApiError, AppState, desk};

/// How long a claimed job stays leased to this node.
pub const LEASE: Duration = Duration::seconds(30);
/// How many jobs are claimed at once.
pub const BATCH: u32 = 200;

/// Runs forever (until the task is aborted at shutdown).
pub async fn run(state: AppState) {
    loop {
        if let Err(err) = tick(&state).await {
            tracing::warn!(error = %err, "scheduler tick failed; will retry");
        }
        let nap = until_next_due(&state).await;
        tokio::select! {
            () = state.scheduler_wakeup.notified() => {},
            () = tokio::time::sleep(nap) => {},
        }
    }
}

/// How long to sleep after a tick: until the next pending job is due or the next
/// reservation lapses, at most the poll interval. A job already due after a tick is leased elsewhere (or its handler failed),
/// so it waits for the next poll rather than spinning.
async fn until_next_due(state: &AppState) -> std::time::Duration {
    let poll = state.settings.scheduler_poll;
    let next_job = match state.store.conn().await {
        Ok(mut conn) => jobs::next_due(&mut conn).await.ok().flatten(),
        Err(_) => None,
    };
    let next_lapse = sweep(state).await.ok().and_then(|(_, next)| next);
    let next = match (next_job, next_lapse) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    next.map(|at| at - state.clock.now())
        .filter(|wait| wait.is_positive())
        .and_then(|wait| std::time::Duration::try_from(wait).ok())
        .map_or(poll, |wait| wait.min(poll))
}

/// The brands with a reservation that lapsed by now, and when the next one lapses.
async fn sweep(state: &AppState) -> Result<(Vec<BrandId>, Option<Instant>), ApiError> {
    let now = state.clock.now();
    let mut conn = state.store.conn().await?;
    let reserved = conversations::reserved(&mut conn).await?;
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

/// Runs everything due now; returns how many snooze expiries were handled.
pub async fn tick(state: &AppState) -> Result<usize, ApiError> {
    if state.settings.test_clock {
        let mut conn = state.store.conn().await?;
        let offset = ebb_store::clock_offset::get(&mut conn).await?;
        state.clock.sync_offset(offset);
    }
    let mut handled = 0;
    loop {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let due = jobs::claim_due(&mut tx, now, now + LEASE, BATCH).await?;
        tx.commit().await?;
        for job in &due {
            match job.kind.as_str() {
                jobs::SNOOZE_EXPIRY => {
                    let lag = (now - job.run_at).as_seconds_f64().max(0.0);
                    metrics::histogram!("ebb_timer_lag_seconds").record(lag);
                    desk::expire_snooze(state, job).await?;
                    metrics::counter!("ebb_timers_fired_total").increment(1);
                    handled += 1;
                }
                other => tracing::warn!(job.kind = other, "unknown job kind left alone"),
            }
        }
        if due.len() < BATCH as usize {
            break;
        }
    }
    let (lapsed, _) = sweep(state).await?;
    let now = state.clock.now();
    for brand in lapsed {
        let mut tx = state.store.begin().await?;
        let routed = desk::route(&mut tx, brand, now).await?;
        tx.commit().await?;
        for (conv, entries) in &routed {
            state.bus.publish(desk::routed_hint(conv, entries, None));
        }
    }
    Ok(handled)
}
