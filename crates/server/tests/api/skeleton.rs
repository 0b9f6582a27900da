//! The walking skeleton: a visitor writes, gets the automatic message, the conversation is
//! routed to an available expert who lists, reads and answers it. Retries never duplicate,
//! and a client message id is its author's own.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{OPENED, assigned_to, kinds, per_backend, spawn_apps};

per_backend! {
    async fn visitor_writes_gets_the_automatic_message_and_an_expert_reads_it(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_token) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let visitor = app.visitor(&brand).await;

        let started = app
            .start(&brand, &visitor, "Do you ship to Norway?", "m-1")
            .await;
        assert_eq!(kinds(&started), OPENED, "{b}");
        let auto = &started["entries"][2];
        assert_eq!(auto["author"]["kind"], "system");
        assert_eq!(
            auto["body"], "Leave us a message; we reply in a few hours.",
            "{b}"
        );
        assert_eq!(started["conversation"]["state"]["status"], "assigned");
        assert_eq!(assigned_to(&started), &json!(ada.id), "{b}");
        let id = started["conversation"]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        let (status, panel) = app.get("/api/v1/expert/conversations", &ada_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(panel["conversations"][0]["id"], json!(id), "{b}");
        assert_eq!(panel["slots"], json!({"held": 1, "capacity": 3}), "{b}");
        assert_eq!(panel["queue"], 0);

        let path = format!("/api/v1/expert/conversations/{id}");
        let (status, read) = app.get(&path, &ada_token).await;
        assert_eq!(status, StatusCode::OK, "{b}: {read}");
        assert_eq!(read["entries"][1]["body"], "Do you ship to Norway?");

        let reply = json!({"body": "Yes, in 3 to 5 days.", "client_msg_id": "e-1"});
        let path = format!("/api/v1/expert/conversations/{id}/messages");
        let (status, sent) = app.post(&path, &ada_token, reply).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {sent}");
        assert_eq!(sent["entries"][0]["seq"], 5);

        let path = format!("/api/v1/widget/acme/conversations/{id}?after_seq=4");
        let (status, seen) = app.get(&path, &visitor).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kinds(&seen), ["message"], "{b}: resume after seq 4");
        assert_eq!(seen["entries"][0]["body"], "Yes, in 3 to 5 days.");
    }
}

per_backend! {
    async fn retries_with_the_same_client_id_are_not_duplicated(app, b) {
        let brand = app.brand("acme").await;
        let visitor = app.visitor(&brand).await;
        let first = app.start(&brand, &visitor, "Hello", "m-1").await;
        let path = "/api/v1/widget/acme/conversations";
        let again = json!({"body": "Hello", "client_msg_id": "m-1"});
        let (status, replay) = app.post(path, &visitor, again).await;
        assert_eq!(status, StatusCode::OK, "{b}: a replay answers 200");
        assert_eq!(replay["conversation"]["id"], first["conversation"]["id"]);
        let (_, list) = app.get(path, &visitor).await;
        assert_eq!(
            list["conversations"].as_array().map(Vec::len),
            Some(1),
            "{b}"
        );

        let id = first["conversation"]["id"].as_str().expect("id");
        let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let msg = json!({"body": "Anyone?", "client_msg_id": "m-2"});
        let (s1, one) = app.post(&path, &visitor, msg.clone()).await;
        let (s2, two) = app.post(&path, &visitor, msg).await;
        assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK), "{b}");
        assert_eq!(
            one["entries"][0], two["entries"][0],
            "{b}: same stored entry"
        );
        let path = format!("/api/v1/widget/acme/conversations/{id}");
        let (_, all) = app.get(&path, &visitor).await;
        let bodies = all["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["body"] == "Anyone?")
            .count();
        assert_eq!(bodies, 1, "{b}");
    }
}

per_backend! {
    async fn a_client_id_is_its_authors_own(app, b) {
        let brand = app.brand("acme").await;
        let (_, ada) = app.expert(&brand, "ada", 3, ExpertStatus::Available).await;
        let visitor = app.visitor(&brand).await;
        let first = app.start(&brand, &visitor, "Hello", "m-1").await;
        let id = first["conversation"]["id"].as_str().expect("id");
        let expert_path = format!("/api/v1/expert/conversations/{id}/messages");
        let reply = json!({"body": "Hi, how can I help?", "client_msg_id": "m-1"});
        let (s, sent) = app.post(&expert_path, &ada, reply.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: the visitor's id is not the expert's: {sent}");
        assert_eq!(sent["entries"][0]["body"], "Hi, how can I help?", "{b}");
        assert_eq!(sent["entries"][0]["author"]["kind"], "expert", "{b}");
        let (s, again) = app.post(&expert_path, &ada, reply).await;
        assert_eq!(s, StatusCode::OK, "{b}: the expert's own retry is a replay");
        assert_eq!(again["entries"][0], sent["entries"][0], "{b}");

        let widget_path = format!("/api/v1/widget/acme/conversations/{id}/messages");
        let msg = json!({"body": "Thanks!", "client_msg_id": "e-9"});
        let (s, _) = app.post(&expert_path, &ada, json!({"body": "More?", "client_msg_id": "e-9"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, mine) = app.post(&widget_path, &visitor, msg).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: the expert's id is not the visitor's: {mine}");
        assert_eq!(mine["entries"][0]["body"], "Thanks!", "{b}");

        let (_, all) = app.get(&format!("/api/v1/expert/conversations/{id}"), &ada).await;
        let bodies: Vec<&str> = all["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["body"].as_str())
            .collect();
        for said in ["Hello", "Hi, how can I help?", "More?", "Thanks!"] {
            assert_eq!(bodies.iter().filter(|b| **b == said).count(), 1, "{b}: {said} once: {bodies:?}");
        }
    }
}

per_backend! {
    async fn conversations_queue_until_an_expert_becomes_available(app, b) {
        let brand = app.brand("acme").await;
        let (_, token) = app.expert(&brand, "bob", 1, ExpertStatus::Away).await;
        let v1 = app.visitor(&brand).await;
        let v2 = app.visitor(&brand).await;
        let first = app.start(&brand, &v1, "first", "a").await;
        let second = app.start(&brand, &v2, "second", "b").await;
        assert_eq!(first["conversation"]["state"]["status"], "queued", "{b}");
        assert_eq!(kinds(&second), ["started", "message", "message"]);

        let (_, me) = app.get("/api/v1/expert/me", &token).await;
        assert_eq!(me["queue"], 2, "{b}");
        let status = json!({"status": "available"});
        let (s, _) = app.put("/api/v1/expert/status", &token, status).await;
        assert_eq!(s, StatusCode::NO_CONTENT);

        let (_, panel) = app.get("/api/v1/expert/conversations", &token).await;
        let convs = panel["conversations"].as_array().expect("list");
        assert_eq!(convs.len(), 1, "{b}: capacity 1 means one conversation");
        assert_eq!(
            convs[0]["id"], first["conversation"]["id"],
            "{b}: first come first served"
        );
        assert_eq!(panel["queue"], 1);
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    for app in spawn_apps().await {
        let (s, body) = app.call(Method::GET, "/healthz", None, None).await;
        assert_eq!((s, body), (StatusCode::OK, json!("ok")));
        let (s, _) = app.call(Method::GET, "/readyz", None, None).await;
        assert_eq!(s, StatusCode::OK, "{}", app.backend);
        app.finish().await;
    }
}
