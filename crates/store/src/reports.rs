//! The rows a brand's report over a period is computed from: the timeline events of the
//! conversations opened in `[from, to)`. The figures themselves are defined in
//! [`ebb_core::reports`]; money and satisfaction rows are in [`commerce`].

pub mod commerce;

use ebb_core::reports::ReportEvent;
use ebb_core::{BrandId, ConversationId, Event, Instant};
use uuid::Uuid;

use crate::timefmt::from_micros;
use crate::{Handle, Result, rows};

#[derive(sqlx::FromRow)]
struct EventRow {
    conversation_id: Uuid,
    data: String,
    created_at: i64,
}

/// The events of the brand's conversations opened in `[from, to)`, per conversation in
/// timeline order.
pub async fn events(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<ReportEvent>> {
    period_events(h, brand, (from, to), EVENTS).await
}

/// Only the message events of [`events`] (enough for first responses).
pub async fn messages(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<ReportEvent>> {
    period_events(h, brand, (from, to), MESSAGES).await
}

/// The query of the events of a period's conversations, with an extra condition.
macro_rules! period_sql {
    ($extra:literal) => {
        concat!(
            "SELECT e.conversation_id, e.data, e.created_at FROM events e ",
            "JOIN conversations c ON c.id = e.conversation_id AND c.brand_id = e.brand_id ",
            "WHERE e.brand_id = $1 AND c.created_at >= $2 AND c.created_at < $3 ",
            $extra,
            "ORDER BY e.conversation_id, e.seq"
        )
    };
}

const EVENTS: &str = period_sql!("");
const MESSAGES: &str = period_sql!("AND e.kind = 'message' ");

async fn period_events(
    h: &mut impl Handle,
    brand: BrandId,
    (from, to): (Instant, Instant),
    sql: &'static str,
) -> Result<Vec<ReportEvent>> {
    let rows: Vec<EventRow> = rows::plain(h, sql, &rows::in_period(brand, from, to)).await?;
    rows.into_iter()
        .map(|row| {
            Ok(ReportEvent {
                conversation: ConversationId(row.conversation_id),
                at: from_micros(row.created_at)?,
                event: serde_json::from_str::<Event>(&row.data)?,
            })
        })
        .collect()
}

/// How many conversations opened in `[from, to)` carry each of the brand's tags.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    /// The tag.
    pub tag_id: Uuid,
    /// Its name.
    pub name: String,
    /// Conversations opened in the period that carry it now.
    pub conversations: i64,
}

/// Every tag of `brand` (by name) with the number of conversations opened in `[from, to)`
/// that carry it (0 included).
pub async fn tag_counts(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<TagCount>> {
    let sql = "SELECT t.id AS tag_id, t.name, COUNT(c.id) AS conversations FROM tags t \
               LEFT JOIN conversation_tags ct ON ct.brand_id = t.brand_id AND ct.tag_id = t.id \
               LEFT JOIN conversations c ON c.brand_id = ct.brand_id \
               AND c.id = ct.conversation_id AND c.created_at >= $2 AND c.created_at < $3 \
               WHERE t.brand_id = $1 GROUP BY t.id, t.name ORDER BY t.name, t.id";
    rows::plain(h, sql, &rows::in_period(brand, from, to)).await
}
