//! Office hours (admin): the brand's schedule and each expert's own. Setting one routes
//! the brand again at once (someone may now be in hours). Bad schedules answer 422.

use axum::Json;
use axum::extract::State;
use ebb_core::ExpertId;
use ebb_core::schedule::{Schedule, ScheduleSpec};
use ebb_store::{experts, office_hours};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::{ApiJson, ApiPath};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState, desk};

/// Office hours routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_hours, put_hours))
        .routes(routes!(put_expert_hours))
}

/// A schedule to set, or `null` to remove it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetHours {
    /// The schedule (`null`: none; for an expert, follow the brand's).
    pub hours: Option<ScheduleSpec>,
}

/// An expert's own schedule.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExpertHours {
    /// The expert.
    pub expert_id: ExpertId,
    /// Their schedule, normalized.
    pub hours: ScheduleSpec,
}

/// The brand's office hours and the experts who have their own.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OfficeHours {
    /// The brand's schedule (`null`: always open).
    pub hours: Option<ScheduleSpec>,
    /// Experts with a schedule of their own (the others follow the brand's).
    pub experts: Vec<ExpertHours>,
}

/// The brand's office hours.
#[utoipa::path(get, path = "/hours", tag = "admin",
    responses((status = 200, description = "The office hours", body = OfficeHours)))]
async fn get_hours(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<OfficeHours>, ApiError> {
    let mut conn = state.store.conn().await?;
    let hours = office_hours::brand(&mut conn, admin.brand_id).await?;
    let own = office_hours::experts(&mut conn, admin.brand_id).await?;
    Ok(Json(OfficeHours {
        hours: hours.map(ScheduleSpec::from),
        experts: own
            .into_iter()
            .map(|(expert_id, s)| ExpertHours {
                expert_id,
                hours: s.into(),
            })
            .collect(),
    }))
}

/// Set (or remove) the brand's office hours: 422 for an unknown zone, a bad time,
/// overlapping intervals or an interval that does not end after it starts.
#[utoipa::path(put, path = "/hours", tag = "admin", request_body = SetHours,
    responses((status = 200, description = "The office hours", body = OfficeHours)))]
async fn put_hours(
    State(state): State<AppState>,
    admin: AdminAuth,
    ApiJson(req): ApiJson<SetHours>,
) -> Result<Json<OfficeHours>, ApiError> {
    let schedule = req.hours.map(Schedule::parse).transpose()?;
    let brand = admin.0.brand_id;
    set_and_route(&state, brand, async |tx| {
        office_hours::set_brand(tx, brand, schedule.as_ref()).await?;
        Ok(())
    })
    .await?;
    // The measured reply time counts open hours only: measure it again.
    state.reply_times.forget(brand);
    get_hours(State(state), admin).await
}

/// Set (or remove) an expert's own office hours (without: they follow the brand's).
#[utoipa::path(put, path = "/experts/{id}/hours", tag = "admin", request_body = SetHours,
    params(("id" = ExpertId, Path, description = "The expert")),
    responses((status = 200, description = "The office hours", body = OfficeHours)))]
async fn put_expert_hours(
    State(state): State<AppState>,
    admin: AdminAuth,
    ApiPath(id): ApiPath<ExpertId>,
    ApiJson(req): ApiJson<SetHours>,
) -> Result<Json<OfficeHours>, ApiError> {
    let schedule = req.hours.map(Schedule::parse).transpose()?;
    let brand = admin.0.brand_id;
    set_and_route(&state, brand, async |tx| {
        if !office_hours::set_expert(tx, brand, id, schedule.as_ref()).await? {
            return Err(ApiError::NotFound("expert"));
        }
        Ok(())
    })
    .await?;
    get_hours(State(state), admin).await
}

/// Locks the brand's experts, applies `set`, routes the brand, commits and publishes.
async fn set_and_route(
    state: &AppState,
    brand: ebb_core::BrandId,
    set: impl AsyncFnOnce(&mut ebb_store::Tx) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    experts::loads_locked(&mut tx, brand).await?;
    set(&mut tx).await?;
    let routed = desk::route(&mut tx, brand, now, &state.presence).await?;
    tx.commit().await?;
    for (conv, entries) in &routed {
        state.bus.publish(desk::routed_hint(conv, entries, None));
    }
    state.scheduler_wakeup.notify_one();
    Ok(())
}
