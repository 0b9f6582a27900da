//! The HTTP router: health checks and one sub-router per audience.

pub mod account;
pub mod admin;
pub mod expert;
pub(crate) mod found;
pub mod inbound;
pub mod input;
pub mod links;
pub mod login;
pub mod mail;
pub mod operator;
pub mod page;
pub mod period;
pub mod profile;
pub mod search;
pub mod server;
pub mod test_clock;
pub mod transcript;
pub mod widget;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::{Json, Router};
use ebb_core::{Conversation, Entry};
use serde::Serialize;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, AppState};

/// JSON body extractor whose rejections are problem+json; a NUL in any string of the body
/// is refused (see [`input`]).
pub struct ApiJson<T>(pub T);

/// Query-string extractor whose rejections are problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path extractor whose rejections are problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The largest page of timeline entries returned at once.
pub const MAX_PAGE: u32 = 500;

/// A conversation with (part of) its timeline.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct ConversationWithEntries {
    /// The conversation.
    pub conversation: Conversation,
    /// Timeline entries, in seq order.
    pub entries: Vec<Entry>,
}

/// The API of every audience and the WebSocket, behind the body-size cap and the per-IP
/// rate limit.
/// The span of a request: method and path only. The query string is left out because
/// `/ws?token=...` carries a bearer token that must never reach the logs.
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        http.method = %request.method(),
        http.path = %request.uri().path()
    )
}

/// CORS for the widget API, which brands' pages call from their own origin. Any origin
/// may ask; which origins are accepted is the brand's `allowed_origins`, checked on every
/// request by [`crate::auth::VisitorAuth`] (bearer tokens, no cookies, so nothing rides on
/// a visitor's browser).
fn widget_cors() -> tower_http::cors::CorsLayer {
    use axum::http::{Method, header};
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

/// The routes of every audience and the WebSocket, with their OpenAPI descriptions.
fn audiences() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .nest(
            "/api/v1/widget/{brand}",
            widget::router().layer(widget_cors()),
        )
        .nest(
            "/api/v1/expert",
            expert::router()
                .merge(account::expert_router())
                .merge(search::expert_router()),
        )
        .nest(
            "/api/v1/admin",
            admin::router()
                .merge(account::admin_router())
                .merge(search::admin_router()),
        )
        .nest("/api/v1/server", server::router())
        .nest("/api/v1/operator", operator::router())
        .nest("/api/v1/inbound", inbound::router())
        .nest("/api/v1/mail", mail::router())
        .routes(routes!(expert::login))
        .routes(routes!(links::set_password))
        .routes(routes!(crate::ws::upgrade))
        .routes(routes!(crate::openapi::serve))
}

/// Health checks and metrics: outside the body cap and the rate limit.
fn health() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(ready))
        .routes(routes!(crate::metrics::serve))
}

/// Every route the OpenAPI document describes (the test clock included), from which
/// [`crate::openapi::document`] is generated.
pub fn documented() -> OpenApiRouter<AppState> {
    health()
        .merge(audiences())
        .nest("/api/v1/test/clock", test_clock::router())
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let test_clock = if state.settings.test_clock {
        Router::new().nest("/api/v1/test/clock", Router::from(test_clock::router()))
    } else {
        Router::new()
    };
    let api = Router::from(audiences())
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::limits::MAX_BODY_BYTES,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::limits::per_ip,
        ))
        .route_layer(axum::middleware::from_fn(
            crate::openapi::require_documented,
        ))
        .route_layer(axum::middleware::from_fn(input::refuse_nul_in_uri));
    Router::new()
        .merge(test_clock)
        .merge(Router::from(health()))
        .merge(api)
        .merge(crate::web::router())
        .fallback(|| async { ApiError::NotFound("route") })
        .layer(axum::middleware::map_response(input::problem_for_405))
        .layer(axum::middleware::from_fn(crate::headers::secure))
        .layer(tower_http::timeout::RequestBodyDeadlineLayer::new(
            state.settings.connections.body_timeout,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "public",
    responses((status = 200, description = "The process is up", body = String, content_type = "text/plain")))]
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness (the database answers; `degraded` without NATS).
///
/// 503 when the database does not answer or does not take writes (a full disk, an I/O
/// error: after a write failed this tries a small one, so it turns ready again by itself
/// once space is back); 200 `ready`, or 200 `degraded: ...`
/// while NATS is configured but unreachable (the node still serves and stores everything
/// for its own clients; other nodes' changes reach them when NATS returns).
#[utoipa::path(get, path = "/readyz", tag = "public",
    responses((status = 200, description = "`ready`, or `degraded: ...` without NATS", body = String, content_type = "text/plain")))]
async fn ready(State(state): State<AppState>) -> Result<(StatusCode, &'static str), ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    if !state.store.writable().await {
        return Err(ApiError::Unavailable);
    }
    match state.bus.status() {
        crate::bus::BusStatus::Disconnected => Ok((
            StatusCode::OK,
            "degraded: NATS unreachable; serving this node's clients only",
        )),
        _ => Ok((StatusCode::OK, "ready")),
    }
}

impl From<crate::desk::Outcome> for ConversationWithEntries {
    fn from(out: crate::desk::Outcome) -> Self {
        Self {
            conversation: out.conversation,
            entries: out.entries,
        }
    }
}

/// The answer to a write a `client_msg_id` makes idempotent: 201, or 200 for a retry.
pub fn created_outcome(out: crate::desk::Outcome) -> (StatusCode, Json<ConversationWithEntries>) {
    created(out.replayed, out.into())
}

/// `Json` with a status code: 201, or 200 when the write was `replayed`.
pub fn created<T: Serialize>(replayed: bool, body: T) -> (StatusCode, Json<T>) {
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (status, Json(body))
}
