//! The expert's lifecycle actions: snooze (3 hours, 1 day or a chosen instant), close with
//! an optional goodbye, the brand's saved replies, and the playbook's suggested next step.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use ebb_core::playbook::{self, Suggestion};
use ebb_core::{Actor, Conversation, ConversationId, MessageBody, SnoozeChoice};
use ebb_store::saved_replies::{self, SavedReply};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ConversationWithEntries};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState, desk};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/expert`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(snooze))
        .routes(routes!(close))
        .routes(routes!(list_saved_replies))
        .routes(routes!(suggestions))
}

/// A snooze request: `{"choice": {"kind": "three_hours" | "one_day"}}` or
/// `{"choice": {"kind": "until", "until": "2026-11-30T09:00:00Z"}}`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnoozeRequest {
    /// `{"kind": "three_hours"}`, `{"kind": "one_day"}` or
    /// `{"kind": "until", "until": "<RFC 3339>"}`.
    #[schema(example = json!({"kind": "one_day"}))]
    choice: SnoozeChoice,
}

/// Snooze an assigned conversation (3 hours, 1 day or until a chosen instant).
#[utoipa::path(post, path = "/conversations/{id}/snooze", tag = "expert", request_body = SnoozeRequest,
    responses((status = 200, description = "The snoozed conversation and its new entries", body = ConversationWithEntries)))]
async fn snooze(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<SnoozeRequest>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let out = desk::snooze(&state, expert.brand_id, id, expert.id, req.choice).await?;
    Ok(Json(ConversationWithEntries {
        conversation: out.conversation,
        entries: out.entries,
    }))
}

/// A close request, with the goodbye to post first (e.g. the survey invitation).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseRequest {
    /// A last message to post before closing (e.g. the survey invitation).
    goodbye: Option<String>,
}

/// Close a conversation, with an optional goodbye.
#[utoipa::path(post, path = "/conversations/{id}/close", tag = "expert", request_body = CloseRequest,
    responses((status = 200, description = "The closed conversation and its new entries", body = ConversationWithEntries)))]
async fn close(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<CloseRequest>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let goodbye = req.goodbye.as_deref().map(MessageBody::parse).transpose()?;
    let by = Actor::Expert(expert.id);
    let out = desk::close(&state, expert.brand_id, id, by, goodbye).await?;
    Ok(Json(ConversationWithEntries {
        conversation: out.conversation,
        entries: out.entries,
    }))
}

/// The brand's saved replies.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ExpertSavedReplies)]
struct SavedReplies {
    /// In the brand's order.
    saved_replies: Vec<SavedReply>,
}

/// The brand's saved replies.
#[utoipa::path(get, path = "/saved-replies", tag = "expert",
    responses((status = 200, description = "The saved replies", body = SavedReplies)))]
async fn list_saved_replies(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<SavedReplies>, ApiError> {
    let mut conn = state.store.conn().await?;
    let saved_replies = saved_replies::list(&mut conn, expert.brand_id).await?;
    Ok(Json(SavedReplies { saved_replies }))
}

/// The suggested next step for each conversation the expert holds, keyed by id.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    /// Conversation id to suggestion.
    pub suggestions: HashMap<ConversationId, Suggestion>,
}

/// The playbook's next step for each conversation the expert holds.
#[utoipa::path(get, path = "/suggestions", tag = "expert",
    responses((status = 200, description = "Suggestions by conversation id", body = Suggestions)))]
async fn suggestions(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<Suggestions>, ApiError> {
    let mut conn = state.store.conn().await?;
    let mine = ebb_store::conversations::for_expert(&mut conn, expert.brand_id, expert.id).await?;
    drop(conn);
    Ok(Json(Suggestions {
        suggestions: suggest_all(&state, &mine, |c| {
            state.presence.is_online(c.brand_id, c.visitor_id)
        }),
    }))
}

/// The playbook's suggestion for each assigned conversation in `convs`, given whether
/// each one's visitor is online.
pub fn suggest_all(
    state: &AppState,
    convs: &[Conversation],
    online: impl Fn(&Conversation) -> bool,
) -> HashMap<ConversationId, Suggestion> {
    let now = state.clock.now();
    convs
        .iter()
        .filter_map(|c| playbook::suggest(c, online(c), now).map(|s| (c.id, s)))
        .collect()
}
