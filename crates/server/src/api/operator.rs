//! The operator API (`/api/v1/operator`) for automation: what `ebb brand create`,
//! `ebb admin create` and `ebb admin reset-password` do, over HTTP (the shared logic is
//! [`crate::provision`]). Authenticated by the token in `EBB_OPERATOR_TOKEN`, compared by
//! its SHA-256 in constant time; without a configured token every route answers 404.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use ebb_core::Brand;
use ebb_store::admins::Admin;
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath};
use crate::auth::configured_secret;
use crate::provision::{self, AdminPassword, NewPassword};
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/operator`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_brand))
        .routes(routes!(create_admin))
        .routes(routes!(reset_admin_password))
}

/// The operator, authenticated by the configured operator token.
pub struct OperatorAuth;

impl FromRequestParts<AppState> for OperatorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let expected = state.settings.operator_token.as_deref();
        configured_secret(parts, expected, "operator API").map(|()| Self)
    }
}

/// A new brand.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBrand {
    /// URL-safe short name (2 to 40 lowercase letters, digits or dashes).
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// Create a brand with default settings (as `ebb brand create`).
#[utoipa::path(post, path = "/brands", tag = "operator", request_body = NewBrand,
    responses((status = 201, description = "The brand", body = Brand)))]
async fn create_brand(
    State(state): State<AppState>,
    _: OperatorAuth,
    ApiJson(new): ApiJson<NewBrand>,
) -> Result<(StatusCode, Json<Brand>), ApiError> {
    let now = state.clock.now();
    let brand = provision::create_brand(&state.store, &new.slug, &new.name, now).await?;
    Ok((StatusCode::CREATED, Json(brand)))
}

/// A new admin of a brand.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdmin {
    /// Login e-mail (trimmed and lowercased).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Their password; one is generated (and returned once) when absent.
    pub password: Option<String>,
}

/// A password reset of an admin.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminReset {
    /// The admin's login e-mail.
    pub email: String,
    /// The new password; one is generated (and returned once) when absent.
    pub password: Option<String>,
}

/// An admin created or given a new password.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AdminCredentials {
    /// The admin.
    pub admin: Admin,
    /// The generated password (shown once); `null` when one was given.
    pub password: Option<String>,
    /// How many of their sessions ended.
    pub sessions_ended: u64,
}

impl From<AdminPassword> for AdminCredentials {
    fn from(done: AdminPassword) -> Self {
        Self {
            admin: done.admin,
            password: done.generated,
            sessions_ended: done.sessions_ended,
        }
    }
}

fn new_password(given: Option<String>) -> NewPassword {
    given.map_or(NewPassword::Generate, NewPassword::Given)
}

/// Create an admin of the brand (as `ebb admin create`).
#[utoipa::path(post, path = "/brands/{brand}/admins", tag = "operator", request_body = NewAdmin,
    responses((status = 201, description = "The admin (and a generated password)", body = AdminCredentials)))]
async fn create_admin(
    State(state): State<AppState>,
    _: OperatorAuth,
    ApiPath(brand): ApiPath<String>,
    ApiJson(new): ApiJson<NewAdmin>,
) -> Result<(StatusCode, Json<AdminCredentials>), ApiError> {
    let gate = (&state.store, state.passwords.as_ref());
    let password = new_password(new.password);
    let now = state.clock.now();
    let done = provision::create_admin(gate, &brand, &new.email, &new.name, password, now).await?;
    Ok((StatusCode::CREATED, Json(done.into())))
}

/// Give an admin a new password and end their sessions (as `ebb admin reset-password`).
#[utoipa::path(post, path = "/brands/{brand}/admins/password-reset", tag = "operator",
    request_body = AdminReset,
    responses((status = 200, description = "The admin (and a generated password)", body = AdminCredentials)))]
async fn reset_admin_password(
    State(state): State<AppState>,
    _: OperatorAuth,
    ApiPath(brand): ApiPath<String>,
    ApiJson(reset): ApiJson<AdminReset>,
) -> Result<Json<AdminCredentials>, ApiError> {
    let gate = (&state.store, state.passwords.as_ref());
    let password = new_password(reset.password);
    let done = provision::reset_admin_password(gate, &brand, &reset.email, password).await?;
    Ok(Json(done.into()))
}
