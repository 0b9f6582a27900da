//! The expert's API, used by the panel: log in and out, set status, list and read the
//! conversations assigned to them, reply. An expert only sees their own brand's
//! conversations that they own.

pub mod colleagues;
pub mod context;
pub mod earnings;
pub mod lifecycle;
pub mod listing;
pub mod notes;
pub mod tags;
pub mod transfer;

pub use listing::ListedConversation;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::slots::Slots;
use ebb_core::{Author, Conversation, ConversationId, Expert, ExpertId, ExpertStatus};
use ebb_store::conversations;
use serde::{Deserialize, Serialize};

use super::page::{Order, PageQuery};
use super::widget::{ConversationView, MarkRead, Page, SendMessage, Typing};
use super::{ApiJson, ApiPath, ApiQuery, ConversationWithEntries};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState, desk, receipts};
use ebb_store::page::Cursor;
use ebb_store::reads::{ReadMarkers, Side};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/expert`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(set_status))
        .routes(routes!(logout))
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(send))
        .routes(routes!(mark_read))
        .routes(routes!(typing))
        .merge(lifecycle::router())
        .merge(earnings::router())
        .merge(transfer::router())
        .merge(notes::router())
        .merge(tags::router())
        .merge(context::router())
        .merge(colleagues::router())
        .merge(super::transcript::expert_router())
        .merge(super::profile::expert_router())
}

super::login::login_endpoint! {
    /// Login request.
    #[schema(as = ExpertLogin)]
    request Login { email: " The expert's e-mail." }
    /// A new session.
    #[schema(as = ExpertSession)]
    session Session {
        token: " Bearer token for the expert API.", expert: Expert
    }
    /// Expert login: a session token for valid credentials.
    #[utoipa::path(post, path = "/api/v1/auth/login", tag = "public", request_body = Login,
        responses((status = 201, description = "A new session", body = Session)))]
    handler login
}

/// The expert's overview.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ExpertOverview)]
struct Me {
    /// Who is logged in.
    expert: Expert,
    /// Slots held and capacity.
    slots: Slots,
    /// Conversations waiting in the brand queue.
    queue: usize,
    /// The brand's longest custom snooze, in days (the snooze date picker's limit).
    max_snooze_days: i64,
}

/// The expert, their slots, the queue size and the brand's snooze limit.
#[utoipa::path(get, path = "/me", tag = "expert",
    responses((status = 200, description = "The overview", body = Me)))]
async fn me(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<Me>, ApiError> {
    let (slots, queue, _) = overview(&state, &expert).await?;
    let mut conn = state.store.conn().await?;
    let brand = ebb_store::brands::by_id(&mut conn, expert.brand_id)
        .await?
        .ok_or(ApiError::NotFound("brand"))?;
    Ok(Json(Me {
        expert,
        slots,
        queue,
        max_snooze_days: brand.settings.max_snooze_days,
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

/// A new availability.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusChange {
    /// `available`, `away` or `offline`.
    status: ExpertStatus,
}

/// Set availability.
#[utoipa::path(put, path = "/status", tag = "expert", request_body = StatusChange,
    responses((status = 204, description = "Changed (conversations may be routed)")))]
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
#[utoipa::path(post, path = "/logout", tag = "expert",
    responses((status = 204, description = "Logged out and offline")))]
async fn logout(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = crate::auth::bearer_header(&headers).ok_or(ApiError::Unauthorized)?;
    desk::log_out(
        &state,
        expert.brand_id,
        expert.id,
        &crate::auth::hash_token(token),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The panel's list.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ExpertConversationList)]
struct Panel {
    /// The expert's conversations, oldest first.
    conversations: Vec<ListedConversation>,
    /// Slots held and capacity.
    slots: Slots,
    /// Conversations waiting in the brand queue.
    queue: usize,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// `?cursor=&limit=&tag=&history=` of the expert's list.
#[derive(Deserialize, Default, Debug, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PanelQuery {
    /// The previous page's `next_cursor` (absent: the first page).
    pub cursor: Option<String>,
    /// Rows per page: default 50, at most 200.
    pub limit: Option<u32>,
    /// Only the conversations carrying this tag of the brand (its id; another brand's is a
    /// 404).
    pub tag: Option<uuid::Uuid>,
    /// `true`: instead, every conversation the expert handled (assigned, transferred to
    /// them, written in or closed by them), closed ones included, newest first; read them
    /// with `GET /conversations/{id}`. Not combined with `tag`.
    pub history: Option<bool>,
}

/// The conversations the expert owns (assigned or snoozed), with slots and queue size; with
/// `history=true` those they ever handled, closed included.
#[utoipa::path(get, path = "/conversations", tag = "expert", params(PanelQuery),
    responses((status = 200, description = "The list", body = Panel)))]
async fn list(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiQuery(query): ApiQuery<PanelQuery>,
) -> Result<Json<Panel>, ApiError> {
    let (slots, queue, mut mine) = overview(&state, &expert).await?;
    if query.history == Some(true) {
        return history(&state, &expert, query, slots, queue)
            .await
            .map(Json);
    }
    if let Some(tag) = query.tag {
        let mut conn = state.store.conn().await?;
        ebb_store::tags::get(&mut conn, expert.brand_id, tag)
            .await?
            .ok_or(ApiError::NotFound("tag"))?;
        let tagged = ebb_store::tags::tagged_with(&mut conn, expert.brand_id, tag).await?;
        mine.retain(|c| tagged.contains(&c.id));
    }
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    };
    let (conversations, next_cursor) = page.slice(mine, Order::Ascending, |c| {
        Cursor::new(c.created_at, c.id.0)
    })?;
    let owner = ebb_store::listing::Among::Owner(expert.id);
    Ok(Json(Panel {
        conversations: ListedConversation::with_presence(&state, owner, conversations).await?,
        slots,
        queue,
        next_cursor,
    }))
}

/// A page of the conversations `expert` handled, newest first.
async fn history(
    state: &AppState,
    expert: &Expert,
    query: PanelQuery,
    slots: Slots,
    queue: usize,
) -> Result<Panel, ApiError> {
    if query.tag.is_some() {
        return Err(ApiError::BadRequest(
            "history and tag do not combine".into(),
        ));
    }
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    };
    let mut conn = state.store.conn().await?;
    let (brand, id) = (expert.brand_id, expert.id);
    let rows = conversations::page_handled_by(&mut conn, brand, id, page.cursor()?, page.fetch());
    let (rows, next_cursor) = page.cut(rows.await?, |c| Cursor::new(c.created_at, c.id.0));
    drop(conn);
    // The handled conversations of a page lie within the brand's of the same span; the
    // previews and tags are picked by conversation id.
    let among = ebb_store::listing::Among::Brand;
    Ok(Panel {
        conversations: ListedConversation::with_presence(state, among, rows).await?,
        slots,
        queue,
        next_cursor,
    })
}

/// What an expert may see and touch: the conversations they own.
fn owned_by(expert: ExpertId) -> impl Fn(&Conversation) -> bool {
    move |c| c.state.owner() == Some(expert)
}

/// Read a conversation the expert owns or once handled (history, search results) and a page
/// of its timeline; only an owned one can be answered.
#[utoipa::path(get, path = "/conversations/{id}", tag = "expert", params(Page),
    responses((status = 200, description = "The conversation", body = ConversationView)))]
async fn read(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let mut conn = state.store.conn().await?;
    let handled = ebb_store::search::handled_by(&mut conn, expert.brand_id, expert.id, id).await?;
    drop(conn);
    let owns = owned_by(expert.id);
    let can_see = move |c: &Conversation| handled || owns(c);
    let view = ConversationView::load(&state, expert.brand_id, id, &page, can_see).await?;
    Ok(Json(view))
}

/// Mark the timeline read up to a seq.
#[utoipa::path(post, path = "/conversations/{id}/read", tag = "expert", request_body = MarkRead,
    responses((status = 200, description = "Both read markers", body = ReadMarkers)))]
async fn mark_read(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(read): ApiJson<MarkRead>,
) -> Result<Json<ReadMarkers>, ApiError> {
    let owns = owned_by(expert.id);
    let markers =
        receipts::mark_read(&state, expert.brand_id, id, Side::Expert, read.seq, owns).await?;
    Ok(Json(markers))
}

/// Tell the visitor the expert is typing (or stopped).
#[utoipa::path(post, path = "/conversations/{id}/typing", tag = "expert", request_body = Typing,
    responses((status = 204, description = "Sent to the other side")))]
async fn typing(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(typing): ApiJson<Typing>,
) -> Result<StatusCode, ApiError> {
    let owns = owned_by(expert.id);
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

/// Reply.
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "expert", request_body = SendMessage,
    responses(
        (status = 201, description = "The conversation and the new entries", body = ConversationWithEntries),
        (status = 200, description = "A retry of the same `client_msg_id`", body = ConversationWithEntries)))]
async fn send(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(msg): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<ConversationWithEntries>), ApiError> {
    msg.post(&state, expert.brand_id, id, Author::Expert(expert.id))
        .await
}
