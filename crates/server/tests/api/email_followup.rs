//! Email follow-up through a real SMTP server (maildev): unseen expert replies are emailed
//! once per batch after the brand's delay, with stable Message-IDs, threading, a signed
//! Reply-To and List-Unsubscribe; the email's reopen link gives a session in any client;
//! unsubscribe stops follow-ups; transcripts by email are rate-limited.

use ebb_core::followup::{AskEmail, EmailSettings};
use ebb_core::{Brand, ExpertStatus};
use ebb_server::signing::ReplyAddress;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, id_of, spawn_apps_with};
use crate::maildev::{Maildev, after, settings_with};

/// The brand asks for addresses; its visitor leaves one and starts a conversation that
/// `ada` holds: `(acme, ada's token, the visitor's token, the conversation, the address)`.
pub async fn leave_address(app: &TestApp) -> (Brand, String, String, String, String) {
    let acme = app.brand("acme").await;
    let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
    let settings = EmailSettings {
        ask: AskEmail::AlwaysOptional,
        ..EmailSettings::default()
    };
    let mut conn = app.store().conn().await.expect("conn");
    ebb_store::mail::set_settings(&mut conn, acme.id, &settings)
        .await
        .expect("settings");
    let visitor = app.visitor(&acme).await;
    let conv = id_of(&app.start(&acme, &visitor, "Where is my order?", "c1").await);
    let address = format!("visitor-{}@example.com", app.backend);
    let path = format!("/api/v1/widget/{}/email", acme.slug);
    let (status, body) = app.put(&path, &visitor, json!({"email": address})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], address.as_str());
    assert_eq!(body["ask"], "always_optional");
    (acme, ada, visitor, conv, address)
}

fn header<'a>(mail: &'a Value, name: &str) -> &'a str {
    mail["headers"][name].as_str().unwrap_or_default()
}

