//! The expert's API, used by the panel: log in and out, set status, list and read the
//! conversations assigned to them, reply. An expert only sees their own brand's
//! conversations that they own.

pub mod earnings;
pub mod lifecycle;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use ebb_core::slots::Slots;
use ebb_core::{Author, Conversation, ConversationId, Expert, ExpertId, ExpertStatus};
use ebb_store::conversations;
use serde::{Deserialize, Serialize};

use super::widget::{ConversationView, MarkRead, Page, SendMessage, Typing};
use super::{ApiJson, ApiPath, ApiQuery, ConversationWithEntries, created};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState, desk, receipts};
use ebb_store::reads::{ReadMarkers, Side};

/// Routes under `/api/v1/expert`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/status", put(set_status))
        .route("/logout", post(logout))
        .route("/conversations", get(list))
        .route("/conversations/{id}", get(read))
        .route("/conversations/{id}/messages", post(send))
        .route("/conversations/{id}/read", post(mark_read))
        .route("/conversations/{id}/typing", post(typing))
        .merge(lifecycle::router())
        .merge(earnings::router())
}

/// Login request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExpertLogin)]
pub struct Login {
    /// The brand's slug.
    pub brand: String,
    /// The expert's e-mail.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// A new session.
#[derive(Serialize)]
pub struct Session {
    /// Bearer token for the expert API.
    pub token: String,
    /// Who logged in.
    pub expert: Expert,
}

/// `POST /api/v1/auth/login`: a session token for valid credentials.
pub async fn login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<Login>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let (token, expert) =
        crate::auth::log_in(&state, &login.brand, &login.email, login.password).await?;
    Ok((StatusCode::CREATED, Json(Session { token, expert })))
}

#[derive(Serialize)]
struct Me {
    expert: Expert,
    slots: Slots,
    queue: usize,
}

async fn me(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<Me>, ApiError> {
    let (slots, queue, _) = overview(&state, &expert).await?;
    Ok(Json(Me {
        expert,
        slots,
        queue,
    }))
}

async fn overview(
    state: &AppState,
    expert: &Expert,
) -> Result<(Slots, usize, Vec<Conversation>), ApiError> {
    let mut conn = state.store.conn().await?;
    let mine = conversations::for_expert(&mut conn, expert.brand_id, expert.id).await?;
    let held = mine
        .iter()
        .filter(|c| c.state.slot_holder() == Some(expert.id))
        .count();
    let slots = Slots {
        held: u32::try_from(held).unwrap_or(u32::MAX),
        capacity: expert.capacity,
    };
    let queue = desk::queue_size(&mut conn, expert.brand_id).await?;
    Ok((slots, queue, mine))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusChange {
    #[schema(value_type = String, example = "available")]
    status: ExpertStatus,
}

async fn set_status(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<StatusCode, ApiError> {
    desk::set_status(&state, expert.brand_id, expert.id, change.status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/expert/logout`: ends this session and sets the expert offline, so new
/// conversations go to colleagues who are still logged in.
async fn logout(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = crate::auth::bearer_header(&headers).ok_or(ApiError::Unauthorized)?;
    desk::log_out(&state, expert.brand_id, expert.id, &crate::auth::hash_token(token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct Panel {
    conversations: Vec<ListedConversation>,
    slots: Slots,
    queue: usize,
}

/// A conversation in a list, with its visitor's presence.
#[derive(Serialize, Debug)]
pub struct ListedConversation {
    /// The conversation.
    #[serde(flatten)]
    pub conversation: Conversation,
    /// Is its visitor online (a widget connection open, or within the grace period)?
    pub visitor_online: bool,
    /// The expert whose slot it holds, as core decides (`null` when it holds none).
    pub slot_holder: Option<ExpertId>,
}

impl ListedConversation {
    /// `conversations` with the presence of their visitors.
    pub fn with_presence(state: &AppState, conversations: Vec<Conversation>) -> Vec<Self> {
        conversations
            .into_iter()
            .map(|conversation| Self {
                slot_holder: conversation.state.slot_holder(),
                visitor_online: state
                    .presence
                    .is_online(conversation.brand_id, conversation.visitor_id),
                conversation,
            })
            .collect()
    }
}

async fn list(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<Panel>, ApiError> {
    let (slots, queue, conversations) = overview(&state, &expert).await?;
    Ok(Json(Panel {
        conversations: ListedConversation::with_presence(&state, conversations),
        slots,
        queue,
    }))
}

async fn read(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let view = ConversationView::load(&state, expert.brand_id, id, &page, |c| {
        c.state.owner() == Some(expert.id)
    })
    .await?;
    Ok(Json(view))
}

async fn mark_read(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(read): ApiJson<MarkRead>,
) -> Result<Json<ReadMarkers>, ApiError> {
    let owns = |c: &Conversation| c.state.owner() == Some(expert.id);
    let markers =
        receipts::mark_read(&state, expert.brand_id, id, Side::Expert, read.seq, owns).await?;
    Ok(Json(markers))
}

async fn typing(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(typing): ApiJson<Typing>,
) -> Result<StatusCode, ApiError> {
    let owns = |c: &Conversation| c.state.owner() == Some(expert.id);
    receipts::typing(
        &state,
        expert.brand_id,
        id,
        Side::Expert,
        typing.typing,
        owns,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn send(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(msg): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<ConversationWithEntries>), ApiError> {
    let (body, client_msg_id) = msg.parse()?;
    let author = Author::Expert(expert.id);
    let out = desk::post_message(&state, expert.brand_id, id, author, body, client_msg_id).await?;
    Ok(created(
        out.replayed,
        ConversationWithEntries {
            conversation: out.conversation,
            entries: out.entries,
        },
    ))
}
