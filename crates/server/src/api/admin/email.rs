//! The brand's email follow-up settings: when the widget asks for an address, the consent
//! text (English and French), the follow-up delay and the site page reopen links open.
//! Ranges are core's (`ebb_core::followup::EmailSettings::validate`).

use axum::Json;
use axum::extract::State;
use ebb_core::followup::EmailSettings;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::ApiJson;
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// `/email-settings` (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// The brand's email settings (defaults until saved).
#[utoipa::path(get, path = "/email-settings", tag = "admin",
    responses((status = 200, description = "The settings", body = EmailSettings)))]
async fn get_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<EmailSettings>, ApiError> {
    let mut conn = state.store.conn().await?;
    Ok(Json(
        ebb_store::mail::settings(&mut conn, admin.brand_id).await?,
    ))
}

/// Replace the brand's email settings (422 for a delay outside 1 to 10080 minutes, a
/// consent text over 500 characters or a site URL that is not http or https).
#[utoipa::path(put, path = "/email-settings", tag = "admin", request_body = EmailSettings,
    responses((status = 200, description = "The settings", body = EmailSettings)))]
async fn put_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(body): ApiJson<EmailSettings>,
) -> Result<Json<EmailSettings>, ApiError> {
    let settings = body.validate()?;
    let mut conn = state.store.conn().await?;
    ebb_store::mail::set_settings(&mut conn, admin.brand_id, &settings).await?;
    Ok(Json(settings))
}
