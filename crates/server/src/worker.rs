//! The one worker loop every kind of durable job runs in (snooze wake-ups in
//! [`scheduler`](crate::scheduler), webhook deliveries in
//! [`webhooks::delivery`](crate::webhooks::delivery)): a [`Job`] says how to claim, handle
//! and retry its items; [`run`] claims what is due, handles it, sleeps until woken (a
//! notification), until the next item is due or until the poll interval passes, and stops
//! cooperatively when told to, after the pass in flight.

use std::future::Future;
use std::sync::Arc;

use ebb_core::Instant;
use ebb_store::{Conn, StoreError, Tx};
use futures_util::StreamExt;
use time::Duration;
use tokio::sync::{Notify, broadcast, watch};

use crate::{ApiError, AppState, bus};

/// One kind of durable work on the store's leased queue. Handlers must be idempotent: a
/// lapsed lease (a crash, a slow node) hands an item to another worker.
pub trait Job: Send + Sync + 'static {
    /// What one claim hands out.
    type Item: Send + 'static;
    /// The kind, for logs.
    const KIND: &'static str;
    /// How long a claimed item stays leased to this node.
    const LEASE: Duration;
    /// How many items are claimed at once.
    const BATCH: u32;
    /// How many items are handled at once.
    const CONCURRENCY: usize;

    /// Leases up to [`Self::BATCH`] items due at `now` until `now + LEASE`.
    fn claim(
        &self,
        tx: &mut Tx,
        now: Instant,
    ) -> impl Future<Output = Result<Vec<Self::Item>, StoreError>> + Send;

    /// When the next item is due after `now`, if any.
    fn next_due(
        &self,
        conn: &mut Conn,
        now: Instant,
    ) -> impl Future<Output = Result<Option<Instant>, StoreError>> + Send;

    /// Handles one claimed item (recording its outcome, retry included).
    fn handle(
        &self,
        state: &AppState,
        item: Self::Item,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// How long to wait after failed attempt number `attempts` (1 for the first), given a
    /// `jitter` between 0 and 1; `None` gives up.
    fn backoff(&self, attempts: i64, jitter: f64) -> Option<Duration>;

    /// What wakes the worker early.
    fn wakeup(&self, state: &AppState) -> Wakeup;

    /// How many due rows `item` stands for (one by default; a batch counts its rows).
    fn weight(_item: &Self::Item) -> usize {
        1
    }

    /// True when a claim that returned `items` may have left due rows behind, so the pass
    /// claims again (by default: it returned a full [`Self::BATCH`]).
    fn more_due(items: &[Self::Item]) -> bool {
        items.len() >= Self::BATCH as usize
    }

    /// Work done after each pass over the due items (nothing by default).
    fn after_pass(&self, _state: &AppState) -> impl Future<Output = Result<(), ApiError>> + Send {
        async { Ok(()) }
    }
}

/// What wakes a sleeping worker before its next item is due.
pub enum Wakeup {
    /// A local notification (a snooze was set, time was moved).
    Notify(Arc<Notify>),
    /// Any change hint on the bus (from this node or another).
    Bus(broadcast::Receiver<bus::Hint>),
}

impl Wakeup {
    /// Waits for the next wake-up; a closed bus never wakes (polling goes on).
    async fn wait(&mut self) {
        match self {
            Self::Notify(notify) => notify.notified().await,
            Self::Bus(hints) => {
                if let Err(broadcast::error::RecvError::Closed) = hints.recv().await {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

/// Runs `job` until `stop` turns true (or its sender is gone): passes over the due items,
/// sleeping in between.
pub async fn run<J: Job>(state: AppState, job: J, mut stop: watch::Receiver<bool>) {
    let mut wakeup = job.wakeup(&state);
    while !*stop.borrow() {
        if let Err(err) = pass(&state, &job).await {
            tracing::warn!(job.kind = J::KIND, error = %err, "job pass failed; will retry");
        }
        let nap = until_next_due(&state, &job).await;
        tokio::select! {
            () = wakeup.wait() => {},
            () = tokio::time::sleep(nap) => {},
            changed = stop.changed() => if changed.is_err() { return },
        }
    }
}

/// Claims and handles everything due now, batch after batch, then runs the job's
/// [`Job::after_pass`]; returns how many items were handled. With the test clock, the
/// stored offset is loaded first, so time moved on one node moves on all.
pub async fn pass<J: Job>(state: &AppState, job: &J) -> Result<usize, ApiError> {
    if state.settings.test_clock {
        let mut conn = state.store.conn().await?;
        let offset = ebb_store::clock_offset::get(&mut conn).await?;
        state.clock.sync_offset(offset);
    }
    let mut handled = 0;
    loop {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let due = job.claim(&mut tx, now).await?;
        tx.commit().await?;
        let claimed: usize = due.iter().map(J::weight).sum();
        let more = J::more_due(&due);
        let results: Vec<Result<(), ApiError>> = futures_util::stream::iter(due)
            .map(|item| job.handle(state, item))
            .buffer_unordered(J::CONCURRENCY)
            .collect()
            .await;
        handled += claimed;
        results.into_iter().collect::<Result<(), _>>()?;
        if !more {
            break;
        }
    }
    job.after_pass(state).await?;
    Ok(handled)
}

/// How long to sleep after a pass: until the next item is due, at most the poll interval.
/// An item already due after a pass is leased elsewhere (or its handler failed), so it
/// waits for the next poll rather than spinning.
async fn until_next_due<J: Job>(state: &AppState, job: &J) -> std::time::Duration {
    let poll = state.settings.scheduler_poll;
    let next = match state.store.conn().await {
        Ok(mut conn) => job
            .next_due(&mut conn, state.clock.now())
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    next.map(|at| at - state.clock.now())
        .filter(|wait| wait.is_positive())
        .and_then(|wait| std::time::Duration::try_from(wait).ok())
        .map_or(poll, |wait| wait.min(poll))
}
