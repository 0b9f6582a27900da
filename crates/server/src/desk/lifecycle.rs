//! Lifecycle operations that move slots: snooze (with its durable expiry job), close (with
//! an optional goodbye) and an admin's move. Wake-ups from a snooze are in `wake`.

use ebb_core::{
    Actor, Author, BrandId, Command, Conversation, ConversationId, Entry, ExpertId, MessageBody,
    SnoozeChoice,
};
use ebb_store::jobs::SNOOZE_EXPIRY;
use ebb_store::{Tx, conversations, experts, jobs};

use super::{Outcome, brand_of, finish, route, save, with_retry};
use crate::{ApiError, AppState};

/// Snoozes a conversation the expert holds: frees their slot at once and schedules the
/// durable expiry job in the same transaction.
pub async fn snooze(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    expert: ExpertId,
    choice: SnoozeChoice,
) -> Result<Outcome, ApiError> {
    with_retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let settings = brand_of(&mut tx, brand).await?.settings;
        let conv = locked_for(&mut tx, brand, id, Some(expert)).await?;
        let command = Command::Snooze {
            expert,
            choice,
            max: settings.max_snooze(),
            budget: settings.budget(),
        };
        let (next, entries) = conv.decide(command, now)?;
        save(&mut tx, &conv, &next, &entries, None, now).await?;
        if let ebb_core::ConversationState::Snoozed { until, .. } = next.state {
            jobs::schedule(&mut tx, brand, SNOOZE_EXPIRY, id, until, now).await?;
        }
        let routed = route(&mut tx, brand, now, &state.presence).await?;
        let out = finish(state, tx, next, entries, routed, None).await?;
        state.scheduler_wakeup.notify_one();
        Ok(out)
    })
    .await
}

/// Closes a conversation (the owning expert, or an admin), after posting the expert's
/// goodbye when one is given. Both land in one transaction.
pub async fn close(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    by: Actor,
    goodbye: Option<MessageBody>,
) -> Result<Outcome, ApiError> {
    let owner = match by {
        Actor::Expert(e) => Some(e),
        _ => None,
    };
    with_retry(|| {
        let goodbye = goodbye.clone();
        async move {
            let now = state.clock.now();
            let mut tx = state.store.begin().await?;
            let window = brand_of(&mut tx, brand).await?.settings.purchase_window();
            let conv = locked_for(&mut tx, brand, id, owner).await?;
            let previous_owner = conv.state.owner();
            let mut entries: Vec<Entry> = Vec::new();
            let mut next = conv.clone();
            if let (Some(body), Actor::Expert(expert)) = (goodbye, by) {
                let post = Command::Post {
                    author: Author::Expert(expert),
                    body,
                    client_msg_id: None,
                };
                let (after, more) = next.decide(post, now)?;
                next = after;
                entries.extend(more);
            }
            let (closed, more) = next.decide(Command::Close { by }, now)?;
            entries.extend(more);
            save(&mut tx, &conv, &closed, &entries, None, now).await?;
            super::earnings::pay_for_close(&mut tx, &conv, &closed, window, now).await?;
            jobs::cancel(&mut tx, brand, SNOOZE_EXPIRY, id).await?;
            let routed = route(&mut tx, brand, now, &state.presence).await?;
            finish(state, tx, closed, entries, routed, previous_owner).await
        }
    })
    .await
}

/// Locks the brand's experts, then the conversation; `owner` must own it when given.
async fn locked_for(
    tx: &mut Tx,
    brand: BrandId,
    id: ConversationId,
    owner: Option<ExpertId>,
) -> Result<Conversation, ApiError> {
    experts::loads_locked(tx, brand).await?;
    conversations::get_locked(tx, brand, id)
        .await?
        .filter(|c| owner.is_none_or(|e| c.state.owner() == Some(e)))
        .ok_or(ApiError::NotFound("conversation"))
}

/// An admin moves a conversation by hand: to expert `to` (who needs a free slot, and room
/// under their async cap when its visitor is not online), or back to the brand queue when
/// `to` is `None`. A pending snooze expiry is dropped.
pub async fn admin_move(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    by: Actor,
    to: Option<ExpertId>,
) -> Result<Outcome, ApiError> {
    with_retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let conv = locked_for(&mut tx, brand, id, None).await?;
        let previous_owner = conv.state.owner();
        let command = match to {
            Some(to) => {
                let loads = experts::loads_locked(&mut tx, brand).await?;
                let load = loads
                    .iter()
                    .find(|l| l.id == to)
                    .ok_or(ApiError::NotFound("expert"))?;
                super::pace::check_hand_move(&mut tx, &state.presence, &loads, &conv, to).await?;
                Command::Reassign {
                    by,
                    to,
                    slots: load.slots,
                }
            }
            None => Command::Unassign { by },
        };
        let (next, entries) = conv.decide(command, now)?;
        let requeued = to.is_none().then_some(now);
        save(&mut tx, &conv, &next, &entries, requeued, now).await?;
        jobs::cancel(&mut tx, brand, SNOOZE_EXPIRY, id).await?;
        let routed = route(&mut tx, brand, now, &state.presence).await?;
        finish(state, tx, next, entries, routed, previous_owner).await
    })
    .await
}
