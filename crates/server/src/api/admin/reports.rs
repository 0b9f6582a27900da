//! The admin's report: `GET /api/v1/admin/reports?from=..&to=..` (RFC 3339), the brand's
//! conversation, satisfaction, purchase and earning figures for `[from, to)` as JSON.
//! Definitions are in docs/reports.md.

use axum::Json;
use axum::extract::State;
use ebb_core::reports::{ConversationFigures, CsatFigures};
use ebb_core::{BrandId, Instant};
use ebb_store::reports;
use ebb_store::reports::commerce::{self, Earning, PurchaseFigures};
use serde::{Deserialize, Serialize};
use time::Duration;

use super::super::ApiQuery;
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest period one report covers.
pub const MAX_PERIOD: Duration = Duration::days(366);

/// Report routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// The period: `from` (included) to `to` (excluded), RFC 3339.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Period {
    /// Start (included), RFC 3339.
    #[serde(with = "ebb_core::instant::rfc3339")]
    #[param(value_type = String, format = DateTime)]
    from: Instant,
    /// End (excluded), RFC 3339.
    #[serde(with = "ebb_core::instant::rfc3339")]
    #[param(value_type = String, format = DateTime)]
    to: Instant,
}

/// A brand's report.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Report {
    /// The brand.
    pub brand_id: BrandId,
    /// Start of the period (included).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: Instant,
    /// End of the period (excluded).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: Instant,
    /// Conversations opened in the period.
    pub conversations: ConversationFigures,
    /// `conversations.converted / conversations.conversations` (`null` when none).
    pub conversion_rate: Option<f64>,
    /// Ratings given in the period.
    pub csat: CsatFigures,
    /// Purchases made in the period, and conversion.
    pub purchases: PurchaseFigures,
    /// Ledger entries recorded in the period, per kind and currency.
    pub earnings: Vec<Earning>,
    /// Each of the brand's tags with the conversations opened in the period carrying it.
    pub tags: Vec<reports::TagCount>,
}

/// The brand's figures for a period (definitions in docs/reports.md).
#[utoipa::path(get, path = "/reports", tag = "admin", params(Period),
    responses((status = 200, description = "The report", body = Report)))]
async fn report(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(period): ApiQuery<Period>,
) -> Result<Json<Report>, ApiError> {
    let Period { from, to } = period;
    if to <= from {
        return Err(ApiError::Invalid("to must be after from".into()));
    }
    if to - from > MAX_PERIOD {
        return Err(ApiError::Invalid("a report covers at most 366 days".into()));
    }
    let brand = admin.brand_id;
    let mut conn = state.store.conn().await?;
    let events = reports::events(&mut conn, brand, from, to).await?;
    let conversations = ConversationFigures::from_events(&events);
    let csat = CsatFigures::of(commerce::csat_counts(&mut conn, brand, from, to).await?);
    let purchases = commerce::purchases(&mut conn, brand, from, to).await?;
    let earnings = commerce::earnings(&mut conn, brand, from, to).await?;
    let tags = reports::tag_counts(&mut conn, brand, from, to).await?;
    let n = conversations.conversations;
    let conversion_rate = (n > 0).then(|| purchases.converted_conversations as f64 / n as f64);
    Ok(Json(Report {
        brand_id: brand,
        from,
        to,
        conversations,
        conversion_rate,
        csat,
        purchases,
        earnings,
        tags,
    }))
}
