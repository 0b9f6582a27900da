//! The browser side, embedded in the binary: the visitor widget (`/widget.js`), the expert
//! panel (`/panel/`), the admin console (`/admin/`) and, when the demo brand exists, a demo
//! shop page (`/demo/`). The files live under `web/` and need no build step.

use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use ebb_store::brands;

use crate::demo::DEMO_BRAND;
use crate::{ApiError, AppState};

/// One embedded file: the URL path it is served at, its content type and bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const SVG: &str = "image/svg+xml";

macro_rules! asset {
    ($url:literal, $type:expr, $file:literal) => {
        Asset {
            path: $url,
            content_type: $type,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/", $file)),
        }
    };
}

/// Every file served, by URL path. The demo page is served separately (see [`demo_page`]).
const ASSETS: &[Asset] = &[
    asset!("/widget.js", JS, "widget/widget.js"),
    asset!("/widget.css", CSS, "widget/widget.css"),
    asset!("/panel/", HTML, "panel/index.html"),
    asset!("/panel/panel.js", JS, "panel/panel.js"),
    asset!("/panel/panel.css", CSS, "panel/panel.css"),
    asset!("/panel/earnings.js", JS, "panel/earnings.js"),
    asset!("/panel/state.js", JS, "panel/state.js"),
    asset!("/panel/list.js", JS, "panel/list.js"),
    asset!("/panel/timeline.js", JS, "panel/timeline.js"),
    asset!("/panel/composer.js", JS, "panel/composer.js"),
    asset!("/panel/snooze.js", JS, "panel/snooze.js"),
    asset!("/panel/close.js", JS, "panel/close.js"),
    asset!("/panel/suggestion.js", JS, "panel/suggestion.js"),
    asset!("/panel/sync.js", JS, "panel/sync.js"),
    asset!("/panel/notify.js", JS, "panel/notify.js"),
    asset!("/panel/shortcuts.js", JS, "panel/shortcuts.js"),
    asset!("/panel/context.js", JS, "panel/context.js"),
    asset!("/panel/notes.js", JS, "panel/notes.js"),
    asset!("/panel/tags.js", JS, "panel/tags.js"),
    asset!("/panel/transfer.js", JS, "panel/transfer.js"),
    asset!("/panel/transcript.js", JS, "panel/transcript.js"),
    asset!("/panel/search.js", JS, "panel/search.js"),
    asset!("/admin/", HTML, "admin/index.html"),
    asset!("/admin/admin.js", JS, "admin/admin.js"),
    asset!("/admin/admin.css", CSS, "admin/admin.css"),
    asset!("/admin/money.js", JS, "admin/money.js"),
    asset!("/admin/reports.js", JS, "admin/reports.js"),
    asset!("/admin/replies.js", JS, "admin/replies.js"),
    asset!("/admin/hours.js", JS, "admin/hours.js"),
    asset!("/admin/webhooks.js", JS, "admin/webhooks.js"),
    asset!("/admin/stale.js", JS, "admin/stale.js"),
    asset!("/admin/widget-texts.js", JS, "admin/widget-texts.js"),
    asset!("/admin/identity.js", JS, "admin/identity.js"),
    asset!("/admin/email.js", JS, "admin/email.js"),
    asset!("/admin/search.js", JS, "admin/search.js"),
    asset!("/lib/api.js", JS, "lib/api.js"),
    asset!("/lib/live.js", JS, "lib/live.js"),
    asset!("/lib/report.js", JS, "lib/report.js"),
    asset!("/lib/snippet.js", JS, "lib/snippet.js"),
    asset!("/lib/base.css", CSS, "lib/base.css"),
    asset!("/demo/demo.css", CSS, "demo/demo.css"),
    asset!("/favicon.svg", SVG, "favicon.svg"),
    asset!("/favicon.ico", SVG, "favicon.svg"),
    asset!("/", HTML, "index.html"),
];

