//! `ApiError`, the one error response: RFC 9457 problem+json with a stable `type`.
//! Server faults answer a generic body; their cause is logged once.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ebb_core::DomainError;
use ebb_store::{StoreError, Unique};
use serde::Serialize;

/// An error answered to a client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The request is well-formed but its content is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// No or bad credentials.
    #[error("authentication required")]
    Unauthorized,
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Nothing there (or nothing this caller may see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// The domain refused the command.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Something broke on our side.
    #[error("internal error")]
    Internal(String),
    /// A webhook URL points where webhooks may not go (loopback, private, link-local...).
    #[error("{0}")]
    TargetRefused(String),
    /// The database is unavailable.
    #[error("service unavailable")]
    Unavailable,
    /// Another request changed the same data at the same time; retrying may succeed.
    #[error("concurrent update; retry")]
    Concurrent,
    /// A signed link (from an email) that is forged, altered or expired.
    #[error("{0}")]
    LinkRefused(&'static str),
    /// The request body is larger than the server accepts.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Too many requests; retry after this many seconds.
    #[error("too many requests; retry in {0} s")]
    RateLimited(u64),
    /// The request body did not arrive in time.
    #[error("the request body did not arrive within the time allowed")]
    RequestTimeout,
    /// This client IP already holds the most WebSockets allowed.
    #[error("this address already has {0} WebSockets open; close one first")]
    TooManyWebSockets(usize),
    /// Too many failed logins for this account or from this address; retry after this
    /// many seconds.
    #[error("too many failed logins; retry in {0} s")]
    LoginThrottled(u64),
    /// A browser page whose origin the brand does not allow.
    #[error("origin {0} is not allowed for this brand")]
    OriginNotAllowed(String),
    /// Too many new visitors from this address; retry after this many seconds.
    #[error("too many new visitors from this address; retry in {0} s")]
    TooManyVisitors(u64),
    /// Too many new conversations from this address; retry after this many seconds.
    #[error("too many new conversations from this address; retry in {0} s")]
    TooManyConversations(u64),
    /// The route does not take this method (the `Allow` header names those it takes).
    #[error("this route does not take this method; see the Allow header")]
    MethodNotAllowed,
    /// A mail posted to the inbound hook was refused.
    #[error(transparent)]
    Mail(#[from] crate::inbound_mail::Refusal),
    /// A read marker beyond the conversation's last entry.
    #[error("seq {seq} is beyond the conversation's last seq {last}")]
    SeqOutOfRange {
        /// The seq asked for.
        seq: u64,
        /// The conversation's last seq.
        last: u64,
    },
}

/// An RFC 9457 problem object (also sent inside WebSocket `error` frames).
#[derive(Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct Problem {
    /// Stable problem type, `/problems/<slug>`.
    #[schema(rename = "type")]
    pub r#type: String,
    /// The status's reason phrase.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for humans.
    pub detail: String,
}

impl ApiError {
    /// The problem object for this error (logs a server fault's cause once).
    pub fn problem(&self) -> Problem {
        let (status, slug) = self.parts();
        let detail = match self {
            Self::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                "something went wrong on our side".to_owned()
            }
            other => other.to_string(),
        };
        Problem {
            r#type: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("error"),
            status: status.as_u16(),
            detail,
        }
    }

    /// The problem's stable `type` (`/problems/over-capacity`), as [`Self::problem`] sets it.
    pub fn problem_type(&self) -> String {
        format!("/problems/{}", self.parts().1)
    }

    /// HTTP status and stable problem slug.
    fn parts(&self) -> (StatusCode, &'static str) {
        use DomainError as D;
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request"),
            Self::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large"),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate-limited"),
            Self::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request-timeout"),
            Self::TooManyWebSockets(_) => (StatusCode::TOO_MANY_REQUESTS, "too-many-websockets"),
            Self::LoginThrottled(_) => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
            Self::OriginNotAllowed(_) => (StatusCode::FORBIDDEN, "origin-not-allowed"),
            Self::SeqOutOfRange { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "seq-out-of-range"),
            Self::Concurrent => (StatusCode::CONFLICT, "concurrent-update"),
            Self::LinkRefused(_) => (StatusCode::FORBIDDEN, "link-refused"),
            Self::TargetRefused(_) => (StatusCode::UNPROCESSABLE_ENTITY, "webhook-target-refused"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed"),
            Self::Mail(refusal) => refusal.parts(),
            Self::TooManyVisitors(_) => (StatusCode::TOO_MANY_REQUESTS, "too-many-visitors"),
            Self::TooManyConversations(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "too-many-conversations")
            }
            Self::Domain(d) => match d {
                D::VisitorCannotClose => (StatusCode::FORBIDDEN, "visitor-cannot-close"),
                D::NotAssignedToExpert => (StatusCode::FORBIDDEN, "not-assigned-to-expert"),
                D::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
                D::ConversationClosed(_) => (StatusCode::CONFLICT, "conversation-closed"),
                D::OverCapacity { .. } => (StatusCode::CONFLICT, "over-capacity"),
                D::AsyncCapReached { .. } => (StatusCode::CONFLICT, "async-cap-reached"),
                D::InvalidAsyncCap { .. } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid-async-cap")
                }
                D::ExpertUnavailable(_) => (StatusCode::CONFLICT, "expert-unavailable"),
                D::InvalidTransition { .. } => (StatusCode::CONFLICT, "invalid-transition"),
                D::SnoozeInPast => (StatusCode::UNPROCESSABLE_ENTITY, "snooze-in-past"),
                D::SnoozeTooFar { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "snooze-too-far"),
                D::EmptyMessage => (StatusCode::UNPROCESSABLE_ENTITY, "empty-message"),
                D::MessageTooLong { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "message-too-long"),
                D::InvalidCapacity { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-capacity"),
                D::InvalidMoney(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-money"),
                D::SnoozeBudgetSpent { .. } => (StatusCode::CONFLICT, "snooze-budget-spent"),
                D::ConversationAlreadyOpen(_) => {
                    (StatusCode::CONFLICT, "conversation-already-open")
                }
                D::TooManyTags { .. } => (StatusCode::CONFLICT, "too-many-tags"),
                D::InvalidTagName { .. }
                | D::InvalidSetting { .. }
                | D::InvalidOrigin(_)
                | D::TooManyOrigins { .. }
                | D::InvalidAccount { .. }
                | D::InvalidSiteUrl
                | D::InvalidSchedule(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
                D::InvalidContext { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-context"),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.parts();
        let mut response = (status, Json(self.problem())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Self::RateLimited(secs)
        | Self::TooManyVisitors(secs)
        | Self::TooManyConversations(secs)
        | Self::LoginThrottled(secs) = self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if let Self::Unavailable = self {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(UNAVAILABLE_RETRY_SECS),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(rule) => Self::Conflict(conflict_detail(rule).to_owned()),
            StoreError::Concurrent(_) => Self::Concurrent,
            other if other.is_unavailable() => {
                tracing::warn!(error.cause = %other, "database unavailable");
                Self::Unavailable
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

/// The `Retry-After` of a 503: the database is unreachable, full, or failing; it usually
/// comes back within seconds (a restart, freed space), so clients retry soon.
pub const UNAVAILABLE_RETRY_SECS: u64 = 2;

/// The words a client sees for each uniqueness rule: never a constraint or table name.
fn conflict_detail(rule: Unique) -> &'static str {
    match rule {
        Unique::BrandSlug => "another brand already uses this slug",
        Unique::ExpertEmail => "an expert with this e-mail address already exists",
        Unique::AdminEmail => "an admin with this e-mail address already exists",
        Unique::SavedReplyKey => "two saved replies cannot share a key",
        Unique::PurchaseOrder => "this order was already reported",
        Unique::CsatRating => "this conversation was already rated",
        Unique::ClientMessageId => "this message was already sent",
        Unique::TagName => "the brand already has a tag with this name",
        Unique::Other => "this already exists",
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge(crate::limits::MAX_BODY_BYTES)
            }
            _ if timed_out(&rejection) => Self::RequestTimeout,
            JsonRejection::JsonDataError(_) => Self::Invalid(rejection.body_text()),
            _ => Self::BadRequest(rejection.body_text()),
        }
    }
}

/// Whether a body was refused because [`tower_http::timeout::RequestBodyDeadlineLayer`]
/// stopped it.
pub fn timed_out(rejection: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(err) = cause {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = err.source();
    }
    false
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::NotFound(match rejection {
            PathRejection::FailedToDeserializePathParams(_) => "resource",
            _ => "route",
        })
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}
