//! Wake-ups from a snooze, exactly once across nodes: the timer's expiry job, and the
//! visitor's return for a snooze until they are back. Both take the same path, in one
//! transaction that claims the snooze's job row (experts, then conversation, then job), so
//! whichever comes first wakes it and the other finds nothing left to do.

use ebb_core::{BrandId, Command, ConversationId, DomainError, VisitorId};
use ebb_store::jobs::{Job, SNOOZE_EXPIRY};
use ebb_store::{conversations, experts, jobs};

use super::{Outcome, finish, route, save, with_retry};
use crate::{ApiError, AppState};

/// How a wake-up claims the snooze's job row.
#[derive(Clone, Copy)]
enum Claim<'a> {
    /// The timer leased this job: it is completed whatever the conversation's state.
    Leased(&'a Job),
    /// The visitor is back: the row is taken only from a snooze until their return, and
    /// only the transaction that removes it wakes the conversation.
    Return,
}

/// Handles a claimed snooze-expiry job: wakes the conversation for its expert (their next
/// free slot) unless it already woke or was snoozed again; then deletes the job. Running it
/// twice changes nothing the second time.
pub async fn expire_snooze(state: &AppState, job: &Job) -> Result<Option<Outcome>, ApiError> {
    let command = Command::ExpireSnooze;
    wake_once(
        state,
        job.brand,
        job.conversation,
        command,
        Claim::Leased(job),
    )
    .await
}

/// The visitor's widget connected on this node: wakes each of their conversations snoozed
/// until they are back (read from the database, so a lost presence hint loses nothing).
/// Returns how many woke here; a conversation another node woke first is not counted.
pub async fn visitor_back(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<usize, ApiError> {
    let ids = {
        let mut conn = state.store.conn().await?;
        conversations::return_snoozes(&mut conn, brand, visitor).await?
    };
    let mut woken = 0;
    for id in ids {
        let command = Command::VisitorReturned { visitor };
        if wake_once(state, brand, id, command, Claim::Return)
            .await?
            .is_some()
        {
            woken += 1;
            metrics::counter!("ebb_return_wakes_total").increment(1);
        }
    }
    Ok(woken)
}

/// Wakes conversation `id` with `command` if `claim` wins its job row.
async fn wake_once(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    command: Command,
    claim: Claim<'_>,
) -> Result<Option<Outcome>, ApiError> {
    with_retry(|| {
        let command = command.clone();
        async move {
            let now = state.clock.now();
            let mut tx = state.store.begin().await?;
            experts::loads_locked(&mut tx, brand).await?;
            let conv = conversations::get_locked(&mut tx, brand, id).await?;
            let claimed = match claim {
                Claim::Leased(job) => {
                    jobs::complete(&mut tx, job).await?;
                    true
                }
                Claim::Return if conv.as_ref().is_some_and(|c| c.state.waits_for_return()) => {
                    jobs::take(&mut tx, brand, SNOOZE_EXPIRY, id).await?
                }
                Claim::Return => false,
            };
            let Some(conv) = conv.filter(|_| claimed) else {
                tx.commit().await?;
                return Ok(None);
            };
            let (next, entries) = match conv.decide(command, now) {
                Ok(decided) => decided,
                Err(DomainError::InvalidTransition { .. } | DomainError::ConversationClosed(_)) => {
                    tx.commit().await?;
                    return Ok(None);
                }
                Err(other) => return Err(other.into()),
            };
            save(&mut tx, &conv, &next, &entries, Some(now), now).await?;
            let routed = route(&mut tx, brand, now, &state.presence).await?;
            finish(state, tx, next, entries, routed, None)
                .await
                .map(Some)
        }
    })
    .await
}
