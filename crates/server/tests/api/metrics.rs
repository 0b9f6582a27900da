//! Who sees `/metrics`: its labels name brands, so the API listener serves it only to a
//! scraper with the metrics token (`--metrics-token`) and answers 404 without one.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;

use crate::helpers::{TestApp, per_backend, spawn_apps_with, test_settings};

/// Status and body of `GET /metrics` with `token` (if any).
async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut request = app.http.get(format!("{}/metrics", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("metrics");
    let status = response.status();
    (status, response.text().await.expect("text"))
}

/// A brand with two queued conversations, so `ebb_queue_waiting` names it.
async fn queued_brand(app: &TestApp) -> ebb_core::Brand {
    let brand = app.brand("secret-brand").await;
    app.expert(&brand, "bob", 1, ExpertStatus::Away).await;
    for id in ["a", "b"] {
        let visitor = app.visitor(&brand).await;
        app.start(&brand, &visitor, "hello", id).await;
    }
    brand
}

per_backend! {
    async fn the_api_listener_does_not_reveal_brands_in_metrics(app, b) {
        let brand = queued_brand(&app).await;
        for token in [None, Some("guess")] {
            let (status, body) = scrape(&app, token).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{b}: {token:?}: {body}");
            for secret in [brand.id.to_string(), brand.slug.clone()] {
                assert!(!body.contains(&secret), "{b}: {secret} in {body}");
            }
            let problem: serde_json::Value = serde_json::from_str(&body).expect("problem");
            assert_eq!(problem["type"], "/problems/not-found", "{b}");
        }
    }
}

#[tokio::test]
async fn the_metrics_token_opens_metrics_on_the_api_listener() {
    let settings = ebb_server::Settings {
        metrics_token: Some("scrape-me".into()),
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let brand = queued_brand(&app).await;
        for token in [None, Some("guess"), Some("scrape-mf")] {
            let (status, body) = scrape(&app, token).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{b}: {token:?}");
            assert!(!body.contains(&brand.id.to_string()), "{b}: {body}");
        }
        let (status, body) = scrape(&app, Some("scrape-me")).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let line = format!("ebb_queue_waiting{{brand=\"{}\"}} 2", brand.id);
        assert!(
            body.lines().any(|l| l == line),
            "{b}: {line} missing from /metrics"
        );
        app.finish().await;
    }
}
