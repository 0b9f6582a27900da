//! The visitor's API, used by the widget: bootstrap an anonymous identity, open a
//! conversation, post messages, read the timeline. Everything is under the brand's path
//! and a visitor only ever sees their own conversations. Read markers and typing too.

pub mod commerce;
pub mod context;
pub mod email;
pub mod history;
pub mod identity;
pub mod texts;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::{Author, BrandId, Conversation, ConversationId, Entry, MessageBody, VisitorId};
use ebb_store::reads::{ReadMarkers, Side};
use ebb_store::{conversations, visitors};
use serde::{Deserialize, Serialize};

use super::page::PageQuery;
use super::{ApiJson, ApiPath, ApiQuery, ConversationWithEntries, MAX_PAGE, created_outcome};
use crate::auth::{PathBrand, VisitorAuth, hash_token, new_token};
use crate::limits::PeerIp;
use crate::promise::VisitorView;
use crate::{ApiError, AppState, desk, receipts};
use ebb_store::page::Cursor;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/widget/{brand}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(brand_info))
        .routes(routes!(bootstrap))
        .routes(routes!(list, start))
        .routes(routes!(read))
        .routes(routes!(send))
        .routes(routes!(mark_read))
        .routes(routes!(typing))
        .merge(commerce::router())
        .merge(context::router())
        .merge(email::router())
        .merge(super::transcript::widget_router())
        .merge(history::router())
        .merge(identity::router())
        .merge(super::profile::widget_router())
}

/// A conversation with a page of its timeline and both read markers.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct ConversationView {
    /// The conversation.
    pub conversation: Conversation,
    /// Timeline entries, in seq order.
    pub entries: Vec<Entry>,
    /// How far each side has read.
    pub read: ReadMarkers,
}

impl ConversationView {
    /// Reads a conversation of `brand` the caller may see, with entries after `page`.
    pub async fn load(
        state: &AppState,
        brand: BrandId,
        id: ConversationId,
        page: &Page,
        can_see: impl FnOnce(&Conversation) -> bool,
    ) -> Result<Self, ApiError> {
        let (conversation, entries) =
            desk::read(state, brand, id, page.after_seq, page.limit(), can_see).await?;
        let mut conn = state.store.conn().await?;
        let read = receipts::markers(&mut conn, brand, id).await?;
        Ok(Self {
            conversation,
            entries,
            read,
        })
    }
}

/// A read marker moving forward.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The highest seq read.
    pub seq: u64,
}

/// Typing started or stopped.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Typing {
    /// Typing now?
    pub typing: bool,
}

/// What the widget shows before the visitor writes.
#[derive(Serialize, utoipa::ToSchema)]
struct BrandInfo {
    /// The brand's slug.
    slug: String,
    /// The brand's name.
    name: String,
    /// Human wording of the usual reply delay (measured when there is enough data).
    typical_reply_time: String,
    /// The widget's language (`en` or `fr`): the brand's, or the browser's
    /// `Accept-Language` when the brand says `auto`.
    locale: String,
    /// Shown before the first message, in `locale` (empty: none). Not stored as a message.
    greeting: String,
    /// The longest message accepted, in characters (Unicode scalar values).
    max_message_chars: usize,
    /// The widget's texts in `locale`: English source string -> translation.
    #[schema(value_type = Object)]
    texts: serde_json::Value,
    /// Office hours: open now, when the team is back, the reply time and where it comes from.
    hours: crate::office_hours::VisitorHours,
    /// When the widget asks for an email address, and the consent text in `locale`.
    email: email::EmailAsk,
}

/// Brand name, reply time, language, greeting, the message length limit and office hours.
#[utoipa::path(get, path = "/", tag = "public",
    responses((status = 200, description = "The brand", body = BrandInfo)))]
