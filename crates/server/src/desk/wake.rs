//! Wake-ups from a snooze, exactly once across nodes: the timer's expiry jobs (a brand's
//! claimed batch in one transaction with one routing pass), and the visitor's return for a
//! snooze until they are back. Each claims the snooze's job row in its transaction
//! (experts, then conversation, then job), so whichever comes first wakes it and the
//! other finds nothing left to do.

use ebb_core::{BrandId, Command, Conversation, ConversationId, DomainError, Entry, VisitorId};
use ebb_store::jobs::{Job, SNOOZE_EXPIRY};
use ebb_store::{Tx, conversations, experts, jobs};

use super::{Outcome, finish, publish_all, route, save, with_retry};
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

/// Handles a brand's batch of claimed snooze-expiry jobs in one transaction with one
/// routing pass: each conversation wakes for its expert as in [`expire_snooze`] (one that
/// already woke or was snoozed again is left alone) and each job is deleted. When the batch
/// fails it is handled job by job, so one bad row does not hold the others back. Returns
/// how many conversations woke.
pub async fn expire_snoozes(
    state: &AppState,
    brand: BrandId,
    batch: &[Job],
) -> Result<usize, ApiError> {
    let run = with_retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        experts::loads_locked(&mut tx, brand).await?;
        let mut woken = Vec::new();
        for job in batch {
            woken.extend(wake_leased(&mut tx, brand, job, now).await?);
        }
        let routed = route(&mut tx, brand, now, &state.presence).await?;
        tx.commit().await?;
        publish_all(state, &woken, &routed);
        Ok(woken.len())
    })
    .await;
    match run {
        Ok(n) => Ok(n),
        Err(err) if batch.len() > 1 => {
            tracing::warn!(error = %err, jobs = batch.len(), "wake batch failed; waking one by one");
            let mut n = 0;
            for job in batch {
                n += usize::from(expire_snooze(state, job).await?.is_some());
            }
            Ok(n)
        }
        Err(err) => Err(err),
    }
}

/// Completes the leased `job` in `tx` and wakes its conversation, if it still sleeps.
async fn wake_leased(
    tx: &mut Tx,
    brand: BrandId,
    job: &Job,
    now: ebb_core::Instant,
) -> Result<Option<(Conversation, Vec<Entry>)>, ApiError> {
    let conv = conversations::get_locked(tx, brand, job.conversation).await?;
    jobs::complete(tx, job).await?;
    let Some(conv) = conv else {
        return Ok(None);
    };
    let (next, entries) = match conv.decide(Command::ExpireSnooze, now) {
        Ok(decided) => decided,
        Err(DomainError::InvalidTransition { .. } | DomainError::ConversationClosed(_)) => {
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    save(tx, &conv, &next, &entries, Some(now), now).await?;
    Ok(Some((next, entries)))
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
