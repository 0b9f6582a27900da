//! Security headers on every response: a strict Content-Security-Policy (pages may load
//! only Ebb's own files and never be framed), `X-Content-Type-Options: nosniff`, a
//! `Referrer-Policy`, and `Cache-Control: no-store` on API and JSON answers.

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of Ebb's own pages (panel, admin console, home, demo shop): scripts, styles,
/// images and connections (`fetch`, the WebSocket) from Ebb's origin only, no inline
/// script or style, no plugins, and no framing by any site (clickjacking).
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of everything that is not a page (JSON, scripts, styles, images): nothing
/// may run or load if a browser is ever made to open one as a document, nor frame it.
/// The widget's script and style are unaffected: a policy header applies only to a
/// document, and the widget has none of its own (it runs in the brand's page).
pub const RESOURCE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy of a downloaded document (a conversation transcript as HTML): nothing may
/// run, load or submit, the page is sandboxed; only its own inline style applies. A
/// handler that sets exactly this policy keeps it (it is stricter than [`PAGE_POLICY`]).
pub const ATTACHMENT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

/// Sent on every response. `same-origin` (not `no-referrer`): Ebb's own pages keep a real
/// `Origin` on their same-origin POSTs, which the widget's origin check reads.
pub const REFERRER: &str = "same-origin";

/// Whether a response is one of Ebb's own pages, by its content type.
fn is_page(headers: &HeaderMap) -> bool {
    content_type(headers).starts_with("text/html")
}

/// Whether a response body is JSON (`application/json`, `application/problem+json`, ...).
fn is_json(headers: &HeaderMap) -> bool {
    let kind = content_type(headers);
    let essence = kind.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Whether `path` is the API or the WebSocket (answers that depend on who asks).
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/ws"
}

/// Adds the security headers to `headers`, the response headers of a request for `path`.
/// API and JSON answers always get `no-store` (whatever a handler set); other answers
/// (the static files) keep their own `Cache-Control` and get `no-store` when they have none.
pub fn apply(path: &str, headers: &mut HeaderMap) {
    let attachment = headers
        .get(CONTENT_SECURITY_POLICY)
        .is_some_and(|p| p == ATTACHMENT_POLICY);
    let policy = if attachment || is_page(headers) {
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if attachment {
            ATTACHMENT_POLICY
        } else {
            PAGE_POLICY
        }
    } else {
        RESOURCE_POLICY
    };
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static(REFERRER));
    if is_api(path) || is_json(headers) || !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Middleware: [`apply`] to every response, errors and redirects included.
pub async fn secure(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    apply(&path, response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(path: &str, content_type: Option<&str>, cache: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(kind) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(kind).expect("value"));
        }
        if let Some(cache) = cache {
            headers.insert(CACHE_CONTROL, HeaderValue::from_str(cache).expect("value"));
        }
        apply(path, &mut headers);
        headers
    }

    #[test]
    fn pages_get_the_page_policy_and_refuse_framing() {
        let page = answer(
            "/panel/",
            Some("text/html; charset=utf-8"),
            Some("no-cache"),
        );
        assert_eq!(page[CONTENT_SECURITY_POLICY], PAGE_POLICY);
        assert_eq!(page[X_FRAME_OPTIONS], "DENY");
        assert_eq!(page[CACHE_CONTROL], "no-cache", "static files keep theirs");
        assert!(PAGE_POLICY.contains("frame-ancestors 'none'"));
        assert!(!PAGE_POLICY.contains("unsafe"), "no inline script or style");
    }

    #[test]
    fn api_and_json_answers_are_never_stored() {
        let cases = [
            (
                "/api/v1/expert/me",
                Some("application/json"),
                Some("max-age=60"),
            ),
            (
                "/api/v1/admin/payouts.csv",
                Some("text/csv"),
                Some("private"),
            ),
            ("/nope", Some("application/problem+json"), Some("no-cache")),
            ("/ws", None, None),
            ("/healthz", Some("text/plain"), None),
        ];
        for (path, kind, cache) in cases {
            let headers = answer(path, kind, cache);
            assert_eq!(headers[CACHE_CONTROL], "no-store", "{path}");
            assert_eq!(headers[CONTENT_SECURITY_POLICY], RESOURCE_POLICY, "{path}");
            assert!(!headers.contains_key(X_FRAME_OPTIONS), "{path}");
        }
    }

    #[test]
    fn every_answer_is_nosniff_with_a_referrer_policy() {
        for kind in [
            None,
            Some("text/javascript"),
            Some("text/html"),
            Some("image/svg+xml"),
        ] {
            let headers = answer("/widget.js", kind, Some("no-cache"));
            assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert_eq!(headers[REFERRER_POLICY], REFERRER);
        }
    }
}
