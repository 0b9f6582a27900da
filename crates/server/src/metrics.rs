//! Prometheus metrics at `GET /metrics`: the process-wide recorder (installed once) and the
//! handler that renders it. The metrics themselves are recorded where things happen; their
//! names and meanings are listed in `docs/operations.md`.

use std::sync::OnceLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

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
        "Conversations waiting for a slot, per brand, as of its last routing"
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

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "public",
    responses((status = 200, description = "The Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn serve() -> Response {
    match install() {
        Some(handle) => {
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
