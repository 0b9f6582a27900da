//! Purchases reported by the brand's own server (API key): confirmed on arrival,
//! idempotent on the order id, and refundable (the commission is reversed).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::earnings::{Money, PurchaseSource};
use ebb_core::{Instant, VisitorId};
use ebb_store::purchases::Purchase;
use ebb_store::visitors;
use serde::Deserialize;
use time::Duration;

use crate::api::widget::commerce::check_order_id;
use crate::api::{ApiJson, ApiPath, created};
use crate::auth::{ApiKeyAuth, hash_token};
use crate::desk::earnings::{self, PurchaseReport};
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How far in the future a purchase time may be (clock skew).
pub const MAX_SKEW: Duration = Duration::minutes(5);

/// Routes added under `/api/v1/server`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(refund))
}

/// An order, with the visitor given by id or by the widget's token.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Order {
    order_id: String,
    visitor_id: Option<VisitorId>,
    visitor_token: Option<String>,
    amount_minor: i64,
    currency: String,
    #[serde(with = "ebb_core::instant::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    purchased_at: Instant,
}

/// Report an order (confirmed; idempotent on the order id).
#[utoipa::path(post, path = "/purchases", tag = "server", request_body = Order,
    responses(
        (status = 201, description = "The purchase", body = Purchase),
        (status = 200, description = "The order was known and confirmed already (a repeat changes nothing)", body = Purchase)))]
async fn report(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
    ApiJson(order): ApiJson<Order>,
) -> Result<(StatusCode, Json<Purchase>), ApiError> {
    check_order_id(&order.order_id)?;
    if order.purchased_at > state.clock.now() + MAX_SKEW {
        return Err(ApiError::Invalid("purchased_at is in the future".into()));
    }
    let mut conn = state.store.conn().await?;
    let visitor = match (order.visitor_id, order.visitor_token.as_deref()) {
        (Some(id), None) => visitors::exists(&mut conn, brand.id, id)
            .await?
            .then_some(id),
        (None, Some(token)) => visitors::by_token(&mut conn, brand.id, &hash_token(token)).await?,
        _ => {
            return Err(ApiError::Invalid(
                "give exactly one of visitor_id and visitor_token".into(),
            ));
        }
    };
    drop(conn);
    let visitor = visitor.ok_or(ApiError::NotFound("visitor"))?;
    let report = PurchaseReport {
        order_id: order.order_id,
        visitor,
        amount: Money::parse(order.amount_minor, &order.currency)?,
        purchased_at: order.purchased_at,
        source: PurchaseSource::Server,
    };
    let (purchase, known) = earnings::record_purchase(&state, brand.id, report).await?;
    Ok(created(known, purchase))
}

/// Refund an order (its commission is reversed).
#[utoipa::path(post, path = "/purchases/{order_id}/refund", tag = "server",
    responses((status = 200, description = "The refunded purchase", body = Purchase)))]
async fn refund(
    State(state): State<AppState>,
    ApiKeyAuth(brand): ApiKeyAuth,
    ApiPath(order_id): ApiPath<String>,
) -> Result<Json<Purchase>, ApiError> {
    Ok(Json(earnings::refund(&state, brand.id, &order_id).await?))
}
