//! Expert changes that move slots: status (set by the expert, or by logging out), and an
//! admin's capacity, async cap, disable and enable. Each locks the brand's experts first, is retried
//! when it loses a race, and routes in the same transaction. Disabling passes the expert's
//! assigned and reserved conversations on to the team (see core's `reservation::pass_on`).

use ebb_core::routing::async_cap::validate_async_cap;
use ebb_core::routing::reservation::pass_on;
use ebb_core::{BrandId, Conversation, ConversationState, Entry, ExpertId, ExpertStatus, Instant};
use ebb_store::sessions::Holder;
use ebb_store::{Tx, conversations, experts, sessions};

use super::{route, save, with_retry};
use crate::bus::Hint;
use crate::{ApiError, AppState};

/// What to change on an expert; `None` leaves a field as it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpertUpdate {
    /// New capacity (already validated by core).
    pub capacity: Option<u32>,
    /// New async cap (`Some(None)` lifts it); checked against the resulting capacity.
    pub async_cap: Option<Option<u32>>,
    /// Disable (ends their sessions, sets them offline, passes their conversations on) or
    /// re-enable.
    pub disabled: Option<bool>,
    /// New availability.
    pub status: Option<ExpertStatus>,
}

/// Applies `change` to `expert` of `brand` through the desk, then fills free slots.
pub async fn update_expert(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
    change: ExpertUpdate,
) -> Result<(), ApiError> {
    with_retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        experts::loads_locked(&mut tx, brand).await?;
        let Some(current) = experts::by_id(&mut tx, brand, expert).await? else {
            return Err(ApiError::NotFound("expert"));
        };
        let capacity = change.capacity.unwrap_or(current.capacity);
        let async_cap = change.async_cap.unwrap_or(current.async_cap);
        validate_async_cap(async_cap, capacity)?;
        if let Some(capacity) = change.capacity {
            experts::set_capacity(&mut tx, brand, expert, capacity).await?;
        }
        if let Some(cap) = change.async_cap {
            experts::set_async_cap(&mut tx, brand, expert, cap).await?;
        }
        if let Some(status) = change.status {
            experts::set_status(&mut tx, brand, expert, status, now).await?;
        }
        let mut passed = Vec::new();
        match change.disabled {
            Some(true) => {
                experts::set_disabled(&mut tx, brand, expert, Some(now)).await?;
                sessions::delete_for_expert(&mut tx, brand, expert).await?;
                experts::set_status(&mut tx, brand, expert, ExpertStatus::Offline, now).await?;
                passed = pass_on_all(&mut tx, brand, expert, now).await?;
            }
            Some(false) => {
                experts::set_disabled(&mut tx, brand, expert, None).await?;
            }
            None => {}
        }
        let routed = route(&mut tx, brand, now, &state.presence).await?;
        tx.commit().await?;
        for conv in passed
            .iter()
            .filter(|c| !routed.iter().any(|(r, _)| r.id == c.id))
        {
            state.bus.publish(Hint::of(conv, Some(expert)));
        }
        for (conv, entries) in &routed {
            let from = passed.iter().any(|p| p.id == conv.id).then_some(expert);
            state.bus.publish(super::routed_hint(conv, entries, from));
        }
        Ok(())
    })
    .await
}

/// Sets an expert's own status; becoming available may fill their free slots at once.
pub async fn set_status(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
    status: ExpertStatus,
) -> Result<(), ApiError> {
    let change = ExpertUpdate {
        status: Some(status),
        ..ExpertUpdate::default()
    };
    update_expert(state, brand, expert, change).await
}

/// Ends the session behind `token_hash`; when it was the expert's last one, sets them
/// offline, so the queue goes to colleagues who are still logged in (an expert logged in
/// elsewhere stays as they are).
pub async fn log_out(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
    token_hash: &[u8],
) -> Result<(), ApiError> {
    let mut tx = state.store.begin().await?;
    sessions::close(&mut tx, brand, Holder::Expert(expert), token_hash).await?;
    tx.commit().await?;
    offline_without_sessions(state, brand, expert).await
}

/// Sets `expert` offline when none of their sessions is left (after sessions ended).
pub async fn offline_without_sessions(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    let now = state.clock.now();
    let live = sessions::live_count(&mut conn, brand, Holder::Expert(expert), now).await?;
    drop(conn);
    if live == 0 {
        set_status(state, brand, expert, ExpertStatus::Offline).await?;
    }
    Ok(())
}

/// Passes on to the team every conversation `expert` holds or that waits for them; their
/// snoozed ones pass on when they wake (a disabled expert's reservation lapses at once).
async fn pass_on_all(
    tx: &mut Tx,
    brand: BrandId,
    expert: ExpertId,
    now: Instant,
) -> Result<Vec<Conversation>, ApiError> {
    let mut passed = Vec::new();
    for conv in conversations::for_expert(tx, brand, expert).await? {
        let held = matches!(conv.state, ConversationState::Assigned { .. });
        let reserved = matches!(conv.state, ConversationState::Queued { .. });
        if !held && !reserved {
            continue;
        }
        let Some(conv) = conversations::get_locked(tx, brand, conv.id).await? else {
            continue;
        };
        let (next, entries): (Conversation, Vec<Entry>) = pass_on(&conv, now)?;
        save(tx, &conv, &next, &entries, held.then_some(now), now).await?;
        passed.push(next);
    }
    Ok(passed)
}
