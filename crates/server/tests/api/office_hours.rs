//! Office hours: an admin sets the brand's and an expert's schedules (bad ones answer
//! 422), out of hours the widget and the automatic message say when the team is back, routing
//! skips experts out of their hours and catches up when hours begin, and the widget's reply
//! time is measured from the last week's first responses, in office hours only.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{assigned_to, id_of, per_backend};
use crate::ws_client::{admin, rivals};

/// Monday to Friday, 09:00-17:00 in `zone`.
fn office(zone: &str) -> Value {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday"];
    let weekly: Vec<Value> = days
        .iter()
        .map(|d| json!({"day": d, "start": "09:00", "end": "17:00"}))
        .collect();
    json!({"hours": {"zone": zone, "weekly": weekly}})
}

/// The widget's brand info, read in `lang`.
async fn widget_info(app: &crate::helpers::TestApp, slug: &str, lang: &str) -> Value {
    let url = format!("{}/api/v1/widget/{slug}", app.base);
    let res = app
        .http
        .get(url)
        .header("accept-language", lang)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("json")
}

per_backend! {
    async fn out_of_hours_the_widget_and_the_automatic_message_say_when_the_team_is_back(app, b) {
        let (acme, _, root, _) = rivals(&app, "root", "boss").await;
        let (_, ada_t) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        // T0 is Wednesday 2026-11-25 09:00 UTC, 10:00 in Paris: open.
        let (s, set) = app.put("/api/v1/admin/hours", &root, office("Europe/Paris")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {set}");
        assert_eq!(set["hours"]["zone"], "Europe/Paris");
        let info = widget_info(&app, "acme", "en").await;
        assert_eq!(info["hours"]["open"], true, "{b}: {info}");
        assert_eq!(info["hours"]["back_at_text"], Value::Null);

        app.advance(Duration::hours(8)).await; // 18:00 in Paris
        let info = widget_info(&app, "acme", "en-GB,en;q=0.9").await;
        assert_eq!(info["hours"]["open"], false, "{b}: {info}");
        assert_eq!(info["hours"]["back_at_text"], "We're back tomorrow at 9:00", "{b}");
        assert_eq!(info["hours"]["back_at"], "2026-11-26T08:00:00Z", "{b}");
        let fr = widget_info(&app, "acme", "fr-FR").await;
        assert_eq!(fr["hours"]["back_at_text"], "Nous serons de retour demain à 9\u{a0}h\u{a0}00");

        let visitor = app.visitor(&acme).await;
        let started = app.start(&acme, &visitor, "anyone there?", "m1").await;
        let auto = started["entries"][2]["body"].as_str().expect("automatic message");
        assert!(auto.ends_with("We're back tomorrow at 9:00."), "{b}: {auto}");
        assert_eq!(assigned_to(&started), &Value::Null, "{b}: ada is out of hours");

        // Thursday 09:00 in Paris: the scheduler hands the waiting conversation to ada.
        app.advance(Duration::hours(15)).await;
        let id = id_of(&started);
        app.wait_for("/api/v1/expert/conversations", &ada_t, "the morning's assignment", |l| {
            l["conversations"].as_array().is_some_and(|c| c.iter().any(|c| c["id"] == id))
        })
        .await;
    }
}

per_backend! {
    async fn routing_skips_an_expert_out_of_their_own_hours(app, b) {
        let (acme, _, root, _) = rivals(&app, "root", "boss").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 5, ExpertStatus::Available).await;
        let (_, bob_t) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        // Ada works 09:00-17:00 in Tokyo: at T0 (18:00 there) she is out of hours; bob has
        // no hours of his own and the brand none either, so he is always in.
        let path = format!("/api/v1/admin/experts/{}/hours", ada.id);
        let (s, set) = app.put(&path, &root, office("Asia/Tokyo")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {set}");
        assert_eq!(set["experts"][0]["expert_id"], json!(ada.id), "{b}");
        let first = app.start(&acme, &app.visitor(&acme).await, "one", "a").await;
        let second = app.start(&acme, &app.visitor(&acme).await, "two", "b").await;
        let (_, bob_list) = app.get("/api/v1/expert/conversations", &bob_t).await;
        assert_eq!(bob_list["conversations"][0]["id"], id_of(&first), "{b}");
        assert_eq!(assigned_to(&second), &Value::Null, "{b}: not to ada out of hours");
        let (_, ada_list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(ada_list["conversations"], json!([]), "{b}");

        // Removing her hours puts her back in: the waiting one goes to her at once.
        let (s, _) = app.put(&path, &root, json!({"hours": null})).await;
        assert_eq!(s, StatusCode::OK);
        let (_, ada_list) = app.get("/api/v1/expert/conversations", &ada_t).await;
        assert_eq!(ada_list["conversations"][0]["id"], id_of(&second), "{b}");
    }
}

per_backend! {
    async fn bad_office_hours_answer_problem_json(app, b) {
        let (acme, globex, root, _) = rivals(&app, "root", "boss").await;
        let (gus, _) = app.expert(&globex, "gus", 1, ExpertStatus::Available).await;
        let overlap = json!({"hours": {"zone": "UTC", "weekly": [
            {"day": "monday", "start": "09:00", "end": "13:00"},
            {"day": "monday", "start": "12:00", "end": "18:00"}]}});
        let backwards = json!({"hours": {"zone": "UTC", "weekly": [
            {"day": "monday", "start": "18:00", "end": "09:00"}]}});
        let cases = [
            ("an unknown zone", office("Mars/Olympus"), "time zone"),
            ("overlapping intervals", overlap, "overlaps"),
            ("an end before its start", backwards, "after"),
            ("an unknown field", json!({"hours": {"zone": "UTC", "open": true}}), ""),
        ];
        for (what, body, says) in cases {
            let (s, problem) = app.put("/api/v1/admin/hours", &root, body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {what}: {problem}");
            let detail = problem["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(says), "{b}: {what}: {detail}");
            assert!(problem["type"].as_str().is_some_and(|t| t.starts_with("/problems/")));
        }
        let foreign = format!("/api/v1/admin/experts/{}/hours", gus.id);
        let (s, _) = app.put(&foreign, &root, office("UTC")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's expert");
        let (_, hours) = app.get("/api/v1/admin/hours", &root).await;
        assert_eq!(hours, json!({"hours": null, "experts": []}), "{b}: nothing was stored");
        let _ = acme;
    }
}

per_backend! {
    async fn the_reply_time_is_measured_in_office_hours(app, b) {
        let acme = app.brand("acme").await;
        let root = admin(&app, &acme, "root").await;
        let (_, ada_t) = app.expert(&acme, "ada", 10, ExpertStatus::Available).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let started = app.start(&acme, &app.visitor(&acme).await, "hi", &format!("m{i}")).await;
            ids.push(id_of(&started));
        }
        app.advance(Duration::minutes(4 * 60 + 10)).await;
        for id in &ids[..4] {
            app.say(&ada_t, id, "here I am").await;
        }
        let info = widget_info(&app, "acme", "en").await;
        assert_eq!(info["typical_reply_time"], "a few hours", "{b}: 4 are too few: {info}");
        assert_eq!(info["hours"]["measured"], false);
        app.say(&ada_t, &ids[4], "here I am").await;
        let info = widget_info(&app, "acme", "en").await;
        assert_eq!(info["typical_reply_time"], "about 4 hours", "{b}: {info}");
        assert_eq!(info["hours"]["measured"], true);

        // Open only from 11:00 UTC on Wednesdays: of the 09:00-13:10 wait, 2h10 counted.
        let late = json!({"hours": {"zone": "UTC", "weekly": [
            {"day": "wednesday", "start": "11:00", "end": "24:00"}]}});
        let (s, _) = app.put("/api/v1/admin/hours", &root, late).await;
        assert_eq!(s, StatusCode::OK);
        let info = widget_info(&app, "acme", "de").await;
        assert_eq!(info["typical_reply_time"], "etwa 2 Stunden", "{b}: {info}");
        let (s, _) = app
            .call(Method::GET, "/api/v1/widget/acme", None, None)
            .await;
        assert_eq!(s, StatusCode::OK);
    }
}
