//! The test clock API, mounted only with `--test-clock`: read the server's time and move
//! it forward (the offset is stored, so it survives restarts and other nodes pick it up).
//! Never in production.

use axum::Json;
use axum::extract::State;
use ebb_core::Instant;
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::api::ApiJson;
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest single jump allowed (a year).
pub const MAX_ADVANCE_SECONDS: i64 = 366 * 24 * 3600;

/// Routes under `/api/v1/test/clock`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(now))
        .routes(routes!(advance))
}

/// The server's time.
#[derive(Serialize, utoipa::ToSchema)]
struct Now {
    /// RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    now: Instant,
}

/// Test clock: now.
#[utoipa::path(get, path = "/", tag = "testclock",
    responses((status = 200, description = "The server's time", body = Now)))]
async fn now(State(state): State<AppState>) -> Json<Now> {
    Json(Now {
        now: state.clock.now(),
    })
}

/// How far to move the clock.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// Seconds, 1 to 31622400 (366 days).
    seconds: i64,
}

/// Test clock: move forward (due snoozes wake up).
#[utoipa::path(post, path = "/advance", tag = "testclock", request_body = Advance,
    responses((status = 200, description = "The server's new time", body = Now)))]
async fn advance(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<Advance>,
) -> Result<Json<Now>, ApiError> {
    if !(1..=MAX_ADVANCE_SECONDS).contains(&req.seconds) {
        return Err(ApiError::Invalid(format!(
            "seconds must be between 1 and {MAX_ADVANCE_SECONDS}"
        )));
    }
    let mut tx = state.store.begin().await?;
    state
        .clock
        .sync_offset(ebb_store::clock_offset::get(&mut tx).await?);
    let offset = state
        .clock
        .advance(Duration::seconds(req.seconds))
        .ok_or(ApiError::Forbidden("this clock cannot be moved"))?;
    ebb_store::clock_offset::set(&mut tx, offset).await?;
    tx.commit().await?;
    state.bus.clock_moved();
    state.time_moved();
    Ok(Json(Now {
        now: state.clock.now(),
    }))
}