async fn brand_info(
    State(state): State<AppState>,
    PathBrand(brand): PathBrand,
    headers: axum::http::HeaderMap,
) -> Result<Json<BrandInfo>, ApiError> {
    let mut conn = state.store.conn().await?;
    let words = ebb_store::widget_texts::get(&mut conn, brand.id).await?;
    let locale = texts::resolve(words.locale, &headers);
    let lang = crate::office_hours::lang_for(words.locale, &headers);
    let hours = crate::office_hours::for_visitor(
        &mut conn,
        &state.reply_times,
        &brand,
        state.clock.now(),
        lang,
    )
    .await?;
    Ok(Json(BrandInfo {
        slug: brand.slug,
        name: brand.name,
        typical_reply_time: hours.typical_reply_time.clone(),
        locale: locale.as_str().to_owned(),
        greeting: words.greeting(locale).to_owned(),
        max_message_chars: ebb_core::message::MAX_MESSAGE_CHARS,
        texts: texts::catalog(locale),
        hours,
        email: email::ask(&state, &mut conn, brand.id, locale).await?,
    }))
}

/// A visitor's id and a new token for it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewVisitor {
    /// The visitor's id.
    pub visitor_id: VisitorId,
    /// Bearer token for the widget API and the WebSocket.
    pub token: String,
}

/// New anonymous visitor token (a per-IP hourly cap: 429 `too-many-visitors`).
#[utoipa::path(post, path = "/visitors", tag = "public",
    responses((status = 201, description = "A visitor and its token", body = NewVisitor)))]
async fn bootstrap(
    State(state): State<AppState>,
    PathBrand(brand): PathBrand,
    PeerIp(ip): PeerIp,
    headers: axum::http::HeaderMap,
) -> Result<(StatusCode, Json<NewVisitor>), ApiError> {
    crate::ws::check_origin(&state, brand.id, &headers).await?;
    state.limits.check_new_visitor(ip)?;
    let token = new_token();
    let visitor_id: VisitorId = ebb_store::ids::new_id();
    let mut tx = state.store.begin().await?;
    visitors::insert(
        &mut tx,
        visitor_id,
        brand.id,
        &hash_token(&token),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(NewVisitor { visitor_id, token })))
}

/// A message from the visitor.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// The text.
    pub body: String,
    /// The client's id for this message; a retry with the same id is not duplicated.
    pub client_msg_id: Option<String>,
}

/// The longest client message id accepted.
pub const MAX_CLIENT_MSG_ID: usize = 100;

impl SendMessage {
    /// Validates the body and the client id.
    pub fn parse(self) -> Result<(MessageBody, Option<String>), ApiError> {
        let body = MessageBody::parse(&self.body)?;
        if let Some(id) = &self.client_msg_id
            && (id.is_empty() || id.len() > MAX_CLIENT_MSG_ID)
        {
            return Err(ApiError::BadRequest(format!(
                "client_msg_id must be 1 to {MAX_CLIENT_MSG_ID} bytes"
            )));
        }
        Ok((body, self.client_msg_id))
    }

    /// Posts the message (idempotent on its `client_msg_id`) and answers with the outcome.
    pub async fn post(
        self,
        state: &AppState,
        brand: BrandId,
        id: ConversationId,
        author: Author,
    ) -> Result<(StatusCode, Json<ConversationWithEntries>), ApiError> {
        let (body, client_msg_id) = self.parse()?;
        let out = desk::post_message(state, brand, id, author, body, client_msg_id).await?;
        Ok(created_outcome(out))
    }
}

/// Start a conversation with a first message: one open conversation per visitor (409
/// `conversation-already-open` while one is), and a per-IP hourly cap on new ones (429
/// `too-many-conversations`).
#[utoipa::path(post, path = "/conversations", tag = "visitor", request_body = SendMessage,
    responses(
        (status = 201, description = "The new conversation", body = ConversationWithEntries),
        (status = 200, description = "A retry of the same `client_msg_id`", body = ConversationWithEntries)))]
