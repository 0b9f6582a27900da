//! Brand admins: log in, see the whole brand and nothing else, edit settings (the automatic
//! message), manage experts (invite, capacity, disable) and API keys for the server API.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, per_backend};
use crate::ws_client::rivals;

per_backend! {
    async fn an_admin_sees_the_whole_brand_and_sets_the_automatic_message(app, b) {
        let (acme, _, root, other) = rivals(&app, "root", "boss").await;
        let (_, ada) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let one = app.start(&acme, &visitor, "first", "a").await;
        let id = one["conversation"]["id"].as_str().expect("id").to_owned();
        app.start(&acme, &app.visitor(&acme).await, "queued one", "b")
            .await;

        let (s, list) = app.get("/api/v1/admin/conversations", &root).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(
            list["conversations"].as_array().map(Vec::len),
            Some(2),
            "{b}"
        );
        let path = format!("/api/v1/admin/conversations/{id}");
        let (s, view) = app.get(&path, &root).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(view["entries"][1]["body"], "first");

        let refusals = [
            (
                "another brand's admin",
                other.as_str(),
                StatusCode::NOT_FOUND,
            ),
            ("an expert", ada.as_str(), StatusCode::UNAUTHORIZED),
            ("a visitor", visitor.as_str(), StatusCode::UNAUTHORIZED),
        ];
        for (who, token, expected) in refusals {
            let (s, _) = app.get(&path, token).await;
            assert_eq!(s, expected, "{b}: {who}");
        }
        app.assert_nothing_crosses_brands("/api/v1/admin/conversations", &other)
            .await;

        let settings = json!({
            "auto_message": "Hi! We answer within {typical_reply_time}.",
            "typical_reply_time": "one day",
            "max_snooze_days": 14,
            "allowed_origins": ["https://shop.example/"],
        });
        let (s, saved) = app.put("/api/v1/admin/settings", &root, settings).await;
        assert_eq!(s, StatusCode::OK, "{b}: {saved}");
        assert_eq!(saved["allowed_origins"], json!(["https://shop.example"]));
        let (_, read_back) = app.get("/api/v1/admin/settings", &root).await;
        assert_eq!(read_back, saved, "{b}");
        let started = app
            .start(&acme, &app.visitor(&acme).await, "hello", "c")
            .await;
        assert_eq!(
            started["entries"][2]["body"], "Hi! We answer within one day.",
            "{b}"
        );
        let bad = json!({"auto_message": "", "typical_reply_time": "x",
                         "max_snooze_days": 14, "allowed_origins": []});
        let (s, _) = app.put("/api/v1/admin/settings", &root, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, _) = app.get("/api/v1/admin/settings", &ada).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: experts cannot");
        let wrong = json!({"brand": "acme", "email": "root@acme.test", "password": "nope"});
        let (s, _) = app
            .call(Method::POST, "/api/v1/admin/login", None, Some(wrong))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
}

per_backend! {
    async fn an_admin_invites_resizes_and_disables_experts(app, b) {
        let (_, _, root, other) = rivals(&app, "root", "boss").await;
        let invite = json!({"email": "new@acme.test", "name": "Newt",
                            "capacity": 2});
        let (s, expert) = app
            .post("/api/v1/admin/experts", &root, invite.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {expert}");
        let (s, _) = app.post("/api/v1/admin/experts", &root, invite).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: same e-mail twice");
        let set = json!({"brand": "acme", "password": "long enough",
                         "token": expert["invitation"]["token"]});
        let (s, body) = app
            .call(Method::POST, "/api/v1/auth/password", None, Some(set))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}: {body}");
        let login = json!({"brand": "acme", "email": "new@acme.test", "password": "long enough"});
        let (s, session) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(login.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let token = session["token"].as_str().expect("token").to_owned();

        let path = format!(
            "/api/v1/admin/experts/{}",
            expert["id"].as_str().expect("id")
        );
        let (s, changed) = app.patch(&path, &root, json!({"capacity": 5})).await;
        assert_eq!(
            (s, changed["capacity"].clone()),
            (StatusCode::OK, json!(5)),
            "{b}"
        );
        let (s, _) = app.patch(&path, &root, json!({"capacity": 500})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, _) = app.patch(&path, &other, json!({"capacity": 1})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's admin");

        let (s, changed) = app.patch(&path, &root, json!({"disabled": true})).await;
        assert_eq!(
            (s, changed["disabled"].clone()),
            (StatusCode::OK, json!(true)),
            "{b}"
        );
        let (s, _) = app.get("/api/v1/expert/me", &token).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: logged out");
        let (s, _) = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(login))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: cannot log in");
        let (_, team) = app.get("/api/v1/admin/experts", &root).await;
        assert_eq!(team["experts"][0]["disabled"], true, "{b}");
        let (_, theirs) = app.get("/api/v1/admin/experts", &other).await;
        assert_eq!(theirs["experts"], json!([]), "{b}");
        let _ = PASSWORD;
    }
}

per_backend! {
    async fn api_keys_are_shown_once_scoped_to_their_brand_and_revocable(app, b) {
        let (acme, _, root, boss) = rivals(&app, "root", "boss").await;
        let visitor = app.visitor(&acme).await;
        let started = app.start(&acme, &visitor, "hello", "a").await;
        let id = started["conversation"]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        let (s, created) = app
            .post("/api/v1/admin/api-keys", &root, json!({"name": "CRM"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let key = created["key"].as_str().expect("key").to_owned();
        let (_, listed) = app.get("/api/v1/admin/api-keys", &root).await;
        assert_eq!(listed["api_keys"][0]["id"], created["id"], "{b}");
        assert!(
            listed["api_keys"][0].get("key").is_none(),
            "{b}: never shown again"
        );
        let (_, foreign) = app
            .post("/api/v1/admin/api-keys", &boss, json!({"name": "x"}))
            .await;
        let foreign_key = foreign["key"].as_str().expect("key").to_owned();

        let (s, list) = app.get("/api/v1/server/conversations", &key).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(list["conversations"][0]["id"], id.as_str(), "{b}");
        let one = format!("/api/v1/server/conversations/{id}");
        let (s, _) = app.get(&one, &key).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let refusals = [
            (
                "another brand's key",
                foreign_key.as_str(),
                StatusCode::NOT_FOUND,
            ),
            ("an admin session", root.as_str(), StatusCode::UNAUTHORIZED),
            (
                "a visitor token",
                visitor.as_str(),
                StatusCode::UNAUTHORIZED,
            ),
        ];
        for (who, token, expected) in refusals {
            let (s, _) = app.get(&one, token).await;
            assert_eq!(s, expected, "{b}: {who}");
        }
        let (s, _) = app.get("/api/v1/admin/me", &key).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: a key is not an admin");

        let revoke = format!(
            "/api/v1/admin/api-keys/{}",
            created["id"].as_str().expect("id")
        );
        let (s, _) = app.delete(&revoke, &boss).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: not theirs to revoke");
        let (s, _) = app.delete(&revoke, &root).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.get("/api/v1/server/conversations", &key).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: revoked");
    }
}
