//! Satisfaction surveys: one rating (1 to 5, optional comment) per closed conversation,
//! and the rating rows the averages are computed from (in `ebb_core::reports`).

use ebb_core::{BrandId, ConversationId, ExpertId, Instant, VisitorId};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result, rows};

/// Inserts a rating; a second one for the same conversation is a `Conflict`.
#[expect(clippy::too_many_arguments, reason = "one column each, all required")]
pub async fn insert(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    visitor: VisitorId,
    expert: Option<ExpertId>,
    rating: u8,
    comment: Option<&str>,
    now: Instant,
) -> Result<()> {
    let sql = "INSERT INTO csat (brand_id, conversation_id, visitor_id, expert_id, rating, \
               comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let params = [
        brand.0.into(),
        conversation.0.into(),
        visitor.0.into(),
        expert.map(|e| e.0).into(),
        i64::from(rating).into(),
        comment.into(),
        to_micros(now).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// The `(rated expert, rating)` rows of the ratings given in `[from, to)`, for
/// [`ebb_core::reports::csat_summaries`].
pub async fn ratings(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<(Option<ExpertId>, i64)>> {
    let sql = "SELECT expert_id, rating FROM csat WHERE brand_id = $1 AND created_at >= $2 \
               AND created_at < $3";
    let rows: Vec<(Option<Uuid>, i64)> =
        rows::plain(h, sql, &rows::in_period(brand, from, to)).await?;
    Ok(rows
        .into_iter()
        .map(|(e, r)| (e.map(ExpertId), r))
        .collect())
}