/// The demo brand's shop page with the widget on it.
const DEMO_PAGE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../web/demo/index.html"
));

/// Routes for the embedded web files; merged into the API router.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/demo/", get(demo_page))
        .route("/demo", get(|| async { Redirect::permanent("/demo/") }))
        .route("/panel", get(|| async { Redirect::permanent("/panel/") }))
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }));
    for asset in ASSETS {
        router = router.route(asset.path, get(move || async move { serve(asset) }));
    }
    router
}

/// The URL path of every embedded file and page (the demo page included), for tests that
/// sweep them.
pub fn paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|a| a.path).chain(["/demo/"])
}

fn serve(asset: &'static Asset) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        asset.body,
    )
        .into_response()
}

/// `GET /demo/`: the demo shop page, only when the demo brand exists (`ebb serve --demo`).
async fn demo_page(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut conn = state.store.conn().await?;
    if brands::by_slug(&mut conn, DEMO_BRAND).await?.is_none() {
        return Err(ApiError::NotFound("demo brand"));
    }
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, HeaderValue::from_static(HTML)),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        DEMO_PAGE,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{ASSETS, DEMO_PAGE, HTML, JS};

    /// The absolute paths a JS module imports (`from '/lib/api.js'`).
    fn imports(source: &str) -> Vec<&str> {
        source
            .split(" from '")
            .skip(1)
            .filter_map(|rest| rest.split('\'').next())
            .filter(|path| path.starts_with('/'))
            .collect()
    }

    #[test]
    fn every_imported_module_is_embedded() {
        let served: Vec<_> = ASSETS.iter().map(|a| a.path).collect();
        for asset in ASSETS.iter().filter(|a| a.content_type == JS) {
            let source = String::from_utf8_lossy(asset.body);
            for path in imports(&source) {
                assert!(
                    served.contains(&path),
                    "{} imports {path}, which is not embedded",
                    asset.path
                );
            }
        }
    }

    #[test]
    fn every_panel_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/panel");
        let served: Vec<_> = ASSETS.iter().map(|a| a.path).collect();
        for file in std::fs::read_dir(dir).expect("web/panel exists") {
            let name = file.expect("readable entry").file_name();
            let name = name.to_string_lossy();
            if name == "index.html" {
                continue;
            }
            let url = format!("/panel/{name}");
            assert!(served.contains(&url.as_str()), "{url} is not embedded");
        }
    }

    /// Ebb's pages run under a CSP without `unsafe-inline`: any inline script, style
    /// element, style attribute or event handler attribute would be blocked.
    #[test]
    fn pages_have_no_inline_script_or_style() {
        let pages = ASSETS
            .iter()
            .filter(|a| a.content_type == HTML)
            .map(|a| (a.path, a.body))
            .chain([("/demo/", DEMO_PAGE)]);
        for (path, body) in pages {
            let html = String::from_utf8_lossy(body).to_ascii_lowercase();
            for (i, _) in html.match_indices("<script") {
                let tag = html[i..].split('>').next().unwrap_or_default();
                assert!(tag.contains(" src="), "{path}: inline script {tag}");
            }
            assert!(!html.contains("<style"), "{path}: a style element");
            assert!(!html.contains(" style="), "{path}: a style attribute");
            assert!(!html.contains("javascript:"), "{path}: a javascript: URL");
            let handler = html
                .split(|c: char| c.is_whitespace())
                .find(|word| word.starts_with("on") && word.contains('='));
            assert!(handler.is_none(), "{path}: an event handler {handler:?}");
        }
    }

    #[test]
    fn asset_paths_are_unique_and_absolute() {
        let mut paths: Vec<_> = ASSETS.iter().map(|a| a.path).collect();
        assert!(paths.iter().all(|p| p.starts_with('/')));
        paths.sort_unstable();
        let before = paths.len();
        paths.dedup();
        assert_eq!(before, paths.len());
    }
}
