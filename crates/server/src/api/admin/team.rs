//! The admin's team endpoints: experts (list, invite with a one-time link, password reset
//! link, capacity, async cap, disable) and the brand's API keys (create, shown once; list; revoke).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::account::links::LinkPurpose;
use ebb_core::expert::validate_capacity;
use ebb_core::slots::Slots;
use ebb_core::{DisplayName, Email, Expert, ExpertId, ExpertStatus};
use ebb_store::api_keys::{self, ApiKey};
use ebb_store::experts;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::super::page::{Order, PageQuery};
use super::super::{ApiJson, ApiPath, ApiQuery, found};
use crate::api::links::{self, OneTimeLink};
use crate::auth::{AdminAuth, hash_token, new_token};
use crate::{ApiError, AppState, desk};
use ebb_store::page::Cursor;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Team routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_experts, invite))
        .routes(routes!(update_expert))
        .routes(routes!(reset_link))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
}

/// An expert as the admin sees them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    /// The expert.
    #[serde(flatten)]
    pub expert: Expert,
    /// Disabled experts cannot log in.
    pub disabled: bool,
    /// Invited, but their password is not chosen yet (they cannot log in).
    pub pending: bool,
    /// Their slots as core counts them.
    pub slots: SlotsView,
}

/// An expert's slots with the free count core computed, for UIs to show as they are.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SlotsView {
    /// Conversations holding one of their slots.
    pub held: u32,
    /// Their capacity.
    pub capacity: u32,
    /// How many more they can take.
    pub free: u32,
}

impl From<Slots> for SlotsView {
    fn from(s: Slots) -> Self {
        Self {
            held: s.held,
            capacity: s.capacity,
            free: s.free(),
        }
    }
}

impl TeamMember {
    /// `expert` with their slots from the brand's `held` counts.
    fn new(expert: Expert, (disabled, pending): (bool, bool), held: &[(ExpertId, u32)]) -> Self {
        let slots = Slots {
            held: experts::held_by(held, expert.id),
            capacity: expert.capacity,
        };
        Self {
            expert,
            disabled,
            pending,
            slots: slots.into(),
        }
    }
}

crate::api::page::page_body! {
    /// The brand's experts.
    struct Team {
        /// Every expert, disabled ones included, in the order they were invited.
        experts: Vec<TeamMember>
    }
}

/// The team.
#[utoipa::path(get, path = "/experts", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The experts", body = Team)))]
async fn list_experts(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Team>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = experts::list(&mut conn, admin.brand_id).await?;
    let (all, next_cursor) = page.slice_by_id(all, |e| e.id.0)?;
    let disabled = experts::disabled(&mut conn, admin.brand_id).await?;
    let pending = experts::pending(&mut conn, admin.brand_id).await?;
    let held = experts::held_counts(&mut conn, admin.brand_id).await?;
    let experts = all
        .into_iter()
        .map(|expert| {
            let flags = (disabled.contains(&expert.id), pending.contains(&expert.id));
            TeamMember::new(expert, flags, &held)
        })
        .collect();
    Ok(Json(Team {
        experts,
        next_cursor,
    }))
}

/// A new expert.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// Login e-mail (unique in the brand; trimmed and lowercased).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Capacity (0 to 50).
    pub capacity: u32,
}

/// An invited expert and the one-time link through which they choose their password.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Invited {
    /// The expert (offline, pending until they choose a password).
    #[serde(flatten)]
    pub expert: Expert,
    /// The invitation, shown once.
    pub invitation: OneTimeLink,
}

/// Invite an expert: a pending account and a one-time link to choose their password.
#[utoipa::path(post, path = "/experts", tag = "admin", request_body = Invite,
    responses((status = 201, description = "The expert (offline, pending) and their invitation link", body = Invited)))]
async fn invite(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(invite): ApiJson<Invite>,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let expert = Expert {
        id: ebb_store::ids::new_id(),
        brand_id: admin.brand_id,
        name: DisplayName::parse(&invite.name)?.as_str().to_owned(),
        email: Email::parse(&invite.email)?.as_str().to_owned(),
        capacity: validate_capacity(invite.capacity)?,
        status: ExpertStatus::Offline,
        async_cap: None,
    };
    let now = state.clock.now();
    let brand = super::own_brand(&state, &admin).await?;
    let mut tx = state.store.begin().await?;
    experts::insert(&mut tx, &expert, experts::PENDING_PASSWORD, now).await?;
    let link = (admin.brand_id, brand.slug.as_str());
    let invitation = links::issue(&mut tx, link, expert.id, LinkPurpose::Invite, now).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(Invited { expert, invitation })))
}

