//! Logins: bounded argon2, one verification whatever the e-mail, normalised e-mails,
//! throttling per account and per address.

use reqwest::StatusCode;

use super::{accounts, login, try_login};
use crate::helpers::{PASSWORD, per_backend, spawn_apps_with, test_settings};

#[tokio::test]
async fn argon2_runs_at_once_never_exceed_the_bound() {
    let settings = ebb_server::Settings {
        argon2_concurrency: 2,
        argon2_queue: 1000,
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let routes = accounts(&app, &brand).await;
        let before = app.passwords.verifications();
        let logins = (0..16).map(|i| {
            let (route, email) = &routes[i % 2];
            try_login(&app, route, "acme", email, PASSWORD)
        });
        for (status, body, _) in futures_util::future::join_all(logins).await {
            assert_eq!(status, StatusCode::CREATED, "{b}: {body}");
        }
        assert_eq!(app.passwords.verifications() - before, 16, "{b}");
        let peak = app.passwords.peak();
        assert!((1..=2).contains(&peak), "{b}: {peak} argon2 runs at once");
        app.finish().await;
    }
}

per_backend! {
    async fn every_login_costs_one_verification_known_or_not(app, b) {
        let brand = app.brand("acme").await;
        for (route, email) in accounts(&app, &brand).await {
            let cases = [
                ("acme", email.as_str(), "wrong password"),
                ("acme", "nobody@acme.test", "unknown e-mail"),
                ("acme", "not an e-mail", "malformed e-mail"),
                ("nosuch", email.as_str(), "unknown brand"),
            ];
            for (slug, who, what) in cases {
                let before = app.passwords.verifications();
                let (status, body, _) = try_login(&app, route, slug, who, "wrong-password").await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{b} {route} {what}: {body}");
                let ran = app.passwords.verifications() - before;
                assert_eq!(ran, 1, "{b} {route} {what}: argon2 verifications");
            }
        }
    }
}

per_backend! {
    async fn e_mails_are_normalised_on_every_login(app, b) {
        let brand = app.brand("acme").await;
        for (route, email) in accounts(&app, &brand).await {
            let typed = format!("  {}  ", email.to_uppercase());
            let (status, body, _) = try_login(&app, route, "acme", &typed, PASSWORD).await;
            assert_eq!(status, StatusCode::CREATED, "{b} {route} as {typed:?}: {body}");
        }
    }
}

per_backend! {
    async fn failed_logins_are_throttled_per_account_then_released(app, b) {
        let brand = app.brand("acme").await;
        let routes = accounts(&app, &brand).await;
        for (route, email) in &routes {
            for who in [email.as_str(), "ghost@acme.test"] {
                for _ in 0..ebb_core::account::throttle::ACCOUNT_FAILURES {
                    let (s, _, _) = try_login(&app, route, "acme", who, "wrong-password").await;
                    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b} {route} {who}");
                }
                let before = app.passwords.verifications();
                let (s, body, retry) = try_login(&app, route, "acme", who, PASSWORD).await;
                assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b} {route} {who}: {body}");
                assert_eq!(body["type"], "/problems/login-throttled", "{b} {route}");
                let retry: u64 = retry.and_then(|r| r.parse().ok()).expect("Retry-After");
                assert!((1..=900).contains(&retry), "{b}: retry after {retry}");
                assert_eq!(app.passwords.verifications(), before, "{b}: no argon2 run");
            }
        }
        app.advance(ebb_core::account::throttle::WINDOW).await;
        for (route, email) in &routes {
            login(&app, route, "acme", email).await;
        }
    }
}

per_backend! {
    async fn failed_logins_are_throttled_per_address(app, b) {
        let brand = app.brand("acme").await;
        for (i, (route, email)) in accounts(&app, &brand).await.iter().enumerate() {
            if i > 0 {
                app.advance(ebb_core::account::throttle::WINDOW).await;
            }
            for n in 0..ebb_core::account::throttle::ADDRESS_FAILURES {
                let who = format!("guess{n}@acme.test");
                let (s, _, _) = try_login(&app, route, "acme", &who, "wrong-password").await;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{b} {route} {who}");
            }
            let (s, body, retry) = try_login(&app, route, "acme", email, PASSWORD).await;
            assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b} {route}: {body}");
            assert_eq!(body["type"], "/problems/login-throttled", "{b}");
            assert!(retry.is_some(), "{b}: Retry-After");
        }
    }
}
