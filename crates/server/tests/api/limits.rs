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
