//! `ApiError`, the one error response: RFC 9457 problem+json with a stable `type`.
//! Server faults answer a generic body; their cause is logged once.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ebb_core::DomainError;
use ebb_store::StoreError;
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
    /// The database is unavailable.
    #[error("service unavailable")]
    Unavailable,
}

#[derive(Serialize)]
struct Problem<'a> {
    r#type: String,
    title: &'a str,
    status: u16,
    detail: String,
}

impl ApiError {
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
            Self::Domain(d) => match d {
                D::VisitorCannotClose => (StatusCode::FORBIDDEN, "visitor-cannot-close"),
                D::NotAssignedToExpert => (StatusCode::FORBIDDEN, "not-assigned-to-expert"),
                D::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
                D::ConversationClosed(_) => (StatusCode::CONFLICT, "conversation-closed"),
                D::OverCapacity { .. } => (StatusCode::CONFLICT, "over-capacity"),
                D::InvalidTransition { .. } => (StatusCode::CONFLICT, "invalid-transition"),
                D::SnoozeInPast => (StatusCode::UNPROCESSABLE_ENTITY, "snooze-in-past"),
                D::SnoozeTooFar { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "snooze-too-far"),
                D::EmptyMessage => (StatusCode::UNPROCESSABLE_ENTITY, "empty-message"),
                D::MessageTooLong { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "message-too-long"),
                D::InvalidCapacity { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-capacity"),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, slug) = self.parts();
        let detail = match &self {
            Self::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                "something went wrong on our side".to_owned()
            }
            other => other.to_string(),
        };
        let body = Problem {
            r#type: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("error"),
            status: status.as_u16(),
            detail,
        };
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => Self::Conflict(format!("already exists ({what})")),
            StoreError::Concurrent(what) => {
                Self::Conflict(format!("the {what} changed meanwhile; retry"))
            }
            StoreError::Database(sqlx_err) if is_unavailable(&sqlx_err) => Self::Unavailable,
            other => Self::Internal(other.to_string()),
        }
    }
}

fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(_) => Self::Invalid(rejection.body_text()),
            _ => Self::BadRequest(rejection.body_text()),
        }
    }
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
