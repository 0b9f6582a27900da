//! The brand's identity secret, for the admin only: the key the brand's backend signs
//! customer ids with (`docs/widget.md`), shown and rotated here; every showing and
//! rotation is logged with the admin who asked (target `audit`).

use axum::Json;
use axum::extract::State;
use ebb_core::Instant;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AdminAuth, new_token};
use crate::{ApiError, AppState};

/// `/identity-secret` (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show, rotate))
}

/// The key that signs customer ids for the widget's signed identity.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IdentitySecret {
    /// The secret: keep it on the brand's server, never in a page.
    pub secret: String,
    /// When it was made or last rotated.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub rotated_at: Instant,
}

/// The brand's identity secret (made on first showing).
#[utoipa::path(get, path = "/identity-secret", tag = "admin",
    responses((status = 200, description = "The secret", body = IdentitySecret)))]
async fn show(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<IdentitySecret>, ApiError> {
    let mut conn = state.store.conn().await?;
    let now = state.clock.now();
    let (secret, rotated_at) =
        ebb_store::identity::secret(&mut conn, admin.brand_id, &new_token(), now).await?;
    tracing::info!(target: "audit", admin = %admin.id.0, brand = %admin.brand_id.0, "identity secret shown");
    Ok(Json(IdentitySecret { secret, rotated_at }))
}

/// A new identity secret: signatures made with the old one stop checking at once (browsers
/// already identified keep their tokens; new ones need the new signature).
#[utoipa::path(post, path = "/identity-secret", tag = "admin",
    responses((status = 200, description = "The new secret", body = IdentitySecret)))]
async fn rotate(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<IdentitySecret>, ApiError> {
    let mut conn = state.store.conn().await?;
    let (secret, rotated_at) = (new_token(), state.clock.now());
    ebb_store::identity::rotate(&mut conn, admin.brand_id, &secret, rotated_at).await?;
    tracing::info!(target: "audit", admin = %admin.id.0, brand = %admin.brand_id.0, "identity secret rotated");
    Ok(Json(IdentitySecret { secret, rotated_at }))
}
