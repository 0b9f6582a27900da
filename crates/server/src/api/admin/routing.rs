//! The admin's hand on routing: reassign a conversation to another expert, send it back to
//! the brand queue, close it; and edit the brand's saved replies.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use ebb_core::{Actor, ConversationId, ExpertId, MessageBody};
use ebb_store::saved_replies::{self, SavedReply};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ConversationWithEntries};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState, desk};

/// The most saved replies a brand keeps.
pub const MAX_SAVED_REPLIES: usize = 50;

/// Routes added under `/api/v1/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/reassign", post(reassign))
        .route("/conversations/{id}/unassign", post(unassign))
        .route("/conversations/{id}/close", post(close))
        .route("/saved-replies", get(list_saved).put(replace_saved))
}

fn outcome(out: desk::Outcome) -> Json<ConversationWithEntries> {
    Json(ConversationWithEntries {
        conversation: out.conversation,
        entries: out.entries,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reassign {
    #[schema(value_type = String, example = "01a212ea-fcea-7469-9184-c1ccff16b05e")]
    expert_id: ExpertId,
}

async fn reassign(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<Reassign>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let by = Actor::Admin(admin.id);
    let out = desk::admin_move(&state, admin.brand_id, id, by, Some(req.expert_id)).await?;
    Ok(outcome(out))
}

async fn unassign(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let by = Actor::Admin(admin.id);
    Ok(outcome(
        desk::admin_move(&state, admin.brand_id, id, by, None).await?,
    ))
}

async fn close(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let by = Actor::Admin(admin.id);
    Ok(outcome(
        desk::close(&state, admin.brand_id, id, by, None).await?,
    ))
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedReplies {
    saved_replies: Vec<SavedReply>,
}

async fn list_saved(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<SavedReplies>, ApiError> {
    let mut conn = state.store.conn().await?;
    let saved_replies = saved_replies::list(&mut conn, admin.brand_id).await?;
    Ok(Json(SavedReplies { saved_replies }))
}

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
