//! Tags on a conversation: an expert who owns it (and any admin of the brand, see
//! `admin::tags`) puts the brand's tags on it and takes them off. The brand's admins define
//! the tags; the expert's conversation list shows them and filters by one (`?tag=`).

use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::note::{self, NoteAuthor};
use ebb_core::{BrandId, ConversationId};
use ebb_store::{conversations, tags};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::super::ApiPath;
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState};

/// Tagging routes (merged under `/api/v1/expert`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(put_tag, delete_tag))
}

/// Puts (`on`) or takes off the tag `tag` of `brand` on conversation `id`, if `who` may
/// touch the conversation (the notes' rule: its owner, or an admin). A conversation or tag
/// the brand does not have is a 404.
pub(crate) async fn tag(
    state: &AppState,
    brand: BrandId,
    (id, tag): (ConversationId, Uuid),
    who: NoteAuthor,
    on: bool,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.begin().await?;
    let conversation = conversations::get(&mut tx, brand, id)
        .await?
        .filter(|c| note::may_access(c, who))
        .ok_or(ApiError::NotFound("conversation"))?;
    tags::get(&mut tx, brand, tag)
        .await?
        .ok_or(ApiError::NotFound("tag"))?;
    if on {
        tags::set(&mut tx, brand, conversation.id, tag).await?;
    } else {
        tags::unset(&mut tx, brand, conversation.id, tag).await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put one of the brand's tags on an owned conversation (again: no change).
#[utoipa::path(put, path = "/conversations/{id}/tags/{tag_id}", tag = "expert",
    responses((status = 204, description = "Tagged")))]
async fn put_tag(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(ids): ApiPath<(ConversationId, Uuid)>,
) -> Result<StatusCode, ApiError> {
    tag(
        &state,
        expert.brand_id,
        ids,
        NoteAuthor::Expert(expert.id),
        true,
    )
    .await
}

/// Take a tag off an owned conversation (absent: no change).
#[utoipa::path(delete, path = "/conversations/{id}/tags/{tag_id}", tag = "expert",
    responses((status = 204, description = "Untagged")))]
async fn delete_tag(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(ids): ApiPath<(ConversationId, Uuid)>,
) -> Result<StatusCode, ApiError> {
    tag(
        &state,
        expert.brand_id,
        ids,
        NoteAuthor::Expert(expert.id),
        false,
    )
    .await
}
