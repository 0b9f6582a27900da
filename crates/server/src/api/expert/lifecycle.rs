//! The expert's lifecycle actions: snooze (3 hours, 1 day, a chosen instant, or until the
//! visitor is back), close with an optional goodbye, the brand's saved replies, and the
//! playbook's suggested next step.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use ebb_core::playbook::{self, Step, Suggestion};
use ebb_core::{Actor, BudgetState, ConversationId, MessageBody, SnoozeChoice};
use ebb_store::saved_replies::{self, SavedReply};
use serde::{Deserialize, Serialize};

use crate::api::{ApiJson, ApiPath, ConversationWithEntries};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState, desk, suggestions};
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

/// A snooze request: `{"choice": {"kind": "three_hours" | "one_day"}}`,
/// `{"choice": {"kind": "until", "until": "2026-11-30T09:00:00Z"}}` or, until the visitor
/// is back, `{"choice": {"kind": "until_return", "at_most": "2026-11-30T09:00:00Z"}}`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnoozeRequest {
    /// `{"kind": "three_hours"}`, `{"kind": "one_day"}` or
    /// `{"kind": "until", "until": "<RFC 3339>"}` or
    /// `{"kind": "until_return", "at_most": "<RFC 3339>"}`.
    #[schema(example = json!({"kind": "one_day"}))]
    choice: SnoozeChoice,
}

/// Snooze an assigned conversation (3 hours, 1 day, until a chosen instant, or until the
/// visitor is back with an at-most instant).
#[utoipa::path(post, path = "/conversations/{id}/snooze", tag = "expert", request_body = SnoozeRequest,
    responses((status = 200, description = "The snoozed conversation and its new entries", body = ConversationWithEntries)))]
async fn snooze(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<SnoozeRequest>,
) -> Result<Json<ConversationWithEntries>, ApiError> {
    let out = desk::snooze(&state, expert.brand_id, id, expert.id, req.choice).await?;
    Ok(Json(out.into()))
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
    Ok(Json(out.into()))
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
    pub suggestions: HashMap<ConversationId, SuggestionView>,
}

/// A playbook suggestion with everything a panel shows, so it never decides itself.
#[derive(Serialize, Debug, PartialEq, Eq, utoipa::ToSchema)]
pub struct SuggestionView {
    /// What to do.
    pub step: Step,
    /// Key of the saved reply that goes with it.
    pub saved_reply: Option<&'static str>,
    /// That saved reply as the brand wrote it (the playbook's default when the brand has
    /// none under that key).
    pub reply: Option<SavedReply>,
    /// The snooze to pick.
    pub snooze: Option<SnoozeChoice>,
    /// Silent returns in a row so far, the brand's budget, whether it is enforced, and
    /// whether a snooze is allowed now.
    pub budget: BudgetState,
}

impl SuggestionView {
    /// `suggestion` with its saved reply looked up in the brand's `replies`.
    pub fn new(suggestion: Suggestion, replies: &[SavedReply]) -> Self {
        let reply = suggestion.saved_reply.and_then(|key| {
            let brands = replies.iter().find(|r| r.key == key).cloned();
            brands.or_else(|| {
                playbook::default_saved_reply(key).map(|(key, title, body)| SavedReply {
                    key: key.to_owned(),
                    title: title.to_owned(),
                    body: body.to_owned(),
                })
            })
        });
        Self {
            step: suggestion.step,
            saved_reply: suggestion.saved_reply,
            reply,
            snooze: suggestion.snooze,
            budget: suggestion.budget,
        }
    }
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
    let presence = &state.presence;
    let online = |c: &ebb_core::Conversation| presence.is_online(c.brand_id, c.visitor_id);
    let suggestions = suggestions::of(&state, &mut conn, expert.brand_id, &mine, online).await?;
    Ok(Json(Suggestions { suggestions }))
}

#[cfg(test)]
mod tests {
    use ebb_core::playbook::GOODBYE_SURVEY;
    use ebb_core::{BudgetMode, SnoozeBudget};

    use super::*;

    fn goodbye() -> Suggestion {
        let budget = SnoozeBudget {
            budget: 2,
            mode: BudgetMode::Refuse,
        };
        Suggestion {
            step: Step::CloseWithGoodbye,
            saved_reply: Some(GOODBYE_SURVEY),
            snooze: None,
            budget: budget.state(2),
        }
    }

    #[test]
    fn the_brands_own_text_goes_with_the_suggestion() {
        let own = SavedReply {
            key: GOODBYE_SURVEY.to_owned(),
            title: "Bye".to_owned(),
            body: "Bye for now! How did we do?".to_owned(),
        };
        let view = SuggestionView::new(goodbye(), std::slice::from_ref(&own));
        assert_eq!(view.reply, Some(own));
        assert!(!view.budget.snooze_allowed);
    }

    #[test]
    fn a_key_the_brand_removed_falls_back_to_the_playbook_default() {
        let other = SavedReply {
            key: "shipping".to_owned(),
            title: "Shipping".to_owned(),
            body: "We ship everywhere.".to_owned(),
        };
        let view = SuggestionView::new(goodbye(), &[other]);
        let reply = view.reply.expect("default");
        assert_eq!(
            (reply.key.as_str(), reply.title.as_str()),
            (GOODBYE_SURVEY, "Goodbye + survey")
        );
    }
}
