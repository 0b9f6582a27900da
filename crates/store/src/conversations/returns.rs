//! A visitor's snoozes until their return: found through the partial index of migration
//! 0016 when the visitor's widget connects, so the node that sees them back wakes them.

use ebb_core::{BrandId, ConversationId, VisitorId};
use uuid::Uuid;

use crate::{Handle, Result};

/// The conversations of `visitor` snoozed until they are back, oldest first.
pub async fn return_snoozes(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<ConversationId>> {
    let rows: Vec<(Uuid,)> = run!(h, |c| {
        sqlx::query_as(
            "SELECT id FROM conversations WHERE brand_id = $1 AND visitor_id = $2 \
             AND wake_on_return = 1 AND status = 'snoozed' ORDER BY created_at, id",
        )
        .bind(brand.0)
        .bind(visitor.0)
        .fetch_all(c)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| ConversationId(id)).collect())
}