#[tokio::test]
async fn unseen_replies_are_emailed_once_per_batch_with_threading_and_signed_addresses() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let b = app.backend;
        let (acme, ada, _visitor, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "It left today.").await;
        app.say(&ada, &conv, "Tracking: <b>X1</b> & co").await;
        app.advance_and_settle(Duration::minutes(4)).await;
        assert!(smtp.to(&to).await.is_empty(), "{b}: not before the delay");
        app.advance(Duration::minutes(2)).await;
        let first = smtp.wait_for(&to, 1).await.remove(0);
        let text = first["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("It left today.") && text.contains("<b>X1</b>"),
            "{b}: {text}"
        );
        let html = first["html"].as_str().unwrap_or_default();
        assert!(
            html.contains("&lt;b&gt;X1&lt;/b&gt; &amp; co"),
            "{b}: escaped: {html}"
        );
        assert!(
            !html.contains("<b>X1"),
            "{b}: no markup from the text: {html}"
        );
        let message_id = header(&first, "message-id").to_owned();
        assert!(
            message_id.ends_with("@reply.ebb.test>"),
            "{b}: {message_id}"
        );
        assert_eq!(
            header(&first, "list-unsubscribe-post"),
            "List-Unsubscribe=One-Click"
        );
        assert!(
            header(&first, "list-unsubscribe")
                .starts_with("<http://ebb.test/api/v1/mail/unsubscribe/")
        );
        let reply_to = first["replyTo"][0]["address"].as_str().unwrap_or_default();
        let (local, domain) = reply_to.split_once('@').expect("an address");
        assert_eq!(domain, "reply.ebb.test");
        let mut conn = app.store().conn().await.expect("conn");
        let secret = ebb_store::brand_secrets::link_secret(&mut conn, acme.id, "unused")
            .await
            .expect("secret");
        let signed = ReplyAddress::parse(local).expect("ours");
        assert!(
            signed.verify(&secret) && signed.conversation.0.to_string() == conv,
            "{b}"
        );

        app.advance_and_settle(Duration::minutes(30)).await;
        assert_eq!(
            smtp.to(&to).await.len(),
            1,
            "{b}: no second mail for the same replies"
        );
        app.say(&ada, &conv, "Anything else?").await;
        app.advance(Duration::minutes(6)).await;
        let second = smtp.wait_for(&to, 2).await.remove(1);
        let text = second["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("Anything else?") && !text.contains("It left today."),
            "{b}: {text}"
        );
        assert_eq!(header(&second, "in-reply-to"), message_id, "{b}: threaded");
        assert_ne!(
            header(&second, "message-id"),
            message_id,
            "{b}: a new batch"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_reply_the_visitor_read_in_time_is_not_emailed() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let (acme, ada, visitor, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "Seen in time").await;
        let path = format!("/api/v1/widget/{}/conversations/{conv}", acme.slug);
        let (_, view) = app.get(&path, &visitor).await;
        let last = view["conversation"]["last_seq"].clone();
        let (status, _) = app
            .post(&format!("{path}/read"), &visitor, json!({"seq": last}))
            .await;
        assert_eq!(status, StatusCode::OK);
        app.advance_and_settle(Duration::minutes(10)).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            smtp.to(&to).await.is_empty(),
            "{}: read replies are not emailed",
            app.backend
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_reopen_link_gives_a_session_of_its_visitor_and_refuses_forgeries() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let b = app.backend;
        let (acme, ada, visitor, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "Your answer").await;
        app.advance(Duration::minutes(6)).await;
        let mail = smtp.wait_for(&to, 1).await.remove(0);
        let token = after(mail["text"].as_str().unwrap_or_default(), "#ebb-resume=").to_owned();
        let resume = format!("/api/v1/widget/{}/resume", acme.slug);
        let (status, got) = app
            .call(Method::POST, &resume, None, Some(json!({"token": token})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {got}");
        assert_eq!(got["conversation_id"], conv.as_str());
        let fresh = got["token"].as_str().expect("a token");
        assert_ne!(fresh, visitor, "{b}: a new session");
        let path = format!("/api/v1/widget/{}/conversations/{conv}", acme.slug);
        let (status, view) = app.get(&path, fresh).await;
        assert_eq!(status, StatusCode::OK, "{b}: {view}");
        assert!(view.to_string().contains("Your answer"), "{b}");
        let (status, _) = app.get(&path, &visitor).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{b}: the first browser keeps its session"
        );

        let mut altered = token.clone().into_bytes();
        altered[30] = if altered[30] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        for bad in [altered.as_str(), "forged", &token[..token.len() - 2]] {
            let (status, problem) = app
                .call(Method::POST, &resume, None, Some(json!({"token": bad})))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b}: {bad}");
            assert_eq!(
                problem["type"]
                    .as_str()
                    .map(|t| t.ends_with("link-refused")),
                Some(true),
                "{problem}"
            );
        }
        let other = app.brand("other").await;
        let elsewhere = format!("/api/v1/widget/{}/resume", other.slug);
        let (status, _) = app
            .call(
                Method::POST,
                &elsewhere,
                None,
                Some(json!({"token": token})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: another brand's link");
        app.advance(Duration::days(31)).await;
        let (status, problem) = app
            .call(Method::POST, &resume, None, Some(json!({"token": token})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("expired")),
            "{problem}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn unsubscribe_confirms_on_get_and_stops_follow_ups_on_post() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let b = app.backend;
        let (acme, ada, visitor, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "First").await;
        app.advance(Duration::minutes(6)).await;
        let mail = smtp.wait_for(&to, 1).await.remove(0);
        let url = after(
            mail["text"].as_str().unwrap_or_default(),
            "Stop these emails: ",
        );
        let path = url.trim_start_matches("http://ebb.test").to_owned();
        let (status, page) = app.call(Method::GET, &path, None, None).await;
        assert_eq!(status, StatusCode::OK, "{b}: {page}");
        assert!(
            page.as_str()
                .is_some_and(|p| p.contains("<form method=\"post\">")),
            "{b}: {page}"
        );
        let (status, _) = app
            .call(Method::GET, "/api/v1/mail/unsubscribe/forged", None, None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (_, still) = app
            .get(&format!("/api/v1/widget/{}/email", acme.slug), &visitor)
            .await;
        assert_eq!(
            still["unsubscribed"], false,
            "{b}: GET alone changes nothing"
        );
        let one_click = app
            .http
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .expect("post");
        assert_eq!(one_click.status(), StatusCode::OK, "{b}");
        let (_, now) = app
            .get(&format!("/api/v1/widget/{}/email", acme.slug), &visitor)
            .await;
        assert_eq!(now["unsubscribed"], true, "{b}");
        app.say(&ada, &conv, "Second").await;
        app.advance_and_settle(Duration::minutes(10)).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            smtp.to(&to).await.len(),
            1,
            "{b}: no follow-up after unsubscribing"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_transcript_is_emailed_on_request_and_rate_limited() {
    let smtp = Maildev::start().await;
    for app in spawn_apps_with(settings_with(&smtp.url())).await {
        let b = app.backend;
        let (acme, ada, visitor, conv, to) = leave_address(&app).await;
        app.say(&ada, &conv, "Here is <i>everything</i>").await;
        let path = format!(
            "/api/v1/widget/{}/conversations/{conv}/transcript/email",
            acme.slug
        );
        let (status, body) = app.post(&path, &visitor, json!(null)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{b}: {body}");
        let mail = smtp.wait_for(&to, 1).await.remove(0);
        assert!(
            mail["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Your conversation with"))
        );
        assert!(
            mail["text"]
                .as_str()
                .is_some_and(|t| t.contains("Where is my order?")),
            "{b}"
        );
        let html = mail["html"].as_str().unwrap_or_default();
        assert!(
            html.contains("&lt;i&gt;everything") && !html.contains("<i>"),
            "{b}: {html}"
        );
        let (status, _) = app.post(&path, &visitor, json!(null)).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: within ten minutes"
        );
        app.advance(Duration::minutes(11)).await;
        let (status, _) = app.post(&path, &visitor, json!(null)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{b}: later again");
        let stranger = app.visitor(&acme).await;
        let (status, _) = app.post(&path, &stranger, json!(null)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: not another visitor's");
        let own = id_of(&app.start(&acme, &stranger, "Hi", "s1").await);
        let mine = format!(
            "/api/v1/widget/{}/conversations/{own}/transcript/email",
            acme.slug
        );
        let (status, _) = app.post(&mine, &stranger, json!(null)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}: no address left");
        app.finish().await;
    }
}
