//! The OpenAPI 3.1 contract, built with utoipa from [`ROUTES`] (the table of every API
//! route, its audience and summary) and served at `/api/openapi.json`. A test compares it
//! with `docs/openapi.json` and another checks every route against the authorization
//! matrix; details of bodies are in `docs/api.md`.

use axum::Json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, Content, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, Required,
    ResponseBuilder,
};

use crate::error::Problem;

/// Who may call a route, i.e. which credential it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone (health checks, widget bootstrap, logins).
    Public,
    /// A visitor token, with the brand in the path.
    Visitor,
    /// An expert session.
    Expert,
    /// An admin session.
    Admin,
    /// A brand API key.
    Server,
    /// Any visitor token (with `brand`) or session, in the query (WebSocket upgrade).
    Socket,
    /// Nobody in production: mounted only with `--test-clock`.
    TestClock,
}

impl Audience {
    /// The security scheme name in the document, if any.
    pub fn scheme(self) -> Option<&'static str> {
        match self {
            Self::Public | Self::Socket | Self::TestClock => None,
            Self::Visitor => Some("visitor_token"),
            Self::Expert => Some("expert_session"),
            Self::Admin => Some("admin_session"),
            Self::Server => Some("api_key"),
        }
    }
}

/// One route of the API.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/expert/conversations/{id}`.
    pub path: &'static str,
    /// Who may call it.
    pub audience: Audience,
    /// The success status.
    pub ok: u16,
    /// What it does.
    pub summary: &'static str,
}

const fn r(
    method: &'static str,
    path: &'static str,
    audience: Audience,
    ok: u16,
    summary: &'static str,
) -> Route {
    Route {
        method,
        path,
        audience,
        ok,
        summary,
    }
}

use Audience::{Admin, Expert, Public, Server, Socket, TestClock, Visitor};

