//! The admin's hand on routing: reassign a conversation to another expert, send it back to
//! the brand queue, close it; and edit the brand's saved replies.

use axum::Json;
use axum::extract::State;
use ebb_core::{Actor, ConversationId, ExpertId, MessageBody};
use ebb_store::admins::Admin;
use ebb_store::saved_replies::{self, SavedReply};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ConversationWithEntries};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState, desk};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most saved replies a brand keeps.
pub const MAX_SAVED_REPLIES: usize = 50;

/// Routes added under `/api/v1/admin`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reassign))
        .routes(routes!(unassign))
        .routes(routes!(close))
        .routes(routes!(list_saved, replace_saved))
}

/// Who takes the conversation over.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reassign {
    /// The expert (of the brand).
    expert_id: ExpertId,
}

/// Reassign a conversation to another expert.
#[utoipa::path(post, path = "/conversations/{id}/reassign", tag = "admin", request_body = Reassign,
    responses((status = 200, description = "The conversation and its new entries", body = ConversationWithEntries)))]
async fn reassign(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<Reassign>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    move_to(&state, &admin, id, Some(req.expert_id)).await
}

/// Send a conversation back to the brand queue.
#[utoipa::path(post, path = "/conversations/{id}/unassign", tag = "admin",
    responses((status = 200, description = "The conversation and its new entries", body = ConversationWithEntries)))]
async fn unassign(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    move_to(&state, &admin, id, None).await
}

/// Moves a conversation, as `admin`, to `expert` or (none) back to the brand queue.
async fn move_to(
    state: &AppState,
    admin: &Admin,
    id: ConversationId,
    expert: Option<ExpertId>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let by = Actor::Admin(admin.id);
    let out = desk::admin_move(state, admin.brand_id, id, by, expert).await?;
    Ok(Json(out.into()))
}

/// Close any conversation of the brand.
#[utoipa::path(post, path = "/conversations/{id}/close", tag = "admin",
    responses((status = 200, description = "The closed conversation and its new entries", body = ConversationWithEntries)))]
async fn close(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let out = desk::close(&state, admin.brand_id, id, Actor::Admin(admin.id), None).await?;
    Ok(Json(out.into()))
}

/// The brand's saved replies.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SavedReplies {
    /// In the brand's order.
    saved_replies: Vec<SavedReply>,
}

/// The brand's saved replies.
#[utoipa::path(get, path = "/saved-replies", tag = "admin",
    responses((status = 200, description = "The saved replies", body = SavedReplies)))]
async fn list_saved(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<SavedReplies>, ApiError> {
    let mut conn = state.store.conn().await?;
    let saved_replies = saved_replies::list(&mut conn, admin.brand_id).await?;
    Ok(Json(SavedReplies { saved_replies }))
}

/// Replace the brand's saved replies (at most 50).
#[utoipa::path(put, path = "/saved-replies", tag = "admin", request_body = SavedReplies,
    responses((status = 200, description = "The saved replies as stored", body = SavedReplies)))]
async fn replace_saved(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(req): ApiJson<SavedReplies>,
) -> Result<Json<SavedReplies>, ApiError> {
    if req.saved_replies.len() > MAX_SAVED_REPLIES {
        return Err(ApiError::Invalid(format!(
            "at most {MAX_SAVED_REPLIES} saved replies"
        )));
    }
    let mut keys = std::collections::HashSet::new();
    for reply in &req.saved_replies {
        MessageBody::parse(&reply.body)?;
        let key_ok = (1..=40).contains(&reply.key.len())
            && reply
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok || reply.title.trim().is_empty() || reply.title.len() > 80 {
            return Err(ApiError::Invalid(
                "each saved reply needs a key (1-40 of a-z, 0-9, _) and a title (1-80)".into(),
            ));
        }
        if !keys.insert(reply.key.as_str()) {
            return Err(ApiError::Invalid(format!("duplicate key {}", reply.key)));
        }
    }
    let mut tx = state.store.begin().await?;
    saved_replies::replace(&mut tx, admin.brand_id, &req.saved_replies).await?;
    tx.commit().await?;
    Ok(Json(req))
}
