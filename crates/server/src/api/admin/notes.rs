//! The admin's view of internal notes: read and add notes on any conversation of the brand
//! (the rules and storage are the expert's, in `expert::notes`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::ConversationId;
use ebb_core::note::{Note, NoteAuthor};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::expert::notes::{NewNote, NoteList, page, write};
use super::super::page::PageQuery;
use super::super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// Note routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, add))
}

/// Add an internal note to any conversation of the brand (never shown to the visitor).
#[utoipa::path(post, path = "/conversations/{id}/notes", tag = "admin", request_body = NewNote,
    responses((status = 201, description = "The note", body = Note)))]
async fn add(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(new): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let author = NoteAuthor::Admin(admin.id);
    let note = write(&state, admin.brand_id, id, author, &new).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The internal notes of any conversation of the brand, oldest first.
#[utoipa::path(get, path = "/conversations/{id}/notes", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The notes", body = NoteList)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<NoteList>, ApiError> {
    let reader = NoteAuthor::Admin(admin.id);
    Ok(Json(
        page(&state, admin.brand_id, id, reader, &query).await?,
    ))
}