/// Every API route. Adding a route to a router without a row here fails the route tests.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", Public, 200, "Liveness"),
    r("GET", "/readyz", Public, 200, "Readiness (the database answers; `degraded` without NATS)"),
    r("GET", "/metrics", Public, 200, "Prometheus metrics"),
    r("GET", "/api/openapi.json", Public, 200, "This document"),
    r("GET", "/ws", Socket, 101, "WebSocket (see docs/api.md)"),
    r("GET", "/api/v1/widget/{brand}", Public, 200, "Brand name and reply time"),
    r("POST", "/api/v1/widget/{brand}/visitors", Public, 201, "New anonymous visitor token"),
    r("GET", "/api/v1/widget/{brand}/conversations", Visitor, 200, "The visitor's conversations"),
    r("POST", "/api/v1/widget/{brand}/conversations", Visitor, 201, "Start a conversation"),
    r("GET", "/api/v1/widget/{brand}/conversations/{id}", Visitor, 200, "Read a conversation"),
    r("POST", "/api/v1/widget/{brand}/conversations/{id}/messages", Visitor, 201, "Send"),
    r("POST", "/api/v1/widget/{brand}/conversations/{id}/read", Visitor, 200, "Mark read"),
    r("POST", "/api/v1/widget/{brand}/conversations/{id}/typing", Visitor, 204, "Typing"),
    r("POST", "/api/v1/widget/{brand}/conversations/{id}/csat", Visitor, 201, "Rate a closed conversation"),
    r("POST", "/api/v1/widget/{brand}/purchases", Visitor, 202, "Report a purchase from the page"),
    r("POST", "/api/v1/auth/login", Public, 201, "Expert login"),
    r("GET", "/api/v1/expert/me", Expert, 200, "The expert, slots, queue size"),
    r("PUT", "/api/v1/expert/status", Expert, 204, "Set availability"),
    r("POST", "/api/v1/expert/logout", Expert, 204, "Log out: end this session, go offline"),
    r("GET", "/api/v1/expert/conversations", Expert, 200, "Owned conversations"),
    r("GET", "/api/v1/expert/conversations/{id}", Expert, 200, "Read a conversation"),
    r("POST", "/api/v1/expert/conversations/{id}/messages", Expert, 201, "Reply"),
    r("POST", "/api/v1/expert/conversations/{id}/read", Expert, 200, "Mark read"),
    r("POST", "/api/v1/expert/conversations/{id}/typing", Expert, 204, "Typing"),
    r("POST", "/api/v1/expert/conversations/{id}/snooze", Expert, 200, "Snooze"),
    r("POST", "/api/v1/expert/conversations/{id}/close", Expert, 200, "Close"),
    r("GET", "/api/v1/expert/saved-replies", Expert, 200, "Saved replies"),
    r("GET", "/api/v1/expert/suggestions", Expert, 200, "Coaching suggestions"),
    r("GET", "/api/v1/expert/earnings", Expert, 200, "Earnings statement"),
    r("GET", "/api/v1/expert/earnings.csv", Expert, 200, "Earnings statement (CSV)"),
    r("GET", "/api/v1/expert/missions", Expert, 200, "The expert's missions"),
    r("GET", "/api/v1/expert/csat", Expert, 200, "The expert's satisfaction ratings"),
    r("POST", "/api/v1/admin/login", Public, 201, "Admin login"),
    r("GET", "/api/v1/admin/me", Admin, 200, "The admin and their brand"),
    r("GET", "/api/v1/admin/conversations", Admin, 200, "Every conversation of the brand"),
    r("GET", "/api/v1/admin/conversations/{id}", Admin, 200, "Read any conversation"),
    r("POST", "/api/v1/admin/conversations/{id}/reassign", Admin, 200, "Reassign"),
    r("POST", "/api/v1/admin/conversations/{id}/unassign", Admin, 200, "Back to the queue"),
    r("POST", "/api/v1/admin/conversations/{id}/close", Admin, 200, "Close"),
    r("GET", "/api/v1/admin/saved-replies", Admin, 200, "Saved replies"),
    r("PUT", "/api/v1/admin/saved-replies", Admin, 200, "Replace saved replies"),
    r("GET", "/api/v1/admin/missions", Admin, 200, "Missions"),
    r("POST", "/api/v1/admin/missions", Admin, 201, "Create a mission"),
    r("POST", "/api/v1/admin/missions/{id}/members", Admin, 201, "Add a mission member"),
    r("GET", "/api/v1/admin/payouts", Admin, 200, "Payouts"),
    r("GET", "/api/v1/admin/payouts.csv", Admin, 200, "Payouts (CSV)"),
    r("GET", "/api/v1/admin/csat", Admin, 200, "Satisfaction results"),
    r("GET", "/api/v1/admin/webhooks", Admin, 200, "Webhooks"),
    r("POST", "/api/v1/admin/webhooks", Admin, 201, "Add a webhook"),
    r("DELETE", "/api/v1/admin/webhooks/{id}", Admin, 204, "Remove a webhook"),
    r("GET", "/api/v1/admin/webhook-deliveries", Admin, 200, "Webhook deliveries"),
    r("GET", "/api/v1/admin/reports", Admin, 200, "Reports"),
    r("GET", "/api/v1/admin/settings", Admin, 200, "Brand settings"),
    r("PUT", "/api/v1/admin/settings", Admin, 200, "Replace brand settings"),
    r("GET", "/api/v1/admin/experts", Admin, 200, "The team"),
    r("POST", "/api/v1/admin/experts", Admin, 201, "Invite an expert"),
    r("PATCH", "/api/v1/admin/experts/{id}", Admin, 200, "Capacity, disable"),
    r("GET", "/api/v1/admin/api-keys", Admin, 200, "Live API keys"),
    r("POST", "/api/v1/admin/api-keys", Admin, 201, "Create an API key (shown once)"),
    r("DELETE", "/api/v1/admin/api-keys/{id}", Admin, 204, "Revoke an API key"),
    r("GET", "/api/v1/server/conversations", Server, 200, "Every conversation of the brand"),
    r("GET", "/api/v1/server/conversations/{id}", Server, 200, "Read any conversation"),
    r("POST", "/api/v1/server/purchases", Server, 201, "Report an order"),
    r("POST", "/api/v1/server/purchases/{order_id}/refund", Server, 200, "Refund an order"),
    r("GET", "/api/v1/test/clock", TestClock, 200, "Test clock: now"),
    r("POST", "/api/v1/test/clock/advance", TestClock, 200, "Test clock: move forward"),
];

fn method(name: &str) -> HttpMethod {
    match name {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let problem = || Content::new(Some(Ref::from_schema_name("Problem")));
    let json = || Content::new(Some(ObjectBuilder::new().schema_type(Type::Object).build()));
    let mut op = OperationBuilder::new()
        .summary(Some(route.summary))
        .operation_id(Some(format!("{} {}", route.method, route.path)))
        .tag(format!("{:?}", route.audience).to_lowercase());
    for name in path_params(route.path) {
        op = op.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String).build())),
        );
    }
    if matches!(route.method, "POST" | "PUT" | "PATCH") {
        let content = match request_schema(route) {
            Some(name) => Content::new(Some(Ref::from_schema_name(name))),
            None => json(),
        };
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", content)
                .build(),
        ));
    }
    if let Some(scheme) = route.audience.scheme() {
        op = op.security(SecurityRequirement::new(scheme, Vec::<String>::new()));
    }
    let ok = match route.ok {
        204 | 101 => ResponseBuilder::new().description("done").build(),
        _ => ResponseBuilder::new()
            .description("success")
            .content("application/json", json())
            .build(),
    };
    op.response(route.ok.to_string(), ok)
        .response(
            "default",
            ResponseBuilder::new()
                .description("RFC 9457 problem (see docs/api.md for the stable types)")
                .content("application/problem+json", problem())
                .build(),
        )
        .build()
}

