//! Prometheus metrics at `GET /metrics`: the process-wide recorder (installed once), the
//! handler of the API listener (only with the bearer token `--metrics-token`) and the
//! router of the metrics listener (`--metrics-listen`). The metrics themselves are recorded
//! where things happen; their names and meanings are listed in `docs/operations.md`.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder for this process (once; later calls do nothing).
/// Returns `None` when another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new().install_recorder();
            if let Err(err) = &handle {
                tracing::warn!(error = %err, "no Prometheus recorder: /metrics stays empty");
            }
            let handle = handle.ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    use ::metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        "ebb_ws_connections",
        "Open WebSocket connections on this node"
    );
    describe_gauge!(
        "ebb_bus_connected",
        "1 while this node hears the other nodes"
    );
    describe_counter!(
        "ebb_conversation_changes_total",
        "Committed conversation changes (messages, assignments, snoozes...) on this node"
    );
    describe_counter!("ebb_ws_entries_sent_total", "Timeline entries pushed live");
    describe_counter!(
        "ebb_connections_refused_total",
        "Connections closed at accept: their IP held the most connections allowed"
    );
    describe_counter!(
        "ebb_ws_oversized_messages_total",
        "WebSockets closed with 1009: a client message over the size limit"
    );
    describe_counter!("ebb_bus_published_total", "Messages sent to other nodes");
    describe_counter!("ebb_bus_received_total", "Messages heard from other nodes");
    describe_counter!(
        "ebb_bus_dropped_total",
        "Messages to other nodes dropped (queue full or NATS away); clients resync"
    );
    describe_counter!("ebb_timers_fired_total", "Snooze timers fired by this node");
    describe_gauge!(
        "ebb_queue_waiting",
        "Conversations waiting for a slot, per brand, counted when metrics are scraped"
    );
    describe_histogram!(
        "ebb_assignment_latency_seconds",
        Unit::Seconds,
        "Time to decide and write the assignments once slots freed, in the freeing transaction"
    );
    describe_histogram!(
        "ebb_queue_wait_seconds",
        Unit::Seconds,
        "How long each conversation waited in the queue before it was assigned"
    );
    describe_histogram!(
        "ebb_timer_lag_seconds",
        Unit::Seconds,
        "How late a snooze timer fired after it was due"
    );
}

/// Prometheus metrics, for a scraper holding the metrics token.
///
/// Answers only with `Authorization: Bearer <--metrics-token>`: 401 with another token or
/// none, 404 when no token is configured (then metrics are served only on the metrics
/// listener, `--metrics-listen`, or not at all). The labels name brands, so the public
/// listener never shows them to anyone else.
#[utoipa::path(get, path = "/metrics", tag = "public",
    responses(
        (status = 200, description = "The Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "Missing or wrong metrics token", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No metrics token configured: metrics are not served here", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn serve(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let expected = state
        .settings
        .metrics_token
        .as_deref()
        .ok_or(ApiError::NotFound("metrics"))?;
    let given = crate::auth::bearer_header(&headers).ok_or(ApiError::Unauthorized)?;
    if !same_token(given, expected) {
        return Err(ApiError::Unauthorized);
    }
    Ok(render(&state).await)
}

/// Whether two tokens are equal, comparing their SHA-256 digests so the time taken does not
/// tell how much of a guess was right.
fn same_token(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// The router of the metrics listener: `GET /metrics` for anyone who reaches it (bind it to
/// a private address), everything else 404.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(|State(state): State<AppState>| async move { render(&state).await }),
        )
        .fallback(|| async { ApiError::NotFound("route") })
        .with_state(state)
}

/// Sets `ebb_queue_waiting` for every brand from the store (counted on the index at scrape
/// time, so routing never counts its queue).
async fn record_queues(state: &AppState) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    for (brand, n) in ebb_store::conversations::queue_lengths(&mut conn).await? {
        let label = [("brand", brand.to_string())];
        ::metrics::gauge!("ebb_queue_waiting", &label).set(n as f64);
    }
    Ok(())
}

/// The current metrics in the Prometheus text format.
async fn render(state: &AppState) -> Response {
    match install() {
        Some(handle) => {
            if let Err(err) = record_queues(state).await {
                tracing::warn!(error = %err, "queue gauge not refreshed");
            }
            handle.run_upkeep();
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                handle.render(),
            )
                .into_response()
        }
        None => (StatusCode::SERVICE_UNAVAILABLE, "no metrics recorder").into_response(),
    }
}
