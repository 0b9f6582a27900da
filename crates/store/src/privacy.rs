//! The rows personal data lives in, for erasing one visitor and for the retention sweep:
//! the store fetches and writes; what is erased is `ebb_core::privacy`'s rule.

use ebb_core::privacy::PERSONAL_KINDS;
use ebb_core::{BrandId, ConversationId, Event, Instant, VisitorId};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result, rows};

/// The conversations of `visitor` in `brand`.
pub async fn visitor_conversations(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<ConversationId>> {
    let sql = "SELECT id FROM conversations WHERE brand_id = $1 AND visitor_id = $2";
    let ids: Vec<Uuid> = rows::column(h, sql, &[brand.0.into(), visitor.0.into()]).await?;
    Ok(ids.into_iter().map(ConversationId).collect())
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
    let params = [brand.0.into(), conversation.0.into()];
    let rows: Vec<(i64, String)> = rows::plain(h, &sql, &params).await?;
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
    let sql = "UPDATE events SET data = $3 WHERE brand_id = $1 AND pos = $2";
    rows::execute_one(h, sql, &[brand.0.into(), pos.into(), data.as_str().into()]).await
}

/// Removes the CSAT comment of a conversation (the rating stays); how many were removed.
pub async fn erase_csat_comment(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<u64> {
    let sql = "UPDATE csat SET comment = NULL WHERE brand_id = $1 AND conversation_id = $2 \
               AND comment IS NOT NULL";
    rows::execute(h, sql, &[brand.0.into(), conversation.0.into()]).await
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
    let erased = serde_json::to_string(erased)?;
    let sql = "UPDATE webhook_deliveries SET payload = $3 WHERE brand_id = $1 AND payload LIKE $2";
    let params = [
        brand.0.into(),
        pattern.as_str().into(),
        erased.as_str().into(),
    ];
    rows::execute(h, sql, &params).await
}

/// Records that the retention sweep removed the conversation's text at `now`.
pub async fn mark_purged(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    now: Instant,
) -> Result<bool> {
    let sql = "UPDATE conversations SET purged_at = $3 WHERE brand_id = $1 AND id = $2 \
               AND purged_at IS NULL";
    let params = [brand.0.into(), conversation.0.into(), to_micros(now).into()];
    rows::execute_one(h, sql, &params).await
}

/// Brands with a retention period, and its length in days.
pub async fn brands_with_retention(h: &mut impl Handle) -> Result<Vec<(BrandId, i64)>> {
    let sql = "SELECT id, retention_days FROM brands WHERE retention_days > 0 ORDER BY id";
    let rows: Vec<(Uuid, i64)> = rows::plain(h, sql, &[]).await?;
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
    let sql = "SELECT id, closed_at FROM conversations WHERE brand_id = $1 AND purged_at IS NULL \
               AND status = 'closed' AND closed_at <= $2 ORDER BY closed_at LIMIT $3";
    let params = [
        brand.0.into(),
        to_micros(cutoff).into(),
        i64::from(limit).into(),
    ];
    let rows: Vec<(Uuid, i64)> = rows::plain(h, sql, &params).await?;
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
    let sql = "SELECT MIN(closed_at) FROM conversations WHERE brand_id = $1 \
               AND purged_at IS NULL AND status = 'closed' AND closed_at > $2";
    let params = [brand.0.into(), to_micros(after).into()];
    let min: Vec<Option<i64>> = rows::column(h, sql, &params).await?;
    crate::timefmt::from_micros_opt(min.into_iter().next().flatten())
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
    let sql = "INSERT INTO visitors (id, brand_id, token_hash, created_at, erased_at) \
               SELECT $3, brand_id, $4, created_at, $5 FROM visitors \
               WHERE brand_id = $1 AND id = $2";
    let params = [
        brand.0.into(),
        visitor.0.into(),
        pseudonym.0.into(),
        unusable_token_hash.into(),
        to_micros(now).into(),
    ];
    rows::execute(h, sql, &params).await?;
    crate::visitors::move_rows(h, brand, visitor, pseudonym).await?;
    crate::visitor_context::delete(h, brand, visitor).await?;
    let sql = "DELETE FROM visitor_tokens WHERE brand_id = $1 AND visitor_id = $2";
    rows::execute(h, sql, &params[..2]).await?;
    let sql = "DELETE FROM visitors WHERE brand_id = $1 AND id = $2";
    rows::execute_one(h, sql, &params[..2]).await
}
