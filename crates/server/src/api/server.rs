//! The server-to-server API for a brand's own systems, authenticated by a brand API key:
//! read the brand's conversations and their timelines.

pub mod purchases;

use axum::Json;
use axum::extract::State;
use ebb_core::ConversationId;

use super::admin::ConversationList;
use super::page::PageQuery;
use super::widget::{ConversationView, Page};
use super::{ApiPath, ApiQuery};
use crate::auth::ApiKeyAuth;
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/server`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
        .merge(purchases::router())
}

/// Every conversation of the brand.
#[utoipa::path(get, path = "/conversations", tag = "server", params(PageQuery),
    responses((status = 200, description = "Newest first", body = ConversationList)))]
async fn list(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ConversationList>, ApiError> {
    Ok(Json(
        ConversationList::load(&state, brand.id, &page, None).await?,
    ))
}

/// Read any conversation of the brand and a page of its timeline.
#[utoipa::path(get, path = "/conversations/{id}", tag = "server", params(Page),
    responses((status = 200, description = "The conversation", body = ConversationView)))]
async fn read(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let view = ConversationView::load(&state, brand.id, id, &page, |_| true).await?;
    Ok(Json(view))
}
