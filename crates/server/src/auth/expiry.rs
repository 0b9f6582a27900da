//! The expired-session sweep: every `session_sweep` each node deletes the sessions that
//! expired (they already stopped authenticating; this keeps the tables small). Deleting
//! is idempotent, so nodes sweeping at once do no harm.

use tokio::sync::watch;

use crate::{ApiError, AppState};

/// Deletes the sessions expired by now: how many.
pub async fn sweep(state: &AppState) -> Result<u64, ApiError> {
    let mut tx = state.store.begin().await?;
    let ended = ebb_store::sessions::purge_expired(&mut tx, state.clock.now()).await?;
    tx.commit().await?;
    metrics::counter!("ebb_sessions_expired_total").increment(ended);
    Ok(ended)
}

/// Sweeps every `state.settings.session_sweep` until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(state.settings.session_sweep);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(err) = sweep(&state).await {
                    tracing::warn!(error = %err, "expired-session sweep failed");
                }
            }
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
