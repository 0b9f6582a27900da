//! One-time password links of experts: an admin invites an expert (a pending account and
//! an invitation link) or issues a reset link; the expert chooses their password through
//! `POST /api/v1/auth/password`, which works once, before the link expires, and ends all
//! their sessions.

use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::account::links::LinkPurpose;
use ebb_core::{BrandId, ExpertId, Instant, Password};
use ebb_store::password_tokens;
use ebb_store::sessions::{self, Holder};
use ebb_store::{Tx, brands, experts};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::auth::{hash_token, new_token};
use crate::{ApiError, AppState, desk};

/// A one-time link, shown once to the admin who asked for it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OneTimeLink {
    /// The secret token.
    pub token: String,
    /// Where the expert uses it: the panel's page with brand and token (append to the
    /// server's address).
    pub path: String,
    /// When it expires.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Instant,
}

/// Issues a link of `purpose` for `expert` of `brand` (voiding their earlier links) in
/// `tx`.
pub async fn issue(
    tx: &mut Tx,
    (brand, slug): (BrandId, &str),
    expert: ExpertId,
    purpose: LinkPurpose,
    now: Instant,
) -> Result<OneTimeLink, ApiError> {
    password_tokens::void_all(tx, brand, expert, now).await?;
    let token = new_token();
    let expires_at = purpose.expires_at(now);
    let hash = hash_token(&token);
    password_tokens::insert(tx, &hash, (brand, expert), purpose, now, expires_at).await?;
    let path = format!("/panel/?brand={slug}#set-password={token}");
    Ok(OneTimeLink {
        token,
        path,
        expires_at,
    })
}

/// Choosing a password through a one-time link.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The brand's slug.
    pub brand: String,
    /// The link's token.
    pub token: String,
    /// The new password (10 to 256 characters, no control characters).
    pub password: String,
}

/// Set an expert's password through an invitation or reset link (works once).
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "public", request_body = SetPassword,
    responses((status = 204, description = "Password set; every session of the expert ended")))]
pub async fn set_password(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SetPassword>,
) -> Result<StatusCode, ApiError> {
    const GONE: ApiError = ApiError::NotFound("password link (unknown, used or expired)");
    let password = Password::parse(&req.password)?;
    let mut conn = state.store.conn().await?;
    let brand = brands::by_slug(&mut conn, &req.brand).await?.ok_or(GONE)?;
    drop(conn);
    let hash = state.passwords.hash(password.expose().to_owned()).await?;
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let (expert, _) = password_tokens::redeem(&mut tx, brand.id, &hash_token(&req.token), now)
        .await?
        .ok_or(GONE)?;
    if !experts::set_password(&mut tx, brand.id, expert, &hash).await? {
        return Err(GONE);
    }
    password_tokens::void_all(&mut tx, brand.id, expert, now).await?;
    sessions::close_all(&mut tx, brand.id, Holder::Expert(expert)).await?;
    tx.commit().await?;
    desk::offline_without_sessions(&state, brand.id, expert).await?;
    Ok(StatusCode::NO_CONTENT)
}
