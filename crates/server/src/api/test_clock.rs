//! The test clock API, mounted only with `--test-clock`: read the server's time and move
//! it forward (the offset is stored, so it survives restarts and other nodes pick it up).
//! Never in production.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use ebb_core::Instant;
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::api::ApiJson;
use crate::{ApiError, AppState};

/// The longest single jump allowed (a year).
pub const MAX_ADVANCE_SECONDS: i64 = 366 * 24 * 3600;

/// Routes under `/api/v1/test/clock`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(now))
        .route("/advance", post(advance))
}

#[derive(Serialize)]
struct Now {
    #[serde(with = "time::serde::rfc3339")]
    now: Instant,
}

async fn now(State(state): State<AppState>) -> Json<Now> {
    Json(Now {
        now: state.clock.now(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

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
    state.scheduler_wakeup.notify_one();
    Ok(Json(Now {
        now: state.clock.now(),
    }))
}
