//! Satisfaction surveys: one rating (1 to 5, optional comment) per closed conversation,
//! and the averages per expert and for the brand.

use ebb_core::{BrandId, ConversationId, ExpertId, Instant, VisitorId};
use serde::Serialize;
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

/// Ratings of one expert, or of the whole brand.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// The expert (`None`: the whole brand).
    pub expert_id: Option<ExpertId>,
    /// How many ratings.
    pub count: i64,
    /// Their average, 1 to 5.
    pub average: f64,
}

/// Per-expert summaries then the brand's, for ratings given in `[from, to)`.
pub async fn summary(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<Summary>> {
    let rows: Vec<(Option<Uuid>, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT expert_id, rating FROM csat WHERE brand_id = $1 AND created_at >= $2 \
         AND created_at < $3"
    )
    .bind(brand.0)
    .bind(to_micros(from))
    .bind(to_micros(to))
    .fetch_all(c)
    .await)?;
    let mut per: std::collections::BTreeMap<Option<Uuid>, (i64, i64)> = Default::default();
    for (expert, rating) in &rows {
        for key in [*expert, None] {
            let slot = per.entry(key).or_default();
            slot.0 += 1;
            slot.1 += rating;
        }
    }
    let mut out: Vec<Summary> = per
        .into_iter()
        .filter(|(k, _)| k.is_some())
        .map(|(k, (n, sum))| Summary {
            expert_id: k.map(ExpertId),
            count: n,
            average: sum as f64 / n as f64,
        })
        .collect();
    let total = rows.len() as i64;
    let sum: i64 = rows.iter().map(|(_, r)| r).sum();
    out.push(Summary {
        expert_id: None,
        count: total,
        average: if total == 0 {
            0.0
        } else {
            sum as f64 / total as f64
        },
    });
    Ok(out)
}
