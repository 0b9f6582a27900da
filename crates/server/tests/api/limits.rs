//! Limits answer clearly: an oversized body is 413 and a flood is 429 with `Retry-After`,
//! both problem+json; a flood of anonymous visitors from one address cannot fill the
//! experts' slots.

use std::net::IpAddr;

use ebb_core::ExpertStatus;
use ebb_server::limits::RateSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assigned_to, per_backend, spawn_apps_with, test_settings};

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
            let resp = app.get_response(path, &visitor).await;
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

/// A new visitor of `acme` through `client` and the answer to starting a conversation
/// (`None` when no visitor was made: the refusal).
async fn visitor_starts(app: &TestApp, client: &reqwest::Client, n: usize) -> (StatusCode, Value) {
    let url = format!("{}/api/v1/widget/acme", app.base);
    let resp = client
        .post(format!("{url}/visitors"))
        .send()
        .await
        .expect("send");
    let status = resp.status();
    let body: Value = resp.json().await.expect("json");
    if status != StatusCode::CREATED {
        return (status, body);
    }
    let token = body["token"].as_str().expect("token");
    let start = json!({"body": "hello", "client_msg_id": format!("m{n}")});
    let resp = client
        .post(format!("{url}/conversations"))
        .bearer_auth(token)
        .json(&start)
        .send()
        .await
        .expect("send");
    (resp.status(), resp.json().await.expect("json"))
}

#[tokio::test]
async fn a_flood_from_one_address_cannot_fill_the_experts_slots() {
    let rates = RateSettings {
        new_visitors_per_ip_per_hour: 4,
        new_conversations_per_ip_per_hour: 3,
        ..RateSettings::default()
    };
    let settings = ebb_server::Settings {
        rates,
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 10, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let first = app.start(&acme, &visitor, "hello", "a").await;
        let path = "/api/v1/widget/acme/conversations";
        let (s, again) = app
            .post(
                path,
                &visitor,
                json!({"body": "again", "client_msg_id": "b"}),
            )
            .await;
        assert_eq!(
            (s, again["type"].as_str()),
            (
                StatusCode::CONFLICT,
                Some("/problems/conversation-already-open")
            ),
            "{b}: one open conversation per visitor: {again}"
        );
        let first_id = first["conversation"]["id"].as_str().expect("id");
        assert!(
            again["detail"]
                .as_str()
                .is_some_and(|d| d.contains(first_id)),
            "{b}"
        );
        let flood = reqwest::Client::new();
        let mut refusals = Vec::new();
        for n in 0..20 {
            let (s, body) = visitor_starts(&app, &flood, n).await;
            if s != StatusCode::CREATED {
                assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}: {body}");
                refusals.push(body["type"].as_str().unwrap_or("").to_owned());
            }
        }
        let elsewhere = reqwest::Client::builder()
            .local_address(IpAddr::from([127, 0, 0, 2]))
            .build()
            .expect("client");
        let (s, other) = visitor_starts(&app, &elsewhere, 99).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {other}");
        assert_eq!(
            assigned_to(&other),
            &json!(ada.id),
            "{b}: another visitor is still routed"
        );
        let (_, held) = app.get("/api/v1/expert/conversations", &ada_t).await;
        let held = held["conversations"].as_array().map_or(0, Vec::len);
        assert!(
            held <= 3 + 1,
            "{b}: {held} held; the flood's address starts at most 3 (the limit), plus the other"
        );
        assert!(
            refusals.contains(&"/problems/too-many-visitors".to_owned()),
            "{b}: {refusals:?}"
        );
        assert!(
            refusals.contains(&"/problems/too-many-conversations".to_owned()),
            "{b}: {refusals:?}"
        );
        app.finish().await;
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

#[tokio::test]
async fn behind_a_trusted_proxy_new_visitors_are_counted_per_forwarded_client() {
    let mut settings = crate::helpers::test_settings();
    settings.rates.new_visitors_per_ip_per_hour = 2;
    settings.proxies.nets = vec!["127.0.0.1".parse().expect("net")];
    for app in crate::helpers::spawn_apps_with(settings).await {
        let b = app.backend;
        app.brand("acme").await;
        let new_visitor = |client: &'static str| {
            app.http
                .post(format!("{}/api/v1/widget/acme/visitors", app.base))
                .header("x-forwarded-for", client)
                .send()
        };
        let mut statuses = Vec::new();
        for client in ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"] {
            statuses.push(new_visitor(client).await.expect("send").status());
        }
        assert_eq!(
            statuses,
            [
                StatusCode::CREATED,
                StatusCode::CREATED,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::CREATED
            ],
            "{b}: each client behind the proxy has its own hourly budget"
        );
        app.finish().await;
    }
}
