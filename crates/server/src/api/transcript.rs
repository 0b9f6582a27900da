//! Transcripts over HTTP: the visitor downloads theirs from the widget (plain text, the
//! messages only); experts (of a conversation they own) and admins export one as text or
//! HTML, with the internal notes only when they ask for them (`?notes=true`). Core renders
//! ([`ebb_core::transcript`]); this loads one brand's rows and sets the download headers.
//! [`visitor_text`] is the seam for e-mailing a transcript later: same text, same rules.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ebb_core::note::Note;
use ebb_core::transcript::{Audience, Format, Transcript};
use ebb_core::{BrandId, Conversation, ConversationId, Entry, VisitorId};
use ebb_store::page::Cursor;
use ebb_store::{conversations, events, experts, notes, tags};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiPath, ApiQuery, MAX_PAGE, found};
use crate::auth::{AdminAuth, ExpertAuth, VisitorAuth};
use crate::headers::ATTACHMENT_POLICY;
use crate::{ApiError, AppState};

/// The visitor's route (merged under `/api/v1/widget/{brand}`).
pub fn widget_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(visitor_transcript))
}

/// The expert's route (merged under `/api/v1/expert`).
pub fn expert_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(expert_transcript))
}

/// The admin's route (merged under `/api/v1/admin`).
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(admin_transcript))
}

/// `?format=&notes=` of a desk export.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `text` (default) or `html`.
    #[serde(default)]
    #[param(value_type = Option<String>, example = "html")]
    pub format: Format,
    /// Include the internal notes and transfer notes, marked as internal (default false).
    #[serde(default)]
    pub notes: bool,
}

/// The visitor's transcript of their conversation `id` of `brand`, as plain text: what the
/// widget downloads, and what a mailer would send.
pub async fn visitor_text(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
    id: ConversationId,
) -> Result<String, ApiError> {
    let started_by = |c: &Conversation| c.visitor_id == visitor;
    render(
        state,
        brand,
        id,
        started_by,
        Audience::Visitor,
        Format::Text,
    )
    .await
}

/// Loads conversation `id` of `brand` (if `can_see` it) with everything the audience's
/// transcript holds, and renders it.
pub(crate) async fn render(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    can_see: impl FnOnce(&Conversation) -> bool,
    audience: Audience,
    format: Format,
) -> Result<String, ApiError> {
    let mut conn = state.store.conn().await?;
    let conversation = conversations::get(&mut conn, brand, id)
        .await?
        .filter(|c| can_see(c))
        .ok_or(ApiError::NotFound("conversation"))?;
    let brand_row = found::brand(&mut conn, brand).await?;
    let entries = all_entries(&mut conn, brand, id).await?;
    let experts: BTreeMap<_, _> = experts::list(&mut conn, brand)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let desk = matches!(audience, Audience::Desk { .. });
    let tags = if desk {
        let on = tags::of_conversation(&mut conn, brand, id).await?;
        on.into_iter().map(|t| t.name.as_str().to_owned()).collect()
    } else {
        Vec::new()
    };
    let notes = if audience == (Audience::Desk { notes: true }) {
        all_notes(&mut conn, brand, id).await?
    } else {
        Vec::new()
    };
    let transcript = Transcript {
        conversation: &conversation,
        brand: &brand_row.name,
        entries: &entries,
        experts: &experts,
        tags: &tags,
        notes: &notes,
        audience,
    };
    Ok(transcript.render(format))
}

/// Every entry of the conversation, page by page.
pub(crate) async fn all_entries(
    conn: &mut impl ebb_store::Handle,
    brand: BrandId,
    id: ConversationId,
) -> Result<Vec<Entry>, ApiError> {
    let mut out: Vec<Entry> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let page = events::after(conn, brand, id, after, MAX_PAGE).await?;
        let full = page.len() == MAX_PAGE as usize;
        out.extend(page);
        if !full {
            return Ok(out);
        }
    }
}

/// Every internal note of the conversation, page by page.
async fn all_notes(
    conn: &mut impl ebb_store::Handle,
    brand: BrandId,
    id: ConversationId,
) -> Result<Vec<Note>, ApiError> {
    let mut out: Vec<Note> = Vec::new();
    loop {
        let after = out.last().map(|n| Cursor::new(n.created_at, n.id.0));
        let page = notes::page(conn, brand, id, after, MAX_PAGE).await?;
        let full = page.len() == MAX_PAGE as usize;
        out.extend(page);
        if !full {
            return Ok(out);
        }
    }
}

/// The download: `attachment`, and for HTML the sandboxing [`ATTACHMENT_POLICY`] (plain
/// text keeps the resource policy every non-page answer gets).
fn download(id: ConversationId, format: Format, body: String) -> Response {
    let (kind, ext) = match format {
        Format::Text => ("text/plain; charset=utf-8", "txt"),
        Format::Html => ("text/html; charset=utf-8", "html"),
    };
    let disposition = format!("attachment; filename=\"transcript-{}.{ext}\"", id.0);
    let mut response = ([(header::CONTENT_TYPE, kind.to_owned())], body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = disposition.parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if format == Format::Html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(ATTACHMENT_POLICY),
        );
    }
    response
}

/// Download the transcript of one of your conversations: plain text, the messages only.
#[utoipa::path(get, path = "/conversations/{id}/transcript", tag = "visitor",
    responses((status = 200, description = "The transcript", body = String, content_type = "text/plain")))]
async fn visitor_transcript(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
) -> Result<Response, ApiError> {
    let text = visitor_text(&state, auth.brand.id, auth.visitor, id).await?;
    Ok(download(id, Format::Text, text))
}

/// Export the transcript of a conversation you own (internal notes only with `notes=true`).
#[utoipa::path(get, path = "/conversations/{id}/transcript", tag = "expert", params(ExportQuery),
    responses((status = 200, description = "The transcript (text or HTML)", body = String, content_type = "text/plain")))]
async fn expert_transcript(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let owns = |c: &Conversation| c.state.owner() == Some(expert.id);
    let audience = Audience::Desk { notes: q.notes };
    let body = render(&state, expert.brand_id, id, owns, audience, q.format).await?;
    Ok(download(id, q.format, body))
}

/// Export the transcript of any conversation of the brand (notes only with `notes=true`).
#[utoipa::path(get, path = "/conversations/{id}/transcript", tag = "admin", params(ExportQuery),
    responses((status = 200, description = "The transcript (text or HTML)", body = String, content_type = "text/plain")))]
async fn admin_transcript(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let audience = Audience::Desk { notes: q.notes };
    let body = render(&state, admin.brand_id, id, |_| true, audience, q.format).await?;
    Ok(download(id, q.format, body))
}
