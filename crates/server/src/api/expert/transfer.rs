//! The expert hands a conversation they hold to a colleague of the brand, or back to the
//! brand queue, with an optional note for the colleague (never shown to the visitor).

use axum::Json;
use axum::extract::State;
use ebb_core::ExpertId;
use ebb_core::conversation::TransferNote;
use serde::Deserialize;

use crate::api::{ApiJson, ApiPath, ConversationWithEntries};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState, desk};
use ebb_core::ConversationId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/expert`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(transfer))
}

/// Who takes the conversation over.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferRequest {
    /// The colleague (an available expert of the brand with a free slot); omitted or
    /// null: back to the brand queue.
    #[serde(default)]
    expert_id: Option<ExpertId>,
    /// A note for the colleague, at most 280 characters; the visitor never sees it.
    #[serde(default)]
    note: Option<String>,
}

/// Transfer a conversation you hold to a colleague or back to the brand queue.
#[utoipa::path(post, path = "/conversations/{id}/transfer", tag = "expert", request_body = TransferRequest,
    responses((status = 200, description = "The conversation and its new entries", body = ConversationWithEntries)))]
async fn transfer(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let note = req.note.as_deref().map(TransferNote::parse).transpose()?;
    let to = req.expert_id;
    let out = desk::transfer(&state, expert.brand_id, id, expert.id, to, note).await?;
    Ok(Json(out.into()))
}