/// Request bodies with a schema of their own: method, path, schema name.
pub const REQUEST_SCHEMAS: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/auth/login", "ExpertLogin"),
    ("POST", "/api/v1/admin/login", "AdminLogin"),
    ("PUT", "/api/v1/admin/settings", "BrandSettings"),
    (
        "POST",
        "/api/v1/widget/{brand}/conversations",
        "SendMessage",
    ),
    (
        "POST",
        "/api/v1/widget/{brand}/conversations/{id}/messages",
        "SendMessage",
    ),
    (
        "POST",
        "/api/v1/expert/conversations/{id}/messages",
        "SendMessage",
    ),
    ("PUT", "/api/v1/expert/status", "StatusChange"),
    (
        "POST",
        "/api/v1/expert/conversations/{id}/snooze",
        "SnoozeRequest",
    ),
    (
        "POST",
        "/api/v1/expert/conversations/{id}/close",
        "CloseRequest",
    ),
    (
        "POST",
        "/api/v1/widget/{brand}/conversations/{id}/csat",
        "Rating",
    ),
    ("POST", "/api/v1/widget/{brand}/purchases", "PagePurchase"),
    ("POST", "/api/v1/server/purchases", "Order"),
    ("POST", "/api/v1/admin/missions", "NewMission"),
    ("POST", "/api/v1/admin/missions/{id}/members", "Member"),
    (
        "POST",
        "/api/v1/admin/conversations/{id}/reassign",
        "Reassign",
    ),
];

fn request_schema(route: &Route) -> Option<&'static str> {
    REQUEST_SCHEMAS
        .iter()
        .find(|(m, p, _)| *m == route.method && *p == route.path)
        .map(|(_, _, name)| *name)
}

/// The whole OpenAPI document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut items: Vec<(&str, PathItem)> = Vec::new();
    for route in ROUTES {
        let op = operation(route);
        match items.iter_mut().find(|(p, _)| *p == route.path) {
            Some((_, item)) => item.merge_operations(PathItem::new(method(route.method), op)),
            None => items.push((route.path, PathItem::new(method(route.method), op))),
        }
    }
    for (path, item) in items {
        paths = paths.path(path, item);
    }
    let bearer = || SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
    let components = ComponentsBuilder::new()
        .schema_from::<Problem>()
        .schema_from::<crate::api::expert::Login>()
        .schema_from::<crate::api::admin::Login>()
        .schema_from::<crate::api::admin::Settings>()
        .schema_from::<crate::api::widget::SendMessage>()
        .schema_from::<crate::api::expert::StatusChange>()
        .schema_from::<crate::api::expert::lifecycle::SnoozeRequest>()
        .schema_from::<crate::api::expert::lifecycle::CloseRequest>()
        .schema_from::<crate::api::widget::commerce::Rating>()
        .schema_from::<crate::api::widget::commerce::PagePurchase>()
        .schema_from::<crate::api::server::purchases::Order>()
        .schema_from::<crate::api::admin::earnings::NewMission>()
        .schema_from::<crate::api::admin::earnings::Fee>()
        .schema_from::<crate::api::admin::earnings::Member>()
        .schema_from::<crate::api::admin::routing::Reassign>()
        .security_scheme("visitor_token", bearer())
        .security_scheme("expert_session", bearer())
        .security_scheme("admin_session", bearer())
        .security_scheme("api_key", bearer())
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Ebb API")
                .version("1")
                .description(Some(
                    "Asynchronous customer messaging. Protocol details: docs/api.md.",
                )),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

/// Is `method path` (a route template) in [`ROUTES`]?
pub fn is_documented(method: &str, path: &str) -> bool {
    ROUTES.iter().any(|r| r.method == method && r.path == path)
}

/// Middleware for debug builds (so every test run): a request to a route missing from
/// [`ROUTES`] fails with 500, so a new route cannot ship without its row (and, through the
/// contract tests, its authorization matrix row).
pub async fn require_documented(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let matched = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned());
    match matched {
        Some(path)
            if cfg!(debug_assertions)
                && request.method() != axum::http::Method::OPTIONS
                && !is_documented(request.method().as_str(), &path) =>
        {
            crate::ApiError::Internal(format!(
                "{} {path} is missing from openapi::ROUTES",
                request.method()
            ))
            .into_response()
        }
        _ => next.run(request).await,
    }
}

/// `GET /api/openapi.json`.
pub async fn serve() -> Json<OpenApi> {
    Json(document())
}
