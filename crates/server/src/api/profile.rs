//! Experts' public profiles: an expert sets their own display name and avatar, an admin
//! sets them for any expert of the brand, and a visitor reads the profile of an expert of
//! the brand (the widget shows who answers). Avatars are https URLs only.

use axum::Json;
use axum::extract::State;
use ebb_core::profile::{AvatarUrl, Profile, initials};
use ebb_core::{BrandId, DisplayName, ExpertId};
use ebb_store::profiles::{self, PublicProfile};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath};
use crate::auth::{AdminAuth, ExpertAuth, VisitorAuth};
use crate::{ApiError, AppState};

/// `/profile` (merged under `/api/v1/expert`).
pub fn expert_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(own, set_own))
}

/// `/experts/{id}/profile` (merged under `/api/v1/admin`).
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(admin_set))
}

/// `/experts/{id}` (merged under `/api/v1/widget/{brand}`).
pub fn widget_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(for_visitor))
}

/// What a visitor sees of an expert.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct ProfileView {
    /// The display name, else the account name.
    pub name: String,
    /// An https avatar image, if set.
    pub avatar_url: Option<String>,
    /// Up to two initials of `name`, for when there is no avatar.
    pub initials: String,
    /// The display name as set (`null`: the account name shows).
    pub display_name: Option<String>,
}

impl From<PublicProfile> for ProfileView {
    fn from(p: PublicProfile) -> Self {
        let display_name = p.profile.display_name.map(|n| n.as_str().to_owned());
        let name = display_name.clone().unwrap_or(p.name);
        Self {
            initials: initials(&name),
            name,
            avatar_url: p.profile.avatar_url.map(|u| u.as_str().to_owned()),
            display_name,
        }
    }
}

/// A new public profile; a missing or blank field clears it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    /// 1 to 100 characters, or blank for the account name.
    pub display_name: Option<String>,
    /// An `https://` image address (at most 500 bytes), or blank for initials.
    pub avatar_url: Option<String>,
}

impl ProfileChange {
    fn parse(&self) -> Result<Profile, ApiError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Profile {
            display_name: given(&self.display_name)
                .map(|n| DisplayName::parse(&n))
                .transpose()?,
            avatar_url: given(&self.avatar_url)
                .map(|u| AvatarUrl::parse(&u))
                .transpose()?,
        })
    }
}

async fn load(state: &AppState, brand: BrandId, id: ExpertId) -> Result<ProfileView, ApiError> {
    let mut conn = state.store.conn().await?;
    let found = profiles::get(&mut conn, brand, id).await?;
    Ok(found.ok_or(ApiError::NotFound("expert"))?.into())
}

async fn save(
    state: &AppState,
    brand: BrandId,
    id: ExpertId,
    change: &ProfileChange,
) -> Result<ProfileView, ApiError> {
    let profile = change.parse()?;
    let mut conn = state.store.conn().await?;
    if !profiles::set(&mut conn, brand, id, &profile).await? {
        return Err(ApiError::NotFound("expert"));
    }
    drop(conn);
    load(state, brand, id).await
}

/// The expert's own public profile.
#[utoipa::path(get, path = "/profile", tag = "expert",
    responses((status = 200, description = "The profile", body = ProfileView)))]
async fn own(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(load(&state, expert.brand_id, expert.id).await?))
}

/// Set the expert's own display name and avatar (422 `invalid-body` for a non-https URL).
#[utoipa::path(put, path = "/profile", tag = "expert", request_body = ProfileChange,
    responses((status = 200, description = "The profile", body = ProfileView)))]
async fn set_own(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiJson(change): ApiJson<ProfileChange>,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(
        save(&state, expert.brand_id, expert.id, &change).await?,
    ))
}

/// Set an expert's display name and avatar (422 `invalid-body` for a non-https URL).
#[utoipa::path(put, path = "/experts/{id}/profile", tag = "admin", request_body = ProfileChange,
    responses((status = 200, description = "The profile", body = ProfileView)))]
async fn admin_set(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ExpertId>,
    ApiJson(change): ApiJson<ProfileChange>,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(save(&state, admin.brand_id, id, &change).await?))
}

/// Who answers: the public profile of an expert of the brand.
#[utoipa::path(get, path = "/experts/{id}", tag = "visitor",
    responses((status = 200, description = "The profile", body = ProfileView)))]
async fn for_visitor(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ExpertId)>,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(load(&state, auth.brand.id, id).await?))
}
