//! One-time links: an invitation creates a pending expert who chooses their own password;
//! an admin's reset link replaces a forgotten one. Each works once, before it expires.

use ebb_core::ExpertStatus;
use ebb_core::account::links::{INVITE_VALID, RESET_VALID};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::try_login;
use crate::helpers::{PASSWORD, TestApp, per_backend};
use crate::ws_client::admin;

const EXPERT: &str = "/api/v1/auth/login";

async fn set_password(app: &TestApp, token: &Value, password: &str) -> (StatusCode, Value) {
    let body = json!({"brand": "acme", "token": token, "password": password});
    app.call(Method::POST, "/api/v1/auth/password", None, Some(body))
        .await
}

per_backend! {
    async fn an_invited_expert_chooses_their_password_once(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let invite = json!({"email": "  Cleo@ACME.test ", "name": " Cleo ", "capacity": 2});
        let (s, cleo) = app.post("/api/v1/admin/experts", &root, invite).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {cleo}");
        assert_eq!(cleo["email"], "cleo@acme.test", "{b}: normalised by core");
        assert_eq!(cleo["name"], "Cleo", "{b}");
        let token = cleo["invitation"]["token"].clone();
        let path = cleo["invitation"]["path"].as_str().expect("path");
        assert!(path.starts_with("/panel/?brand=acme#set-password="), "{b}: {path}");
        let (_, team) = app.get("/api/v1/admin/experts", &root).await;
        assert_eq!(team["experts"][0]["pending"], true, "{b}: {team}");

        let before = app.passwords.verifications();
        let (s, _, _) = try_login(&app, EXPERT, "acme", "cleo@acme.test", "").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: pending experts cannot log in");
        assert_eq!(app.passwords.verifications() - before, 1, "{b}: same cost as others");

        let (s, body) = set_password(&app, &token, "short").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        let (s, body) = set_password(&app, &token, "cleo-chose-this").await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}: {body}");
        let (s, body) = set_password(&app, &token, "and-again-later").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: single use: {body}");
        assert_eq!(body["type"], "/problems/not-found", "{b}");
        let (s, _, _) = try_login(&app, EXPERT, "acme", "CLEO@acme.test", "cleo-chose-this").await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, team) = app.get("/api/v1/admin/experts", &root).await;
        assert_eq!(team["experts"][0]["pending"], false, "{b}");

        let late = json!({"email": "late@acme.test", "name": "Late", "capacity": 1});
        let (_, late) = app.post("/api/v1/admin/experts", &root, late).await;
        app.advance(INVITE_VALID).await;
        let (s, _) = set_password(&app, &late["invitation"]["token"], "too-late-now").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: expired");
    }
}

per_backend! {
    async fn a_reset_link_replaces_the_password_and_ends_sessions(app, b) {
        let brand = app.brand("acme").await;
        let other = app.brand("globex").await;
        let root = admin(&app, &brand, "root").await;
        let foreign = admin(&app, &other, "boss").await;
        let (ada, session) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let path = format!("/api/v1/admin/experts/{}/password-reset", ada.id);
        let (s, _) = app.post(&path, &foreign, json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's admin");
        let (s, first) = app.post(&path, &root, json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {first}");
        let (_, link) = app.post(&path, &root, json!({})).await;
        let (s, _) = set_password(&app, &first["token"], "the-first-link").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: a newer link voids older ones");
        let (s, body) = set_password(&app, &link["token"], "a-fresh-password").await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}: {body}");
        let (s, _) = app.get("/api/v1/expert/me", &session).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: sessions ended");
        let (s, _, _) = try_login(&app, EXPERT, "acme", "ada@acme.test", PASSWORD).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: old password");
        let (s, _, _) = try_login(&app, EXPERT, "acme", "ada@acme.test", "a-fresh-password").await;
        assert_eq!(s, StatusCode::CREATED, "{b}");

        let (_, late) = app.post(&path, &root, json!({})).await;
        app.advance(RESET_VALID).await;
        let (s, _) = set_password(&app, &late["token"], "too-late-for-it").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: expired");
    }
}
