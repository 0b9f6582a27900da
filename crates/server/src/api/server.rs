//! The server-to-server API for a brand's own systems, authenticated by a brand API key:
//! read the brand's conversations and their timelines.

pub mod purchases;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ebb_core::ConversationId;
use ebb_store::conversations;

use super::admin::{ConversationList, MAX_LIST};
use super::expert::ListedConversation;
use super::widget::{ConversationView, Page};
use super::{ApiPath, ApiQuery};
use crate::auth::ApiKeyAuth;
use crate::{ApiError, AppState};

/// Routes under `/api/v1/server`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list))
        .route("/conversations/{id}", get(read))
        .merge(purchases::router())
}

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

async fn read(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let view = ConversationView::load(&state, brand.id, id, &page, |_| true).await?;
    Ok(Json(view))
}
