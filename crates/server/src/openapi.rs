//! The OpenAPI 3.1 contract, generated from the handlers' `#[utoipa::path]` annotations
//! and the body types' `ToSchema` derives (through utoipa-axum's `OpenApiRouter`), served
//! at `/api/openapi.json`. Each handler names its audience as its tag; the security
//! requirement and the route list ([`routes`]) the tests read are derived from it.

use std::sync::OnceLock;

use axum::Json;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, InfoBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

use crate::error::Problem;

/// Who may call a route, i.e. which credential it takes. Each handler's tag names it.
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
    /// The operator's automation, with the `EBB_OPERATOR_TOKEN` (404 when none is set).
    Operator,
    /// The operator's mail server, with the `EBB_INBOUND_MAIL_SECRET` (404 when none is set).
    InboundMail,
}

/// Every audience, in the order of the document's tags.
pub const AUDIENCES: [Audience; 9] = [
    Audience::Public,
    Audience::Visitor,
    Audience::Expert,
    Audience::Admin,
    Audience::Server,
    Audience::Socket,
    Audience::TestClock,
    Audience::Operator,
    Audience::InboundMail,
];

impl Audience {
    /// The security scheme name in the document, if any.
    pub fn scheme(self) -> Option<&'static str> {
        match self {
            Self::Public | Self::Socket | Self::TestClock => None,
            Self::Visitor => Some("visitor_token"),
            Self::Expert => Some("expert_session"),
            Self::Admin => Some("admin_session"),
            Self::Server => Some("api_key"),
            Self::Operator => Some("operator_token"),
            Self::InboundMail => Some("inbound_mail_secret"),
        }
    }

    /// The tag handlers of this audience carry.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Visitor => "visitor",
            Self::Expert => "expert",
            Self::Admin => "admin",
            Self::Server => "server",
            Self::Socket => "socket",
            Self::TestClock => "testclock",
            Self::Operator => "operator",
            Self::InboundMail => "inbound-mail",
        }
    }

    /// The audience a tag names.
    pub fn from_tag(tag: &str) -> Option<Self> {
        AUDIENCES.into_iter().find(|a| a.tag() == tag)
    }
}

/// One route of the API, as read from the generated document.
#[derive(Clone, Debug)]
pub struct Route {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/expert/conversations/{id}`.
    pub path: String,
    /// Who may call it (from the handler's tag).
    pub audience: Audience,
    /// The success status (the lowest 1xx/2xx response).
    pub ok: u16,
}

/// The operations of a path item, with their upper-case method.
fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("POST", item.post.as_mut()),
        ("PUT", item.put.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("DELETE", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

/// Every route of the generated document (test clock included).
pub fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut doc = document().clone();
        let mut out = Vec::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations_mut(item) {
                let audience = op
                    .tags
                    .iter()
                    .flatten()
                    .find_map(|t| Audience::from_tag(t))
                    .unwrap_or(Audience::Public);
                let ok = op
                    .responses
                    .responses
                    .keys()
                    .filter_map(|s| s.parse::<u16>().ok())
                    .filter(|s| *s < 300)
                    .min()
                    .unwrap_or(200);
                out.push(Route {
                    method,
                    path: path.clone(),
                    audience,
                    ok,
                });
            }
        }
        out
    })
}

/// Is `method path` (a route template) in the generated document?
pub fn is_documented(method: &str, path: &str) -> bool {
    routes()
        .iter()
        .any(|r| r.method == method && r.path == path)
}

/// Completes one operation: a stable id, the security requirement of its audience, the
/// problem response, and any path parameter the handler did not describe.
fn complete(method: &str, path: &str, op: &mut Operation) {
    op.operation_id = Some(format!("{method} {path}"));
    let audience = op.tags.iter().flatten().find_map(|t| Audience::from_tag(t));
    if let Some(scheme) = audience.and_then(Audience::scheme) {
        op.security = Some(vec![SecurityRequirement::new(scheme, Vec::<String>::new())]);
    }
    op.responses.responses.insert(
        "default".to_owned(),
        RefOr::T(
            ResponseBuilder::new()
                .description("RFC 9457 problem (see docs/api.md for the stable types)")
                .content(
                    "application/problem+json",
                    Content::new(Some(Ref::from_schema_name("Problem"))),
                )
                .build(),
        ),
    );
    let params = op.parameters.get_or_insert_with(Vec::new);
    for name in path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
    {
        let known = params.iter().any(
            |p| matches!(p, RefOr::T(p) if p.name == name && p.parameter_in == ParameterIn::Path),
        );
        if known {
            continue;
        }
        let mut schema = ObjectBuilder::new().schema_type(Type::String);
        if name == "id" {
            schema = schema.format(Some(SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            )));
        }
        params.push(RefOr::T(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(if name == "brand" {
                    "The brand's slug"
                } else {
                    "The resource's id"
                }))
                .schema(Some(schema.build()))
                .build(),
        ));
    }
}

/// Turns the document the routers produced into the published one.
fn finish(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("Ebb API")
        .version("1")
        .description(Some(
            "Asynchronous customer messaging. Protocol details: docs/api.md.",
        ))
        .build();
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations_mut(item) {
            complete(method, path, op);
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.insert(
        "Problem".to_owned(),
        <Problem as utoipa::PartialSchema>::schema(),
    );
    let bearer = || SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
    for a in AUDIENCES {
        if let Some(scheme) = a.scheme() {
            components.add_security_scheme(scheme, bearer());
        }
    }
    doc
}

/// The whole OpenAPI document, generated once.
pub fn document() -> &'static OpenApi {
    static DOC: OnceLock<OpenApi> = OnceLock::new();
    DOC.get_or_init(|| finish(crate::api::documented().into_openapi()))
}

/// Middleware for debug builds (so every test run): a request to a route missing from the
/// generated document (a plain `.route()` without `#[utoipa::path]`) fails with 500, so a
/// new route cannot ship undocumented (and, through the contract tests, without its
/// authorization matrix row).
pub async fn require_documented(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let matched = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let method = request.method().clone();
    let undocumented = matched.filter(|path| {
        cfg!(debug_assertions)
            && method != axum::http::Method::OPTIONS
            && !is_documented(method.as_str(), path)
    });
    let response = next.run(request).await;
    match undocumented {
        // A method the route does not take is the router's 405, not a missing annotation.
        Some(path) if response.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED => {
            crate::ApiError::Internal(format!("{method} {path} has no #[utoipa::path] annotation"))
                .into_response()
        }
        _ => response,
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "public",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn serve() -> Json<OpenApi> {
    Json(document().clone())
}
