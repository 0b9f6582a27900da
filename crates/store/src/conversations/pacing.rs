//! Who the assigned conversations' visitors are, so the server can tell real-time from
//! async ones by presence before routing (see core's `routing::async_cap`). Bounded by the
//! brand's slots: queued conversations carry their visitor in the queue window instead.

use ebb_core::{BrandId, ConversationId, ExpertId, VisitorId};
use uuid::Uuid;

use crate::{Handle, Result};

/// An assigned conversation, its visitor and the expert holding its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    /// The conversation.
    pub id: ConversationId,
    /// Its visitor (online: real-time; not online: async).
    pub visitor: VisitorId,
    /// The expert holding its slot.
    pub holder: ExpertId,
}

/// Every assigned conversation of `brand` with its visitor and slot holder.
pub async fn pacing(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Pacing>> {
    let rows: Vec<(Uuid, Uuid, Uuid)> = run!(h, |c| sqlx::query_as(
        "SELECT id, visitor_id, expert_id FROM conversations \
         WHERE brand_id = $1 AND status = 'assigned' AND expert_id IS NOT NULL"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, visitor, expert)| Pacing {
            id: ConversationId(id),
            visitor: VisitorId(visitor),
            holder: ExpertId(expert),
        })
        .collect())
}