async fn start(
    State(state): State<AppState>,
    auth: VisitorAuth,
    PeerIp(ip): PeerIp,
    headers: axum::http::HeaderMap,
    ApiJson(msg): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<ConversationWithEntries>), ApiError> {
    let (body, client_msg_id) = msg.parse()?;
    state.limits.check_new_conversation(ip)?;
    texts::remember(&state, auth.brand.id, auth.visitor, &headers).await?;
    let lang = crate::office_hours::lang_of(&headers);
    let (brand, visitor) = (&auth.brand, auth.visitor);
    let out = desk::start_conversation(&state, brand, visitor, body, client_msg_id, lang).await?;
    Ok(created_outcome(out))
}

crate::api::page::page_body! {
    /// The visitor's conversations.
    #[schema(as = VisitorConversationList)]
    struct ConversationList {
        /// Newest first.
        conversations: Vec<Conversation>
    }
}

/// The visitor's conversations.
#[utoipa::path(get, path = "/conversations", tag = "visitor", params(PageQuery),
    responses((status = 200, description = "Newest first", body = ConversationList)))]
async fn list(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ConversationList>, ApiError> {
    let (brand, visitor) = (auth.brand.id, auth.visitor);
    let mut conn = state.store.conn().await?;
    let rows =
        conversations::page_for_visitor(&mut conn, brand, visitor, page.cursor()?, page.fetch())
            .await?;
    Ok(Json(
        page.cut(rows, |c| Cursor::new(c.created_at, c.id.0)).into(),
    ))
}

/// What a visitor may see and touch: their own conversations.
fn started_by(visitor: VisitorId) -> impl Fn(&Conversation) -> bool {
    move |c| c.visitor_id == visitor
}

/// Paging through a timeline.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Only entries after this seq (default 0: from the start).
    #[serde(default)]
    pub after_seq: u64,
    /// At most this many entries (default and maximum 500).
    pub limit: Option<u32>,
}

impl Page {
    /// The effective limit.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE)
    }
}

/// Read a conversation and a page of its timeline, with the snooze promise standing.
#[utoipa::path(get, path = "/conversations/{id}", tag = "visitor", params(Page),
    responses((status = 200, description = "The conversation", body = VisitorView)))]
async fn read(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<VisitorView>, ApiError> {
    let mut view =
        ConversationView::load(&state, auth.brand.id, id, &page, started_by(auth.visitor)).await?;
    view.entries = view.entries.into_iter().map(Entry::for_visitor).collect();
    let mut conn = state.store.conn().await?;
    let now = state.clock.now();
    let promise = crate::promise::for_visitor(&mut conn, &view.conversation, now).await?;
    Ok(Json(VisitorView { view, promise }))
}

/// Mark the timeline read up to a seq.
#[utoipa::path(post, path = "/conversations/{id}/read", tag = "visitor", request_body = MarkRead,
    responses((status = 200, description = "Both read markers", body = ReadMarkers)))]
async fn mark_read(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
    ApiJson(read): ApiJson<MarkRead>,
) -> Result<Json<ReadMarkers>, ApiError> {
    let mine = started_by(auth.visitor);
    let markers =
        receipts::mark_read(&state, auth.brand.id, id, Side::Visitor, read.seq, mine).await?;
    Ok(Json(markers))
}

/// Tell the expert the visitor is typing (or stopped).
#[utoipa::path(post, path = "/conversations/{id}/typing", tag = "visitor", request_body = Typing,
    responses((status = 204, description = "Sent to the other side")))]
async fn typing(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
    ApiJson(typing): ApiJson<Typing>,
) -> Result<StatusCode, ApiError> {
    receipts::typing(
        &state,
        auth.brand.id,
        id,
        Side::Visitor,
        typing.typing,
        started_by(auth.visitor),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a message.
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "visitor", request_body = SendMessage,
    responses(
        (status = 201, description = "The conversation and the new entries", body = ConversationWithEntries),
        (status = 200, description = "A retry of the same `client_msg_id`", body = ConversationWithEntries)))]
async fn send(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
    headers: axum::http::HeaderMap,
    ApiJson(msg): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<ConversationWithEntries>), ApiError> {
    texts::remember(&state, auth.brand.id, auth.visitor, &headers).await?;
    msg.post(&state, auth.brand.id, id, Author::Visitor(auth.visitor))
        .await
}
