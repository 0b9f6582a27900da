//! Who may see what: every refusal of the skeleton's endpoints, and bad input answered
//! with problem+json instead of a crash.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::per_backend;

per_backend! {
    async fn nobody_sees_conversations_that_are_not_theirs(app, b) {
        let acme = app.brand("acme").await;
        let globex = app.brand("globex").await;
        let (_, ada) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let (_, zed) = app.expert(&acme, "zed", 1, ExpertStatus::Away).await;
        let (_, gus) = app.expert(&globex, "gus", 3, ExpertStatus::Available).await;
        let owner = app.visitor(&acme).await;
        let stranger = app.visitor(&acme).await;
        let foreign = app.visitor(&globex).await;
        let started = app.start(&acme, &owner, "private question", "m").await;
        let id = started["conversation"]["id"].as_str().expect("id");

        let widget = format!("/api/v1/widget/acme/conversations/{id}");
        let expert = format!("/api/v1/expert/conversations/{id}");
        let widget_cases = [
            ("no token", None, StatusCode::UNAUTHORIZED),
            ("garbage token", Some("nope"), StatusCode::UNAUTHORIZED),
            ("another visitor", Some(stranger.as_str()), StatusCode::NOT_FOUND),
            ("a visitor of another brand", Some(foreign.as_str()), StatusCode::UNAUTHORIZED),
            ("an expert token on the widget API", Some(ada.as_str()), StatusCode::UNAUTHORIZED),
        ];
        let expert_cases = [
            ("another expert", Some(zed.as_str()), StatusCode::NOT_FOUND),
            ("another brand's expert", Some(gus.as_str()), StatusCode::NOT_FOUND),
            ("a visitor token on the expert API", Some(owner.as_str()), StatusCode::UNAUTHORIZED),
            ("no expert token", None, StatusCode::UNAUTHORIZED),
        ];
        let cases = (widget_cases.iter().map(|c| (&widget, c)))
            .chain(expert_cases.iter().map(|c| (&expert, c)));
        for (path, &(who, token, expected)) in cases {
            let (status, body) = app.call(Method::GET, path, token, None).await;
            assert_eq!(status, expected, "{b}: {who} reading");
            assert!(
                body["type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("/problems/"))
            );
            let post = json!({"body": "let me in"});
            let (status, _) = app
                .call(Method::POST, &format!("{path}/messages"), token, Some(post))
                .await;
            assert_eq!(status, expected, "{b}: {who} writing");
        }
        app.assert_nothing_crosses_brands("/api/v1/expert/conversations", &gus)
            .await;
        let (_, list) = app
            .get("/api/v1/widget/acme/conversations", &stranger)
            .await;
        assert_eq!(list["conversations"], json!([]), "{b}");
    }
}

per_backend! {
    async fn bad_input_gets_a_clear_problem(app, b) {
        let brand = app.brand("acme").await;
        let visitor = app.visitor(&brand).await;
        let path = "/api/v1/widget/acme/conversations";
        let too_long = "x".repeat(4001);
        let long_id = "i".repeat(101);
        let cases = [
            (
                json!({"body": "  "}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/empty-message",
            ),
            (
                json!({"body": too_long}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/message-too-long",
            ),
            (
                json!({"body": "hi", "extra": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/invalid-body",
            ),
            (
                json!({"text": "hi"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/invalid-body",
            ),
            (
                json!({"body": "hi", "client_msg_id": long_id}),
                StatusCode::BAD_REQUEST,
                "/problems/bad-request",
            ),
        ];
        for (body, status, kind) in cases {
            let (s, problem) = app.post(path, &visitor, body.clone()).await;
            assert_eq!(s, status, "{b}: {body} -> {problem}");
            assert_eq!(problem["type"], kind, "{b}: {body}");
            assert_eq!(problem["status"], status.as_u16());
        }
        let resp = app
            .http
            .post(format!("{}{path}", app.base))
            .bearer_auth(&visitor)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/problem+json",
            "{b}"
        );
        let (s, _) = app
            .get("/api/v1/widget/acme/conversations/not-a-uuid", &visitor)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .get("/api/v1/widget/nosuchbrand/conversations", &visitor)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let wrong = json!({"brand": "acme", "email": "nobody@acme.test", "password": "x"});
        let (s, _) = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(wrong))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        // The conversation list is still empty: nothing half-accepted was stored.
        let (_, list) = app.get(path, &visitor).await;
        assert_eq!(list["conversations"], json!([]), "{b}");
    }
}
