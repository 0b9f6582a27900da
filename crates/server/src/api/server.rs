//! The server-to-server API for a brand's own systems, authenticated by a brand API key:
//! read the brand's conversations and their timelines.

pub mod purchases;

use axum::extract::State;
use axum::Json;
use ebb_core::ConversationId;
use ebb_store::conversations;

use super::admin::{ConversationList, MAX_LIST};
use super::expert::ListedConversation;
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
#[utoipa::path(get, path = "/conversations", tag = "server",
    responses((status = 200, description = "Newest first", body = ConversationList)))]
async fn list(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
) -> Result<Json<ConversationList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = conversations::for_brand(&mut conn, brand.id, MAX_LIST).await?;
    Ok(Json(ConversationList {
        conversations: ListedConversation::with_presence(&state, all),
    }))
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
