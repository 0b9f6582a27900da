//! Stale-work guardrails as stored: the brand's two thresholds, and its open conversations
//! with when their current snooze began (core's `stale::staleness` decides which are stale).

use ebb_core::stale::StaleThresholds;
use ebb_core::{BrandId, Conversation, Instant};

use crate::conversations::{COLUMNS, ConversationRow};
use crate::timefmt::from_micros_opt;
use crate::{Handle, Result, StoreError};

/// The brand's stale thresholds (`NotFound`-free: `None` for an unknown brand).
pub async fn thresholds(h: &mut impl Handle, brand: BrandId) -> Result<Option<StaleThresholds>> {
    let row: Option<(i64, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT stale_waiting_minutes, stale_snoozed_minutes FROM brands WHERE id = $1"
    )
    .bind(brand.0)
    .fetch_optional(c)
    .await)?;
    Ok(
        row.map(|(waiting_minutes, snoozed_minutes)| StaleThresholds {
            waiting_minutes,
            snoozed_minutes,
        }),
    )
}

/// Stores the brand's stale thresholds (already validated by core).
pub async fn set_thresholds(
    h: &mut impl Handle,
    brand: BrandId,
    t: StaleThresholds,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "UPDATE brands SET stale_waiting_minutes = $2, stale_snoozed_minutes = $3 \
             WHERE id = $1"
        )
        .bind(brand.0)
        .bind(t.waiting_minutes)
        .bind(t.snoozed_minutes)
    )
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    snoozed_at: Option<i64>,
}

/// Every open (not closed) conversation of `brand`, with when it was last snoozed (the
/// latest `snoozed` event; only meaningful while it is snoozed), oldest first.
pub async fn open_with_snoozed_at(
    h: &mut impl Handle,
    brand: BrandId,
) -> Result<Vec<(Conversation, Option<Instant>)>> {
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT MAX(e.created_at) FROM events e \
         WHERE e.conversation_id = c.id AND e.kind = 'snoozed') AS snoozed_at \
         FROM conversations c WHERE c.brand_id = $1 AND c.status <> 'closed' \
         ORDER BY c.created_at, c.id"
    );
    let rows = run!(h, |c| sqlx::query_as::<_, OpenRow>(&sql)
        .bind(brand.0)
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(|r| {
            let at = from_micros_opt(r.snoozed_at)?;
            let conv: Conversation = r.conversation.try_into()?;
            Ok::<_, StoreError>((conv, at))
        })
        .collect()
}
