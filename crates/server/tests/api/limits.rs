//! Limits answer clearly: an oversized body is 413 and a flood is 429 with `Retry-After`,
//! both problem+json.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;

use crate::helpers::per_backend;

per_backend! {
    async fn an_oversized_body_is_refused_with_413(app, b) {
        let acme = app.brand("acme").await;
        let visitor = app.visitor(&acme).await;
        let huge = format!("{{\"body\": \"{}\"}}", "x".repeat(100 * 1024));
        let resp = app
            .http
            .post(format!("{}/api/v1/widget/acme/conversations", app.base))
            .bearer_auth(&visitor)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(problem["type"], "/problems/payload-too-large", "{b}");
    }
}

per_backend! {
    async fn a_flooding_visitor_gets_429_with_retry_after(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let path = "/api/v1/widget/acme/conversations";
        let mut limited = None;
        for _ in 0..500 {
            let resp = app
                .http
                .get(format!("{}{path}", app.base))
                .bearer_auth(&visitor)
                .send()
                .await
                .expect("send");
            if resp.status() == StatusCode::TOO_MANY_REQUESTS {
                limited = Some(resp);
                break;
            }
        }
        let resp = limited.expect("the per-visitor limit applies");
        let retry: u64 = resp.headers()["retry-after"]
            .to_str()
            .expect("header")
            .parse()
            .expect("seconds");
        assert!(retry >= 1, "{b}");
        let problem: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(problem["type"], "/problems/rate-limited", "{b}");
        let (s, _) = app.get("/api/v1/expert/me", &ada).await;
        assert_eq!(
            s,
            StatusCode::OK,
            "{b}: others are not limited by one visitor"
        );
    }
}

/// A server allowing 5 requests a minute per client IP, trusting `proxies`.
async fn limited_behind(proxies: &[&str]) -> Vec<crate::helpers::TestApp> {
    let mut settings = crate::helpers::test_settings();
    settings.rates.per_ip_per_minute = 5;
    settings.proxies.nets = proxies.iter().map(|p| p.parse().expect("net")).collect();
    crate::helpers::spawn_apps_with(settings).await
}

/// The status of `GET /api/v1/widget/acme` sent with `X-Forwarded-For: forwarded`.
async fn brand_info(app: &crate::helpers::TestApp, forwarded: &str) -> StatusCode {
    app.http
        .get(format!("{}/api/v1/widget/acme", app.base))
        .header("x-forwarded-for", forwarded)
        .send()
        .await
        .expect("send")
        .status()
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_ip_limit() {
    for app in limited_behind(&["10.0.0.0/8"]).await {
        let b = app.backend;
        app.brand("acme").await;
        let mut statuses = Vec::new();
        for n in 0..8 {
            statuses.push(brand_info(&app, &format!("203.0.113.{n}")).await);
        }
        assert_eq!(statuses[..5], [StatusCode::OK; 5], "{b}");
        assert_eq!(
            statuses[5..],
            [StatusCode::TOO_MANY_REQUESTS; 3],
            "{b}: {statuses:?}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_ip_limit() {
    for app in limited_behind(&["127.0.0.1"]).await {
        let b = app.backend;
        app.brand("acme").await;
        for _ in 0..5 {
            assert_eq!(brand_info(&app, "203.0.113.1").await, StatusCode::OK, "{b}");
        }
        let over = brand_info(&app, "203.0.113.1").await;
        assert_eq!(over, StatusCode::TOO_MANY_REQUESTS, "{b}");
        // The limited client forges an entry; the proxy appended the address it saw.
        let forged = brand_info(&app, "203.0.113.2, 203.0.113.1").await;
        assert_eq!(forged, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert_eq!(brand_info(&app, "203.0.113.2").await, StatusCode::OK, "{b}");
        app.finish().await;
    }
}
