//! Who the open conversations' visitors are, so the server can tell real-time from async
//! ones by presence before routing (see core's `routing::async_cap`).

use ebb_core::{BrandId, ConversationId, ExpertId, VisitorId};
use uuid::Uuid;

use crate::{Handle, Result};

/// A queued or assigned conversation and its visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    /// The conversation.
    pub id: ConversationId,
    /// Its visitor (online: real-time; not online: async).
    pub visitor: VisitorId,
    /// The expert holding its slot (assigned), `None` while it is queued.
    pub holder: Option<ExpertId>,
}

/// Every queued or assigned conversation of `brand` with its visitor and slot holder.
pub async fn pacing(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Pacing>> {
    let rows: Vec<(Uuid, Uuid, Option<Uuid>, String)> = run!(h, |c| sqlx::query_as(
        "SELECT id, visitor_id, expert_id, status FROM conversations \
         WHERE brand_id = $1 AND status IN ('queued', 'assigned')"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, visitor, expert, status)| Pacing {
            id: ConversationId(id),
            visitor: VisitorId(visitor),
            holder: (status == "assigned")
                .then_some(expert.map(ExpertId))
                .flatten(),
        })
        .collect())
}
