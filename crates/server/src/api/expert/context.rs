//! Visitor context for the expert who owns a conversation: where its visitor is (page,
//! referrer, language, time zone, country if the brand shares it) and their earlier
//! conversations, each of which the expert may read (read-only) while they own this one.

use axum::Json;
use axum::extract::State;
use ebb_core::visitor_context::PageReport;
use ebb_core::{Conversation, ConversationId, Instant, Status, VisitorId};
use ebb_store::listing::{self, Among, PageSpan};
use ebb_store::{conversations, visitor_context};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::widget::{ConversationView, Page};
use super::super::{ApiPath, ApiQuery};
use super::listing::{MessagePreview, previews};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState};

/// How many earlier conversations the context lists (the newest).
pub const MAX_EARLIER: u32 = 20;

/// Context routes (merged under `/api/v1/expert`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(context))
        .routes(routes!(read_earlier))
}

/// What the panel shows about a conversation's visitor.
#[derive(Serialize, Debug, utoipa::ToSchema)]
#[schema(as = VisitorContext)]
struct ContextView {
    /// The visitor.
    visitor_id: VisitorId,
    /// Is the visitor on the site now (then `page` is their current page, else their last)?
    visitor_online: bool,
    /// The visitor's id in the brand's own customer records, once the brand's site signs
    /// one in; `null` while visitors are anonymous.
    customer_id: Option<String>,
    /// The page their widget last reported, with referrer, language and time zone; `null`
    /// before any report.
    page: Option<PageReport>,
    /// When the widget reported it.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    reported_at: Option<Instant>,
    /// Their country (ISO 3166-1 alpha-2) as the operator's trusted proxy names it, only
    /// when the brand shares countries.
    country: Option<String>,
    /// Their other conversations with the brand, newest first (at most 20).
    earlier: Vec<EarlierConversation>,
}

/// One of the visitor's other conversations.
#[derive(Serialize, Debug, utoipa::ToSchema)]
struct EarlierConversation {
    /// Its id (read it at `/conversations/{id}/earlier/{earlier_id}`).
    id: ConversationId,
    /// Where it stands.
    status: Status,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: Instant,
    /// Its last message (automatic messages aside), shortened.
    last_message: Option<MessagePreview>,
}

/// The conversation `id` of the expert's brand, if the expert owns it; else 404.
async fn owned(
    state: &AppState,
    expert: &ebb_core::Expert,
    id: ConversationId,
) -> Result<Conversation, ApiError> {
    let mut conn = state.store.conn().await?;
    conversations::get(&mut conn, expert.brand_id, id)
        .await?
        .filter(|c| c.state.owner() == Some(expert.id))
        .ok_or(ApiError::NotFound("conversation"))
}

/// The visitor context of an owned conversation: page, referrer, language, time zone,
/// country (if the brand shares it) and earlier conversations.
#[utoipa::path(get, path = "/conversations/{id}/context", tag = "expert",
    responses((status = 200, description = "The visitor's context", body = ContextView)))]
async fn context(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ContextView>, ApiError> {
    let conversation = owned(&state, &expert, id).await?;
    let (brand, visitor) = (expert.brand_id, conversation.visitor_id);
    let mut conn = state.store.conn().await?;
    let shares = ebb_store::brands::by_id(&mut conn, brand)
        .await?
        .is_some_and(|b| b.settings.share_visitor_country);
    let stored = visitor_context::get(&mut conn, brand, visitor).await?;
    let customer_id = ebb_store::identity::customer_of(&mut conn, brand, visitor).await?;
    let mut others =
        conversations::page_for_visitor(&mut conn, brand, visitor, None, MAX_EARLIER + 1).await?;
    others.retain(|c| c.id != id);
    others.truncate(MAX_EARLIER as usize);
    let last = match PageSpan::of(Among::Visitor(visitor), &others) {
        Some(span) => listing::last_messages(&mut conn, brand, &span).await?,
        None => Default::default(),
    };
    let mut last = previews(&mut conn, brand, last).await?;
    let earlier = others
        .into_iter()
        .map(|c| EarlierConversation {
            id: c.id,
            status: c.state.status(),
            created_at: c.created_at,
            last_message: last.remove(&c.id),
        })
        .collect();
    let (page, reported_at, country) = match stored {
        Some(s) => (
            Some(s.page),
            Some(s.updated_at),
            s.country.filter(|_| shares),
        ),
        None => (None, None, None),
    };
    Ok(Json(ContextView {
        visitor_id: visitor,
        visitor_online: state.presence.is_online(brand, visitor),
        customer_id: customer_id.flatten(),
        page,
        reported_at,
        country,
        earlier,
    }))
}

/// Read one of the visitor's earlier conversations (read-only) while owning conversation
/// `id`: any other conversation of the same visitor, else 404.
#[utoipa::path(get, path = "/conversations/{id}/earlier/{earlier_id}", tag = "expert", params(Page),
    responses((status = 200, description = "The earlier conversation", body = ConversationView)))]
async fn read_earlier(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath((id, earlier)): ApiPath<(ConversationId, ConversationId)>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let visitor = owned(&state, &expert, id).await?.visitor_id;
    let same_visitor = |c: &Conversation| c.visitor_id == visitor && c.id != id;
    let view =
        ConversationView::load(&state, expert.brand_id, earlier, &page, same_visitor).await?;
    Ok(Json(view))
}
