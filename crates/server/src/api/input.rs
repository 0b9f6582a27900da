//! Input rules every route shares: no NUL character in a path, a query string or any
//! string of a JSON body (PostgreSQL cannot store one in text; every backend refuses it
//! alike, 400 `bad-request`; WebSocket frames too), and a 405 answer is problem+json with its `Allow` header.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ApiError;
use crate::api::ApiJson;

/// The refusal of a NUL character.
fn nul_refused(where_: &str) -> ApiError {
    ApiError::BadRequest(format!("{where_} must not contain a NUL character"))
}

/// Refuses a request whose path or query string carries an encoded NUL (`%00`; a raw one
/// cannot appear in a URI).
pub async fn refuse_nul_in_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if uri.path().contains("%00") {
        return nul_refused("the path").into_response();
    }
    if uri.query().is_some_and(|q| q.contains("%00")) {
        return nul_refused("the query string").into_response();
    }
    next.run(request).await
}

/// Whether any string of `value` (object keys included) holds a NUL.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// Reads a JSON text (a WebSocket frame) the way [`ApiJson`] reads a body: a NUL in any
/// string is refused like bad JSON.
pub fn from_json_text<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let unreadable =
        |e: serde_json::Error| ApiError::BadRequest(format!("unreadable message: {e}"));
    let value: Value = serde_json::from_str(text).map_err(unreadable)?;
    if has_nul(&value) {
        return Err(nul_refused("a string of the message"));
    }
    serde_json::from_value(value).map_err(unreadable)
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    /// Reads the JSON body (problem+json for a wrong content type or bad syntax), refuses a
    /// NUL in any string, then reads the body's type from it.
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await?;
        if has_nul(&value) {
            return Err(nul_refused("a string of the body"));
        }
        let bytes = serde_json::to_vec(&value).map_err(|e| ApiError::Internal(e.to_string()))?;
        let axum::Json(body) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(body))
    }
}

/// Turns the router's bare 405 answer into problem+json, keeping its `Allow` header.
pub async fn problem_for_405(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED
        || response.headers().get(header::CONTENT_TYPE).is_some()
    {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut problem = ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    problem
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{from_json_text, has_nul};

    #[test]
    fn a_nul_is_found_in_any_string_or_key() {
        assert!(!has_nul(&json!({"a": ["b", 1, null, {"c": "d"}]})));
        assert!(has_nul(&json!({"a": ["b", {"c": "d\u{0}"}]})));
        assert!(has_nul(&json!({"a\u{0}": 1})));
        assert!(has_nul(&json!("\u{0}")));
    }

    #[test]
    fn a_websocket_frame_with_a_nul_is_refused_like_bad_json() {
        let ok: serde_json::Value = from_json_text(r#"{"type":"ping"}"#).expect("ok");
        assert_eq!(ok["type"], "ping");
        let refused = from_json_text::<serde_json::Value>(r#"{"type":"ping","x":"\u0000"}"#);
        assert!(refused.is_err_and(|e| e.to_string().contains("NUL")));
    }
}
