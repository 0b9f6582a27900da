//! Email settings and delivery faults: admins set the follow-up settings within core's
//! ranges, erasing a visitor forgets their address, and `starttls=required` against a
//! server without STARTTLS fails clearly and is retried (nothing goes out in clear).

use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

use crate::email_followup::leave_address;
use crate::helpers::spawn_apps_with;
use crate::maildev::{Maildev, settings_with};

#[tokio::test]
async fn starttls_required_against_a_server_without_it_fails_clearly_and_is_retried() {
    let smtp = Maildev::start().await;
    let required = format!("smtp://127.0.0.1:{}?starttls=required", smtp.smtp);
    let mailer = crate::maildev::mailer(&required);
    let message = lettre::Message::builder()
        .from("ebb@ebb.test".parse().expect("from"))
        .to("v@example.com".parse().expect("to"))
        .subject("x")
        .body(String::from("x"))
        .expect("message");
    let err = mailer
        .send(message)
        .await
        .expect_err("no STARTTLS, no mail");
    assert!(err.to_string().to_lowercase().contains("tls"), "{err}");
    for app in spawn_apps_with(settings_with(&required)).await {
        let (_, ada, _, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "Never sent in clear").await;
        app.advance_and_settle(Duration::minutes(6)).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(smtp.to(&to).await.is_empty(), "{}", app.backend);
        let mut conn = app.store().conn().await.expect("conn");
        let next = ebb_store::mail::jobs::next_due(&mut conn)
            .await
            .expect("next");
        assert!(
            next.is_some_and(|at| at > app.now()),
            "{}: retried later: {next:?}",
            app.backend
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn erasing_a_visitor_forgets_their_address_and_link_sessions() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let b = app.backend;
        let (acme, _, visitor, conv, _) = leave_address(&app).await;
        let path = format!("/api/v1/widget/{}/conversations/{conv}", acme.slug);
        let (_, view) = app.get(&path, &visitor).await;
        let id: uuid::Uuid = view["conversation"]["visitor_id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid");
        let admin = crate::ws_client::admin(&app, &acme, "root").await;
        let (status, body) = app
            .post(
                &format!("/api/v1/admin/visitors/{id}/erase"),
                &admin,
                json!(null),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let mut conn = app.store().conn().await.expect("conn");
        let left = ebb_store::mail::visitor_email(&mut conn, acme.id, ebb_core::VisitorId(id))
            .await
            .expect("read");
        assert_eq!(left, None, "{b}: the address is erased");
        app.finish().await;
    }
}

#[tokio::test]
async fn admins_set_email_settings_within_core_ranges() {
    for app in crate::helpers::spawn_apps().await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let admin = crate::ws_client::admin(&app, &acme, "root").await;
        let (status, got) = app.get("/api/v1/admin/email-settings", &admin).await;
        assert_eq!(
            (status, &got["ask"], &got["delay_minutes"]),
            (StatusCode::OK, &json!("never"), &json!(5)),
            "{b}"
        );
        let good = json!({"ask": "after_first_message_when_no_expert_online", "delay_minutes": 30,
            "consent_en": " Ok ", "consent_fr": "", "site_url": "https://shop.example/help"});
        let (status, saved) = app.put("/api/v1/admin/email-settings", &admin, good).await;
        assert_eq!(status, StatusCode::OK, "{b}: {saved}");
        assert_eq!(saved["consent_en"], "Ok");
        let (_, again) = app.get("/api/v1/admin/email-settings", &admin).await;
        assert_eq!(again, saved, "{b}: stored");
        for bad in [
            json!({"delay_minutes": 0}),
            json!({"delay_minutes": 10081}),
            json!({"site_url": "javascript:alert(1)"}),
            json!({"consent_en": "x".repeat(501)}),
        ] {
            let mut body = saved.clone();
            for (k, v) in bad.as_object().expect("object") {
                body[k] = v.clone();
            }
            let (status, problem) = app.put("/api/v1/admin/email-settings", &admin, body).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {bad}: {problem}"
            );
        }
        let visitor = app.visitor(&acme).await;
        let (_, view) = app.get("/api/v1/widget/acme/email", &visitor).await;
        assert_eq!(view["ask"], "never", "{b}: this server sends no email");
        let (status, _) = app
            .put(
                "/api/v1/widget/acme/email",
                &visitor,
                json!({"email": "not an address"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        app.finish().await;
    }
}
