//! The visitor's earlier conversations, so that a follow-up after a close keeps the
//! history visible above it: each closed conversation of this visitor (this brand only)
//! with what the visitor saw of it, messages and the close, never notes or snooze details.

use axum::Json;
use axum::extract::State;
use ebb_core::{ConversationId, Entry, Event, Instant, Status};
use ebb_store::{conversations, events};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::MAX_PAGE;
use crate::auth::VisitorAuth;
use crate::{ApiError, AppState};

/// How many earlier conversations the widget shows.
pub const MAX_EARLIER: u32 = 10;

/// `/history` (merged under `/api/v1/widget/{brand}`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history))
}

/// One earlier conversation as the visitor saw it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Earlier {
    /// The conversation.
    pub id: ConversationId,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Instant,
    /// Its messages and its close, in seq order.
    pub entries: Vec<Entry>,
}

/// The visitor's earlier conversations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct History {
    /// Closed conversations, oldest first (the latest ten).
    pub conversations: Vec<Earlier>,
}

/// Whether the widget shows this entry in an earlier conversation.
fn shown(entry: &Entry) -> bool {
    matches!(entry.event, Event::Message { .. } | Event::Closed { .. })
}

/// The visitor's closed conversations with their messages, oldest first.
#[utoipa::path(get, path = "/history", tag = "visitor",
    responses((status = 200, description = "Oldest first", body = History)))]
async fn history(
    State(state): State<AppState>,
    auth: VisitorAuth,
) -> Result<Json<History>, ApiError> {
    let brand = auth.brand.id;
    let mut conn = state.store.conn().await?;
    let recent =
        conversations::page_for_visitor(&mut conn, brand, auth.visitor, None, MAX_EARLIER + 1)
            .await?;
    let mut out = Vec::new();
    for c in recent
        .into_iter()
        .filter(|c| c.state.status() == Status::Closed)
    {
        let entries = events::after(&mut conn, brand, c.id, 0, MAX_PAGE).await?;
        out.push(Earlier {
            id: c.id,
            started_at: c.created_at,
            entries: entries
                .into_iter()
                .filter(shown)
                .map(Entry::for_visitor)
                .collect(),
        });
    }
    out.truncate(MAX_EARLIER as usize);
    out.reverse();
    Ok(Json(History { conversations: out }))
}
