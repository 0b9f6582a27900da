//! Account self-service of experts and admins: list and revoke their own sessions, log
//! out on the server, change their own password (the current one required; their other
//! sessions end). An expert whose last session ends goes offline.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ebb_core::{BrandId, Password};
use ebb_store::sessions::{self, Holder, SessionInfo};
use ebb_store::{admins, experts};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath, found};
use crate::auth::{AdminAuth, ExpertAuth, bearer_header, hash_token};
use crate::{ApiError, AppState, desk};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/expert`.
pub fn expert_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(expert_sessions))
        .routes(routes!(expert_revoke))
        .routes(routes!(expert_password))
}

/// Routes added under `/api/v1/admin`.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_logout))
        .routes(routes!(admin_sessions))
        .routes(routes!(admin_revoke))
        .routes(routes!(admin_password))
        .routes(routes!(revoke_expert_sessions))
}

/// The caller's live sessions.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Sessions {
    /// Oldest first.
    pub sessions: Vec<SessionView>,
}

/// A live session.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// The session.
    #[serde(flatten)]
    pub session: SessionInfo,
    /// Is it the one this request came with?
    pub current: bool,
}

/// A password change: the current password and the new one.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// The new password (10 to 256 characters, no control characters).
    pub new_password: String,
}

/// The session token hash of a request.
fn current(headers: &HeaderMap) -> Result<Vec<u8>, ApiError> {
    bearer_header(headers)
        .map(hash_token)
        .ok_or(ApiError::Unauthorized)
}

async fn list(
    state: &AppState,
    brand: BrandId,
    holder: Holder,
    headers: &HeaderMap,
) -> Result<Json<Sessions>, ApiError> {
    let own = sessions::id_of(&current(headers)?);
    let mut conn = state.store.conn().await?;
    let all = sessions::list(&mut conn, brand, holder, state.clock.now()).await?;
    let sessions = all
        .into_iter()
        .map(|session| SessionView {
            current: session.id == own,
            session,
        })
        .collect();
    Ok(Json(Sessions { sessions }))
}

async fn revoke(
    state: &AppState,
    brand: BrandId,
    holder: Holder,
    id: &str,
) -> Result<StatusCode, ApiError> {
    let hash = sessions::hash_of(id).ok_or(ApiError::NotFound("session"))?;
    let mut tx = state.store.begin().await?;
    let done = sessions::close(&mut tx, brand, holder, &hash).await?;
    tx.commit().await?;
    if !done {
        return Err(ApiError::NotFound("session"));
    }
    if let Holder::Expert(expert) = holder {
        desk::offline_without_sessions(state, brand, expert).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The password hash stored for `holder`, found by its e-mail address `email`.
async fn stored_hash(
    state: &AppState,
    (brand, holder): (BrandId, Holder),
    email: &str,
) -> Result<Option<String>, ApiError> {
    let mut conn = state.store.conn().await?;
    Ok(match holder {
        Holder::Expert(id) => experts::by_email(&mut conn, brand, email)
            .await?
            .filter(|(e, _)| e.id == id)
            .map(|(_, hash)| hash),
        Holder::Admin(id) => admins::by_email(&mut conn, brand, email)
            .await?
            .filter(|(a, _)| a.id == id)
            .map(|(_, hash)| hash),
    })
}

/// Checks the current password of `holder` (whose e-mail address is `email`), stores the
/// new one and ends every other session of `holder`, in one transaction.
async fn change_password(
    state: &AppState,
    (brand, holder): (BrandId, Holder),
    email: &str,
    headers: &HeaderMap,
    change: PasswordChange,
) -> Result<StatusCode, ApiError> {
    let new = Password::parse(&change.new_password)?;
    let stored = stored_hash(state, (brand, holder), email).await?;
    if !state
        .passwords
        .verify(change.current_password, stored)
        .await?
    {
        return Err(ApiError::Forbidden("the current password is wrong"));
    }
    let hash = state.passwords.hash(new.expose().to_owned()).await?;
    let keep = current(headers)?;
    let mut tx = state.store.begin().await?;
    let stored = match holder {
        Holder::Expert(id) => experts::set_password(&mut tx, brand, id, &hash).await?,
        Holder::Admin(id) => admins::set_password(&mut tx, brand, id, &hash).await?,
    };
    if !stored {
        return Err(ApiError::Unauthorized);
    }
    sessions::close_others(&mut tx, brand, holder, &keep).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The expert's live sessions.
#[utoipa::path(get, path = "/sessions", tag = "expert",
    responses((status = 200, description = "Their sessions", body = Sessions)))]
async fn expert_sessions(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    headers: HeaderMap,
) -> Result<Json<Sessions>, ApiError> {
    list(&state, expert.brand_id, Holder::Expert(expert.id), &headers).await
}

/// End one of the expert's sessions (offline when it was the last).
#[utoipa::path(delete, path = "/sessions/{id}", tag = "expert",
    params(("id" = String, Path, description = "The session's id (from the list)")),
    responses((status = 204, description = "Ended")))]
async fn expert_revoke(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    revoke(&state, expert.brand_id, Holder::Expert(expert.id), &id).await
}

/// Change the expert's own password (their other sessions end).
#[utoipa::path(put, path = "/password", tag = "expert", request_body = PasswordChange,
    responses((status = 204, description = "Changed")))]
async fn expert_password(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let holder = (expert.brand_id, Holder::Expert(expert.id));
    change_password(&state, holder, &expert.email, &headers, change).await
}

/// `POST /api/v1/admin/logout`: ends this session on the server.
#[utoipa::path(post, path = "/logout", tag = "admin",
    responses((status = 204, description = "Logged out")))]
async fn admin_logout(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let hash = current(&headers)?;
    let mut tx = state.store.begin().await?;
    sessions::close(&mut tx, admin.brand_id, Holder::Admin(admin.id), &hash).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The admin's live sessions.
#[utoipa::path(get, path = "/sessions", tag = "admin",
    responses((status = 200, description = "Their sessions", body = Sessions)))]
async fn admin_sessions(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    headers: HeaderMap,
) -> Result<Json<Sessions>, ApiError> {
    list(&state, admin.brand_id, Holder::Admin(admin.id), &headers).await
}

/// End one of the admin's own sessions.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "admin",
    params(("id" = String, Path, description = "The session's id (from the list)")),
    responses((status = 204, description = "Ended")))]
async fn admin_revoke(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    revoke(&state, admin.brand_id, Holder::Admin(admin.id), &id).await
}

/// Change the admin's own password (their other sessions end).
#[utoipa::path(put, path = "/password", tag = "admin", request_body = PasswordChange,
    responses((status = 204, description = "Changed")))]
async fn admin_password(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let holder = (admin.brand_id, Holder::Admin(admin.id));
    change_password(&state, holder, &admin.email, &headers, change).await
}

/// End every session of an expert of the admin's brand (they go offline).
#[utoipa::path(delete, path = "/experts/{id}/sessions", tag = "admin",
    responses((status = 204, description = "Their sessions ended")))]
async fn revoke_expert_sessions(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ebb_core::ExpertId>,
) -> Result<StatusCode, ApiError> {
    let brand = admin.brand_id;
    let mut tx = state.store.begin().await?;
    found::expert(&mut tx, brand, id).await?;
    sessions::close_all(&mut tx, brand, Holder::Expert(id)).await?;
    tx.commit().await?;
    desk::offline_without_sessions(&state, brand, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
