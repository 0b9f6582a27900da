//! The widget's context report: the page the visitor is on (sent on load and on every
//! navigation), referrer, language and time zone. Core checks and bounds every value; a
//! country is taken only from a trusted proxy's header, and only for brands that share it.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use ebb_core::visitor_context::PageReport;
use ebb_store::visitor_context::{self, VisitorContext};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::ApiJson;
use crate::auth::VisitorAuth;
use crate::{ApiError, AppState};

/// Context routes (merged under `/api/v1/widget/{brand}`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// Where the visitor is, as their browser tells.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ContextReport)]
struct Report {
    /// The page's URL (http or https, at most 2048 characters).
    page_url: String,
    /// The page's title (at most 300 characters).
    page_title: Option<String>,
    /// `document.referrer` (http or https, at most 2048 characters; blank: none).
    referrer: Option<String>,
    /// `navigator.language`, e.g. `de-CH`.
    language: Option<String>,
    /// The IANA time zone, e.g. `Europe/Zurich`.
    time_zone: Option<String>,
}

/// The country the operator's trusted proxy named for this request, if any.
struct ProxiedCountry(Option<String>);

impl FromRequestParts<AppState> for ProxiedCountry {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(peer.and_then(|ConnectInfo(addr)| {
            state.settings.proxies.country(addr.ip(), &parts.headers)
        })))
    }
}

/// Report the visitor's page, referrer, language and time zone (each report replaces the
/// last; a bad value is 422 `invalid-context`).
#[utoipa::path(post, path = "/context", tag = "visitor", request_body = Report,
    responses((status = 204, description = "Recorded")))]
async fn report(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ProxiedCountry(country): ProxiedCountry,
    ApiJson(report): ApiJson<Report>,
) -> Result<StatusCode, ApiError> {
    let page = PageReport::parse(
        &report.page_url,
        report.page_title.as_deref(),
        report.referrer.as_deref(),
        report.language.as_deref(),
        report.time_zone.as_deref(),
    )?;
    let context = VisitorContext {
        page,
        country: country.filter(|_| auth.brand.settings.share_visitor_country),
        updated_at: state.clock.now(),
    };
    let mut tx = state.store.begin().await?;
    visitor_context::put(&mut tx, auth.brand.id, auth.visitor, &context).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
