//! The operator API: absent (404) without `EBB_OPERATOR_TOKEN`, 401 for any other
//! credential on every operator route of the generated document, and with the token it
//! does what `ebb brand create`, `ebb admin create` and `ebb admin reset-password` do.

use ebb_core::ExpertStatus;
use ebb_server::openapi::{Audience, routes};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::try_login;
use crate::helpers::{spawn_apps, spawn_apps_with, test_settings};
use crate::ws_client::admin;

const TOKEN: &str = "operator-secret-for-tests";

fn operator_routes() -> Vec<(Method, String)> {
    let found: Vec<_> = routes()
        .iter()
        .filter(|r| r.audience == Audience::Operator)
        .map(|r| {
            let method = Method::from_bytes(r.method.as_bytes()).expect("method");
            (method, r.path.replace("{brand}", "acme"))
        })
        .collect();
    assert_eq!(found.len(), 3, "the operator routes");
    found
}

#[tokio::test]
async fn without_an_operator_token_the_operator_api_is_absent() {
    for app in spawn_apps().await {
        for (method, path) in operator_routes() {
            for token in [None, Some(TOKEN), Some("")] {
                let (s, body) = app
                    .call(method.clone(), &path, token, Some(json!({})))
                    .await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{}: {path}: {body}", app.backend);
            }
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_operator_token_provisions_brands_and_admins() {
    let settings = ebb_server::Settings {
        operator_token: Some(ebb_server::auth::hash_token(TOKEN)),
        ..test_settings()
    };
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (_, expert) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let wrong = format!("{TOKEN}x");
        for (method, path) in operator_routes() {
            for token in [None, Some(wrong.as_str()), Some(&expert), Some(&root)] {
                let (s, body) = app
                    .call(method.clone(), &path, token, Some(json!({})))
                    .await;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {path}: {body}");
                assert_eq!(body["type"], "/problems/unauthorized", "{b}");
            }
        }
        let brand = json!({"slug": "globex", "name": "Globex"});
        let (s, body) = app
            .call(
                Method::POST,
                "/api/v1/operator/brands",
                Some(TOKEN),
                Some(brand.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {body}");
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/operator/brands",
                Some(TOKEN),
                Some(brand),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: same slug");
        let bad = json!({"slug": "Not A Slug", "name": "x"});
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/operator/brands",
                Some(TOKEN),
                Some(bad),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: core's slug rule");

        let new = json!({"email": " Boss@Globex.test", "name": "Boss"});
        let path = "/api/v1/operator/brands/globex/admins";
        let (s, made) = app.call(Method::POST, path, Some(TOKEN), Some(new)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {made}");
        assert_eq!(made["admin"]["email"], "boss@globex.test", "{b}");
        let generated = made["password"].as_str().expect("generated").to_owned();
        let login = "/api/v1/admin/login";
        let (s, _, _) = try_login(&app, login, "globex", "boss@globex.test", &generated).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");

        let reset = json!({"email": "boss@globex.test", "password": "an-operator-choice"});
        let path = "/api/v1/operator/brands/globex/admins/password-reset";
        let (s, done) = app.call(Method::POST, path, Some(TOKEN), Some(reset)).await;
        assert_eq!(s, StatusCode::OK, "{b}: {done}");
        assert_eq!(done["sessions_ended"], 1, "{b}");
        assert_eq!(done["password"], serde_json::Value::Null, "{b}");
        let (s, _, _) = try_login(
            &app,
            login,
            "globex",
            "boss@globex.test",
            "an-operator-choice",
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app.finish().await;
    }
}
