//! The visitor's side of money and satisfaction: rate a closed conversation (once), and
//! report a purchase from the page (`Ebb.purchase`), which stays pending until the brand's
//! server confirms the same order.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::earnings::{Money, PurchaseSource};
use ebb_core::{ConversationId, Instant};
use ebb_store::purchases::Purchase;
use serde::Deserialize;

use crate::api::{ApiJson, ApiPath};
use crate::auth::VisitorAuth;
use crate::desk::earnings::{self, PurchaseReport};
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest survey comment, in characters.
pub const MAX_COMMENT: usize = 2000;
/// The longest order id.
pub const MAX_ORDER_ID: usize = 100;

/// Routes added under `/api/v1/widget/{brand}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rate))
        .routes(routes!(purchase))
}

/// A survey answer.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rating {
    rating: u8,
    comment: Option<String>,
}

/// Rate a closed conversation (once).
#[utoipa::path(post, path = "/conversations/{id}/csat", tag = "visitor", request_body = Rating,
    responses((status = 201, description = "The rating is stored")))]
async fn rate(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
    ApiJson(req): ApiJson<Rating>,
) -> Result<StatusCode, ApiError> {
    if !(1..=5).contains(&req.rating) {
        return Err(ApiError::Invalid("rating must be 1 to 5".into()));
    }
    let comment = req
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT)
    {
        return Err(ApiError::Invalid(format!(
            "comment is longer than {MAX_COMMENT} characters"
        )));
    }
    earnings::submit_csat(&state, auth.brand.id, auth.visitor, id, req.rating, comment).await?;
    Ok(StatusCode::CREATED)
}

/// A purchase seen by the page.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PagePurchase {
    order_id: String,
    amount_minor: i64,
    currency: String,
}

/// Checks an order id.
pub fn check_order_id(order_id: &str) -> Result<(), ApiError> {
    if order_id.is_empty() || order_id.len() > MAX_ORDER_ID {
        return Err(ApiError::Invalid(format!(
            "order_id must be 1 to {MAX_ORDER_ID} bytes"
        )));
    }
    Ok(())
}

/// Report a purchase from the page; pending until the brand's server confirms it.
#[utoipa::path(post, path = "/purchases", tag = "visitor", request_body = PagePurchase,
    responses((status = 202, description = "The pending purchase", body = Purchase)))]
async fn purchase(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiJson(req): ApiJson<PagePurchase>,
) -> Result<(StatusCode, Json<Purchase>), ApiError> {
    check_order_id(&req.order_id)?;
    let now: Instant = state.clock.now();
    let report = PurchaseReport {
        order_id: req.order_id,
        visitor: auth.visitor,
        amount: Money::parse(req.amount_minor, &req.currency)?,
        purchased_at: now,
        source: PurchaseSource::Widget,
    };
    let (purchase, _) = earnings::record_purchase(&state, auth.brand.id, report).await?;
    Ok((StatusCode::ACCEPTED, Json(purchase)))
}
