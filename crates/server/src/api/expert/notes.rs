//! Internal notes on a conversation: an expert who owns it (and any admin of the brand,
//! see `admin::notes`) writes and lists them. Notes live in their own table, never in the
//! timeline, so no visitor path (widget API, WebSocket, webhooks) can carry them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::note::{self, Note, NoteAuthor};
use ebb_core::{BrandId, ConversationId};
use ebb_store::page::Cursor;
use ebb_store::{conversations, notes};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::page::PageQuery;
use super::super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState};

/// Note routes (merged under `/api/v1/expert`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, add))
}

/// A new internal note.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// The text: 1 to 4000 characters once trimmed.
    pub body: String,
}

crate::api::page::page_body! {
    /// A conversation's internal notes.
    pub struct NoteList {
        /// Oldest first.
        pub notes: Vec<Note>
    }
}

/// Writes a note by `author` on conversation `id` of `brand`, if core lets them.
pub(crate) async fn write(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    author: NoteAuthor,
    new: &NewNote,
) -> Result<Note, ApiError> {
    let mut tx = state.store.begin().await?;
    let conversation = conversations::get(&mut tx, brand, id)
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    let note = note::write(
        &conversation,
        author,
        ebb_store::ids::new_id(),
        &new.body,
        state.clock.now(),
    )?
    .ok_or(ApiError::NotFound("conversation"))?;
    notes::insert(&mut tx, &note).await?;
    tx.commit().await?;
    Ok(note)
}

/// A page of the notes of conversation `id` of `brand`, if `reader` may see them.
pub(crate) async fn page(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    reader: NoteAuthor,
    query: &PageQuery,
) -> Result<NoteList, ApiError> {
    let mut conn = state.store.conn().await?;
    let conversation = conversations::get(&mut conn, brand, id)
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    if !note::may_access(&conversation, reader) {
        return Err(ApiError::NotFound("conversation"));
    }
    let rows = notes::page(&mut conn, brand, id, query.cursor()?, query.fetch()).await?;
    Ok(query
        .cut(rows, |n| Cursor::new(n.created_at, n.id.0))
        .into())
}

/// Add an internal note to an owned conversation (never shown to the visitor).
#[utoipa::path(post, path = "/conversations/{id}/notes", tag = "expert", request_body = NewNote,
    responses((status = 201, description = "The note", body = Note)))]
async fn add(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(new): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let author = NoteAuthor::Expert(expert.id);
    let note = write(&state, expert.brand_id, id, author, &new).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The internal notes of an owned conversation, oldest first.
#[utoipa::path(get, path = "/conversations/{id}/notes", tag = "expert", params(PageQuery),
    responses((status = 200, description = "The notes", body = NoteList)))]
async fn list(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<NoteList>, ApiError> {
    let reader = NoteAuthor::Expert(expert.id);
    Ok(Json(
        page(&state, expert.brand_id, id, reader, &query).await?,
    ))
}
