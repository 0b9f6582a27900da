//! Issue 12 through the API: the snooze budget is a brand setting, the suggestion carries
//! the saved reply's text and the budget state, an enforced budget refuses a further snooze
//! with its own problem type, and a visitor message starts the count again.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, id_of, per_backend};
use crate::snooze::{snooze, suggestion, wait_expired};
use crate::ws_client::admin;

async fn put_settings(app: &TestApp, root: &str, change: Value) -> (StatusCode, Value) {
    let (_, mut settings) = app.get("/api/v1/admin/settings", root).await;
    for (key, value) in change.as_object().expect("object") {
        settings[key] = value.clone();
    }
    app.put("/api/v1/admin/settings", root, settings).await
}

per_backend! {
    async fn an_enforced_budget_refuses_the_snooze_and_the_suggestion_says_goodbye(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let (_, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let (_, defaults) = app.get("/api/v1/admin/settings", &root).await;
        assert_eq!(
            (&defaults["snooze_budget"], &defaults["snooze_budget_mode"]),
            (&json!(2), &json!("suggest")),
            "{b}"
        );
        for bad in [
            json!({"snooze_budget": 0}),
            json!({"snooze_budget": 11}),
            json!({"snooze_budget_mode": "never"}),
        ] {
            let (s, problem) = put_settings(&app, &root, bad.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}");
            assert_eq!(problem["type"], "/problems/invalid-body", "{b}: {problem}");
        }
        let (s, problem) = put_settings(&app, &root, json!({"snooze_budget": 0})).await;
        assert_eq!(
            problem["detail"], "snooze_budget must be 1 to 10",
            "{b}: {s}"
        );
        let change = json!({"snooze_budget": 1, "snooze_budget_mode": "refuse"});
        let (s, saved) = put_settings(&app, &root, change).await;
        assert_eq!(s, StatusCode::OK, "{b}: {saved}");
        assert_eq!(
            (&saved["snooze_budget"], &saved["snooze_budget_mode"]),
            (&json!(1), &json!("refuse"))
        );

        let visitor = app.visitor(&brand).await;
        let id = id_of(&app.start(&brand, &visitor, "Hello", "m1").await);
        let (s, _) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        app.advance(Duration::hours(24)).await;
        let listed = wait_expired(&app, &ada_t, &id, 1).await;
        assert_eq!(listed["silent_expiries"], 1, "{b}");

        let goodbye = suggestion(&app, &ada_t, &id).await;
        assert_eq!(goodbye["step"], "close_with_goodbye", "{b}: {goodbye}");
        assert_eq!(goodbye["saved_reply"], "goodbye_survey");
        assert_eq!(goodbye["reply"]["key"], "goodbye_survey");
        assert_eq!(goodbye["reply"]["title"], "Goodbye + survey");
        assert!(
            goodbye["reply"]["body"]
                .as_str()
                .is_some_and(|t| t.contains("rating")),
            "{b}: {goodbye}"
        );
        assert_eq!(
            goodbye["budget"],
            json!({"used": 1, "budget": 1, "enforced": true, "snooze_allowed": false})
        );
        let (s, problem) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {problem}");
        assert_eq!(problem["type"], "/problems/snooze-budget-spent");

        let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let body = Some(json!({"body": "Sorry, I'm back!"}));
        let (s, _) = app.call(Method::POST, &path, Some(&visitor), body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let fresh = suggestion(&app, &ada_t, &id).await;
        assert_eq!(fresh["step"], "reply", "{b}: {fresh}");
        assert_eq!(fresh["budget"]["used"], 0, "{b}: the visitor wrote");
        assert_eq!(fresh["budget"]["snooze_allowed"], true);
        let (s, _) = snooze(&app, &ada_t, &id, json!({"kind": "one_day"})).await;
        assert_eq!(s, StatusCode::OK, "{b}: allowed again");
    }
}
