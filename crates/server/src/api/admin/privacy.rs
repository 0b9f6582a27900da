//! The admin's personal data endpoint: erasing one visitor of their brand (the rules are in
//! `ebb_core::privacy`, the work in [`crate::privacy`]).

use axum::Json;
use axum::extract::State;
use ebb_core::VisitorId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::ApiPath;
use crate::auth::AdminAuth;
use crate::privacy::Erasure;
use crate::{ApiError, AppState};

/// Personal data routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(erase_visitor))
}

/// Erase a visitor's personal data (GDPR erasure).
///
/// Erases the text of every message in the visitor's conversations and their CSAT
/// comments, ends their widget token and replaces their id by a pseudonym everywhere.
/// Purchases, contact fees, commissions and payouts keep their amounts and experts.
/// 404 for a visitor the brand does not have (or one already erased).
#[utoipa::path(post, path = "/visitors/{id}/erase", tag = "admin",
    responses((status = 200, description = "What was erased", body = Erasure)))]
async fn erase_visitor(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<VisitorId>,
) -> Result<Json<Erasure>, ApiError> {
    let erasure = crate::privacy::erase_visitor(&state, admin.brand_id, id).await?;
    Ok(Json(erasure))
}