/// Issue a one-time password reset link for an expert of the brand (earlier links void).
#[utoipa::path(post, path = "/experts/{id}/password-reset", tag = "admin",
    responses((status = 201, description = "The reset link, shown once", body = OneTimeLink)))]
async fn reset_link(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ExpertId>,
) -> Result<(StatusCode, Json<OneTimeLink>), ApiError> {
    let brand = super::own_brand(&state, &admin).await?;
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    found::expert(&mut tx, admin.brand_id, id).await?;
    let link = (admin.brand_id, brand.slug.as_str());
    let issued = links::issue(&mut tx, link, id, LinkPurpose::Reset, now).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Changes to an expert.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertChange {
    /// New capacity (0 to 50).
    pub capacity: Option<u32>,
    /// New async cap (at most the capacity; `null` lifts it): how many of the expert's
    /// slots may hold conversations whose visitor is not online. Unchanged when absent.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub async_cap: Option<Option<u32>>,
    /// Disable (logs out, sets offline, passes their conversations on to the team) or
    /// re-enable.
    pub disabled: Option<bool>,
    /// New availability.
    pub status: Option<ExpertStatus>,
}

/// A field that is present in the body, `null` included (absent fields stay `None`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Change an expert's capacity or async cap, or disable / re-enable them.
#[utoipa::path(patch, path = "/experts/{id}", tag = "admin", request_body = ExpertChange,
    responses((status = 200, description = "The expert", body = TeamMember)))]
async fn update_expert(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ExpertId>,
    ApiJson(change): ApiJson<ExpertChange>,
) -> Result<Json<TeamMember>, ApiError> {
    let brand = admin.brand_id;
    let update = desk::ExpertUpdate {
        capacity: change.capacity.map(validate_capacity).transpose()?,
        async_cap: change.async_cap,
        disabled: change.disabled,
        status: change.status,
    };
    desk::update_expert(&state, brand, id, update).await?;
    let mut conn = state.store.conn().await?;
    let expert = found::expert(&mut conn, brand, id).await?;
    let disabled = experts::disabled(&mut conn, brand).await?.contains(&id);
    let pending = experts::pending(&mut conn, brand).await?.contains(&id);
    let held = experts::held_counts(&mut conn, brand).await?;
    Ok(Json(TeamMember::new(expert, (disabled, pending), &held)))
}

crate::api::page::page_body! {
    /// The brand's live API keys (never their secrets).
    struct KeyList {
        /// Oldest first.
        api_keys: Vec<ApiKey>
    }
}

/// Live API keys.
#[utoipa::path(get, path = "/api-keys", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The keys", body = KeyList)))]
async fn list_keys(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<KeyList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = api_keys::list(&mut conn, admin.brand_id).await?;
    Ok(Json(
        page.slice(all, Order::Ascending, |k| Cursor::new(k.created_at, k.id))?
            .into(),
    ))
}

/// A new API key's label.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// What the key is for, e.g. "CRM sync".
    pub name: String,
}

/// A key just created: the only time its secret is shown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    /// The key's description.
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The secret, for `Authorization: Bearer` on `/api/v1/server`.
    pub key: String,
}

/// Create an API key (its secret is shown once).
#[utoipa::path(post, path = "/api-keys", tag = "admin", request_body = NewKey,
    responses((status = 201, description = "The key and its secret", body = CreatedKey)))]
async fn create_key(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let name = DisplayName::parse(&new.name)?;
    let name = name.as_str();
    let key = format!("ebb_{}", new_token());
    let api_key = ApiKey {
        id: Uuid::now_v7(),
        name: name.to_owned(),
        created_at: state.clock.now(),
    };
    let mut tx = state.store.begin().await?;
    api_keys::insert(&mut tx, admin.brand_id, &api_key, &hash_token(&key)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedKey { api_key, key })))
}

/// Revoke an API key.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "admin",
    responses((status = 204, description = "Revoked")))]
async fn revoke_key(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.begin().await?;
    let done = api_keys::revoke(&mut tx, admin.brand_id, id, state.clock.now()).await?;
    tx.commit().await?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("api key"))
    }
}
