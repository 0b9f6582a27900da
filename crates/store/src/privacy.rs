//! The rows personal data lives in, for erasing one visitor and for the retention sweep:
//! the store fetches and writes; what is erased is `ebb_core::privacy`'s rule.

use ebb_core::privacy::PERSONAL_KINDS;
use ebb_core::{BrandId, ConversationId, Event, Instant, VisitorId};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result};

/// The conversations of `visitor` in `brand`.
pub async fn visitor_conversations(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<ConversationId>> {
    let ids: Vec<(Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT id FROM conversations WHERE brand_id = $1 AND visitor_id = $2"
    )
    .bind(brand.0)
    .bind(visitor.0)
    .fetch_all(c)
    .await)?;
    Ok(ids.into_iter().map(|(id,)| ConversationId(id)).collect())
}

/// The timeline events of a conversation that may hold personal data (of core's
/// [`PERSONAL_KINDS`]), by their row position.
pub async fn personal_events(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<Vec<(i64, Event)>> {
    let kinds = PERSONAL_KINDS.map(|k| format!("'{k}'")).join(", ");
    let sql = format!(
        "SELECT pos, data FROM events WHERE brand_id = $1 AND conversation_id = $2 \
         AND kind IN ({kinds}) ORDER BY pos"
    );
    let rows: Vec<(i64, String)> = run!(h, |c| sqlx::query_as(&sql)
        .bind(brand.0)
        .bind(conversation.0)
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(|(pos, data)| Ok((pos, serde_json::from_str::<Event>(&data)?)))
        .collect()
}

/// Replaces the stored event at `pos` of `brand`.
pub async fn rewrite_event(
    h: &mut impl Handle,
    brand: BrandId,
    pos: i64,
    event: &Event,
) -> Result<bool> {
    let data = serde_json::to_string(event)?;
    exec_one!(
        h,
        sqlx::query("UPDATE events SET data = $3 WHERE brand_id = $1 AND pos = $2")
            .bind(brand.0)
            .bind(pos)
            .bind(data)
    )
}

/// Removes the CSAT comment of a conversation (the rating stays); how many were removed.
pub async fn erase_csat_comment(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<u64> {
    exec!(
        h,
        sqlx::query(
            "UPDATE csat SET comment = NULL WHERE brand_id = $1 AND conversation_id = $2 \
             AND comment IS NOT NULL"
        )
        .bind(brand.0)
        .bind(conversation.0)
    )
}

/// Replaces the payload of every webhook delivery of `brand` that mentions the
/// conversation with `erased`, so no stored or retried delivery carries its text.
pub async fn erase_webhook_payloads(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    erased: &serde_json::Value,
) -> Result<u64> {
    let pattern = format!("%{}%", conversation.0);
    exec!(
        h,
        sqlx::query(
            "UPDATE webhook_deliveries SET payload = $3 WHERE brand_id = $1 AND payload LIKE $2"
        )
        .bind(brand.0)
        .bind(pattern)
        .bind(serde_json::to_string(erased)?)
    )
}

/// Records that the retention sweep removed the conversation's text at `now`.
pub async fn mark_purged(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    now: Instant,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "UPDATE conversations SET purged_at = $3 WHERE brand_id = $1 AND id = $2 \
             AND purged_at IS NULL"
        )
        .bind(brand.0)
        .bind(conversation.0)
        .bind(to_micros(now))
    )
}

/// Brands with a retention period, and its length in days.
pub async fn brands_with_retention(h: &mut impl Handle) -> Result<Vec<(BrandId, i64)>> {
    let rows: Vec<(Uuid, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT id, retention_days FROM brands WHERE retention_days > 0 ORDER BY id"
    )
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(|(id, d)| (BrandId(id), d)).collect())
}

/// Up to `limit` closed conversations of `brand` not yet purged and closed at or before
/// `cutoff`, with when they closed.
pub async fn past_retention(
    h: &mut impl Handle,
    brand: BrandId,
    cutoff: Instant,
    limit: u32,
) -> Result<Vec<(ConversationId, Instant)>> {
    let rows: Vec<(Uuid, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT id, closed_at FROM conversations WHERE brand_id = $1 AND purged_at IS NULL \
         AND status = 'closed' AND closed_at <= $2 ORDER BY closed_at LIMIT $3"
    )
    .bind(brand.0)
    .bind(to_micros(cutoff))
    .bind(i64::from(limit))
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|(id, at)| Ok((ConversationId(id), crate::timefmt::from_micros(at)?)))
        .collect()
}

/// When the next not yet purged conversation of `brand` closed, among those closed after
/// `after` (the sweep's next due time is that plus the retention period).
pub async fn next_closed_after(
    h: &mut impl Handle,
    brand: BrandId,
    after: Instant,
) -> Result<Option<Instant>> {
    let row: Option<(Option<i64>,)> = run!(h, |c| sqlx::query_as(
        "SELECT MIN(closed_at) FROM conversations WHERE brand_id = $1 AND purged_at IS NULL \
         AND status = 'closed' AND closed_at > $2"
    )
    .bind(brand.0)
    .bind(to_micros(after))
    .fetch_optional(c)
    .await)?;
    crate::timefmt::from_micros_opt(row.and_then(|(at,)| at))
}

/// Gives every row of `visitor` to `pseudonym` (a fresh visitor row with a token nobody
/// holds, marked erased at `now`) and deletes the visitor: their browser's token stops
/// working (every browser's, when signed) and their id and customer id are gone from the
/// database, with their page context. Purchases, CSAT ratings and conversations keep
/// everything else.
pub async fn pseudonymise_visitor(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    pseudonym: VisitorId,
    unusable_token_hash: &[u8],
    now: Instant,
) -> Result<bool> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO visitors (id, brand_id, token_hash, created_at, erased_at) \
             SELECT $3, brand_id, $4, created_at, $5 FROM visitors WHERE brand_id = $1 AND id = $2"
        )
        .bind(brand.0)
        .bind(visitor.0)
        .bind(pseudonym.0)
        .bind(unusable_token_hash)
        .bind(to_micros(now))
    )?;
    crate::visitors::move_rows(h, brand, visitor, pseudonym).await?;
    crate::visitor_context::delete(h, brand, visitor).await?;
    exec!(
        h,
        sqlx::query("DELETE FROM visitor_tokens WHERE brand_id = $1 AND visitor_id = $2")
            .bind(brand.0)
            .bind(visitor.0)
    )?;
    exec_one!(
        h,
        sqlx::query("DELETE FROM visitors WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(visitor.0)
    )
}
