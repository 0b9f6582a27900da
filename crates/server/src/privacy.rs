//! Personal data: erasing one visitor on an admin's request, and the retention sweep (a
//! [`Job`] in the shared worker loop) that erases the text of conversations closed longer
//! ago than their brand keeps. What is erased is `ebb_core::privacy`'s rule; each
//! conversation is rewritten in one transaction.

use ebb_core::privacy::{erase_event, erase_text, retention_cutoff};
use ebb_core::{BrandId, ConversationId, Event, Instant, VisitorId};
use ebb_store::{Conn, StoreError, Tx, privacy, visitors};
use serde::Serialize;
use time::Duration;

use crate::worker::{Job, Wakeup};
use crate::{ApiError, AppState};

/// What erasing a visitor changed.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct Erasure {
    /// The pseudonym now standing for the visitor in conversations and purchases.
    pub pseudonym: VisitorId,
    /// Their conversations, whose text was erased.
    pub conversations: u64,
    /// Timeline entries rewritten (messages by anyone, and the start).
    pub entries: u64,
    /// CSAT comments removed (ratings stay).
    pub csat_comments: u64,
}

/// The payload stored in place of a webhook delivery that carried erased text.
fn erased_payload() -> serde_json::Value {
    serde_json::json!({"erased": true})
}

/// Erases `visitor` of `brand` (see `ebb_core::privacy`): 404 when the brand has no such
/// visitor (also for one already erased: their id is gone).
pub async fn erase_visitor(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Erasure, ApiError> {
    let now = state.clock.now();
    let pseudonym: VisitorId = ebb_store::ids::new_id();
    let mut tx = state.store.begin().await?;
    if !visitors::exists(&mut tx, brand, visitor).await? {
        return Err(ApiError::NotFound("visitor"));
    }
    let conversations = privacy::visitor_conversations(&mut tx, brand, visitor).await?;
    let mut erasure = Erasure {
        pseudonym,
        conversations: conversations.len() as u64,
        entries: 0,
        csat_comments: 0,
    };
    for conversation in conversations {
        let (entries, comments) =
            erase_conversation(&mut tx, brand, conversation, |e| erase_event(e, pseudonym)).await?;
        erasure.entries += entries;
        erasure.csat_comments += comments;
    }
    ebb_store::mail::forget_visitor(&mut tx, brand, visitor).await?;
    let unusable = crate::auth::hash_token(&crate::auth::new_token());
    privacy::pseudonymise_visitor(&mut tx, brand, visitor, pseudonym, &unusable, now).await?;
    tx.commit().await?;
    tracing::info!(brand.id = %brand.0, entries = erasure.entries, "visitor erased");
    Ok(erasure)
}

/// Rewrites the conversation's events with `erase` and drops its CSAT comment, internal
/// notes and webhook payloads: how many entries and comments changed.
async fn erase_conversation(
    tx: &mut Tx,
    brand: BrandId,
    conversation: ConversationId,
    erase: impl Fn(Event) -> Event,
) -> Result<(u64, u64), StoreError> {
    let mut entries = 0;
    for (pos, event) in privacy::personal_events(tx, brand, conversation).await? {
        let erased = erase(event.clone());
        if erased != event {
            privacy::rewrite_event(tx, brand, pos, &erased).await?;
            entries += 1;
        }
    }
    let comments = privacy::erase_csat_comment(tx, brand, conversation).await?;
    ebb_store::notes::delete_for(tx, brand, conversation).await?;
    privacy::erase_webhook_payloads(tx, brand, conversation, &erased_payload()).await?;
    Ok((entries, comments))
}

/// How many conversations one sweep claims at once.
const BATCH: u32 = 100;

/// The retention sweep: erases the text of conversations whose brand's retention period
/// (`retention_days`) has passed since they closed. Idempotent: a conversation is marked
/// purged in the transaction that erased it, and erasing twice changes nothing.
pub struct RetentionSweep;

/// A conversation past its brand's retention.
pub struct Expired {
    brand: BrandId,
    conversation: ConversationId,
}

impl Job for RetentionSweep {
    type Item = Expired;
    const KIND: &'static str = "retention";
    const LEASE: Duration = Duration::seconds(30);
    const BATCH: u32 = BATCH;
    const CONCURRENCY: usize = 1;

    async fn claim(&self, tx: &mut Tx, now: Instant) -> Result<Vec<Expired>, StoreError> {
        let mut due = Vec::new();
        for (brand, days) in privacy::brands_with_retention(tx).await? {
            let Some(cutoff) = retention_cutoff(days, now) else {
                continue;
            };
            let left = BATCH.saturating_sub(u32::try_from(due.len()).unwrap_or(BATCH));
            for (conversation, _) in privacy::past_retention(tx, brand, cutoff, left).await? {
                due.push(Expired {
                    brand,
                    conversation,
                });
            }
        }
        Ok(due)
    }

    async fn next_due(&self, conn: &mut Conn, now: Instant) -> Result<Option<Instant>, StoreError> {
        let mut next = None::<Instant>;
        for (brand, days) in privacy::brands_with_retention(conn).await? {
            let Some(cutoff) = retention_cutoff(days, now) else {
                continue;
            };
            if let Some(closed) = privacy::next_closed_after(conn, brand, cutoff).await? {
                let due = closed + Duration::days(days);
                next = Some(next.map_or(due, |n| n.min(due)));
            }
        }
        Ok(next)
    }

    async fn handle(&self, state: &AppState, item: Expired) -> Result<(), ApiError> {
        let mut tx = state.store.begin().await?;
        if privacy::mark_purged(&mut tx, item.brand, item.conversation, state.clock.now()).await? {
            erase_conversation(&mut tx, item.brand, item.conversation, erase_text).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A failed sweep is claimed again on the next pass.
    fn backoff(&self, _attempts: i64, _jitter: f64) -> Option<Duration> {
        Some(Duration::minutes(1))
    }

    fn wakeup(&self, state: &AppState) -> Wakeup {
        Wakeup::Notify(state.sweep_wakeup.clone())
    }
}
