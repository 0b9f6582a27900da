//! Search over conversations, `GET /api/v1/expert/search` and `GET /api/v1/admin/search`:
//! an expert finds the conversations they handled (closed included), an admin the whole
//! brand. Text comes back as snippet pieces, never as markup.

use axum::Json;
use axum::extract::State;
use ebb_core::search::{SearchQuery, snippet_parts, visitor_label};
use ebb_core::{BrandId, ConversationId, Instant, Status, VisitorId};
use ebb_store::search::{self, Hit, Scope};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use super::page::PageQuery;
use crate::auth::{AdminAuth, ExpertAuth};
use crate::{ApiError, AppState};

/// The longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

/// The expert's search route (merged under `/api/v1/expert`).
pub fn expert_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(expert_search))
}

/// The admin's search route (merged under `/api/v1/admin`).
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(admin_search))
}

/// `?q=&cursor=&limit=` of a search.
#[derive(Deserialize, Default, Debug, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to find: words (all must match, the last one also as the start of a word) and
    /// `"quoted phrases"`; only letters and digits count. Without any: a 400 problem.
    pub q: Option<String>,
    /// The previous page's `next_cursor` (absent: the first page).
    pub cursor: Option<String>,
    /// Rows per page: default 50, at most 200.
    pub limit: Option<u32>,
}

/// A piece of a snippet: plain text, flagged when it matched.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct SnippetPart {
    /// The text (show as text, never as HTML).
    pub text: String,
    /// Did this piece match the query?
    pub matched: bool,
}

/// A conversation that matched, by its newest matching entry.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct SearchHit {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its status now (`closed` ones are found too).
    pub status: Status,
    /// Its visitor.
    pub visitor_id: VisitorId,
    /// How the panel names the visitor ("Visitor 3F2A"); its code is searchable.
    pub visitor_label: String,
    /// The matching entry's seq.
    pub seq: u64,
    /// When the matching entry was written.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub matched_at: Instant,
    /// Text around the match, in pieces.
    pub snippet: Vec<SnippetPart>,
}

impl From<Hit> for SearchHit {
    fn from(hit: Hit) -> Self {
        Self {
            conversation_id: hit.conversation,
            status: hit.status,
            visitor_id: hit.visitor,
            visitor_label: visitor_label(hit.visitor),
            seq: hit.seq,
            matched_at: hit.matched_at,
            snippet: snippet_parts(&hit.snippet)
                .into_iter()
                .map(|(text, matched)| SnippetPart { text, matched })
                .collect(),
        }
    }
}

crate::api::page::page_body! {
    /// A page of search results.
    pub struct SearchResults {
        /// Newest match first, one per conversation.
        pub results: Vec<SearchHit>
    }
}

/// Runs a search of `brand` within `scope`.
async fn run(
    state: &AppState,
    brand: BrandId,
    scope: Scope,
    params: SearchParams,
) -> Result<SearchResults, ApiError> {
    let text = params.q.unwrap_or_default();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!(
            "q is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let query = SearchQuery::parse(&text)
        .ok_or_else(|| ApiError::BadRequest("q needs at least one letter or digit".into()))?;
    let page = PageQuery {
        cursor: params.cursor,
        limit: params.limit,
    };
    let mut conn = state.store.conn().await?;
    let hits = search::search(
        &mut conn,
        brand,
        scope,
        &query,
        page.cursor()?,
        page.fetch(),
    )
    .await?;
    let (hits, next) = page.cut(hits, Hit::cursor);
    Ok((hits.into_iter().map(SearchHit::from).collect(), next).into())
}

/// Search the conversations the expert handled (assigned, transferred to them, written
/// in or closed by them), closed ones included.
#[utoipa::path(get, path = "/search", tag = "expert", params(SearchParams),
    responses((status = 200, description = "Newest match first", body = SearchResults)))]
async fn expert_search(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let scope = Scope::HandledBy(expert.id);
    Ok(Json(run(&state, expert.brand_id, scope, params).await?))
}

/// Search every conversation of the brand.
#[utoipa::path(get, path = "/search", tag = "admin", params(SearchParams),
    responses((status = 200, description = "Newest match first", body = SearchResults)))]
async fn admin_search(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(
        run(&state, admin.brand_id, Scope::Brand, params).await?,
    ))
}
