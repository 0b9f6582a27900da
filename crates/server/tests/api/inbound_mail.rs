//! Issue 16, replies by email: real RFC 5322 mails (multipart/alternative, quoted-printable,
//! base64, encoded UTF-8 subjects) posted to the inbound hook land as the visitor's
//! messages (in the expert's timeline and live on their socket), once per Message-ID; a
//! reply wakes a snoozed conversation for its expert and follows up a closed one.

mod refusals;

use ebb_core::{Brand, ConversationId, ExpertStatus};
use ebb_server::signing::ReplyAddress;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, kinds, spawn_apps_with, test_settings};
use crate::ws_client::Ws;

/// The hook's secret in these tests.
pub const SECRET: &str = "inbound-mail-secret-for-tests";

/// Servers (one per backend) with the inbound hook on.
pub async fn apps() -> Vec<TestApp> {
    let settings = ebb_server::Settings {
        inbound_mail_secret: Some(ebb_server::auth::hash_token(SECRET)),
        ..test_settings()
    };
    spawn_apps_with(settings).await
}

/// The signed reply address of conversation `id` of `brand`, as follow-up mails carry it.
pub async fn reply_address(app: &TestApp, brand: &Brand, id: &str) -> String {
    let mut conn = app.store().conn().await.expect("conn");
    let secret = ebb_store::brand_secrets::link_secret(&mut conn, brand.id, "fresh-secret")
        .await
        .expect("secret");
    let conversation = ConversationId(id.parse().expect("uuid"));
    let local = ReplyAddress::new(&secret, brand.id, conversation).local_part();
    format!("{local}@reply.ebb.test")
}

/// Posts `raw` to the hook with `token` as the bearer (and `recipient` as the envelope).
pub async fn post_mail(
    app: &TestApp,
    raw: &str,
    token: Option<&str>,
    recipient: Option<&str>,
) -> (StatusCode, Value) {
    let hook = format!("{}/api/v1/inbound/email", app.base);
    let query = recipient.map(|r| ("recipient", r));
    let url = reqwest::Url::parse_with_params(&hook, query).expect("url");
    let mut request = app
        .http
        .post(url)
        .header("content-type", "message/rfc822")
        .body(raw.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

/// A reply as Thunderbird sends it: multipart/alternative, the text part quoted-printable
/// (UTF-8, soft line breaks), the HTML part base64, quoted history below an attribution.
pub fn multipart_reply(to: &str, message_id: &str) -> String {
    format!(
        "From: Bob Visitor <bob@example.test>\r\n\
         To: Acme Support <{to}>\r\n\
         Subject: =?UTF-8?Q?Re=3A_Votre_question_=C3=A0_Acme?=\r\n\
         Message-ID: <{message_id}>\r\n\
         In-Reply-To: <batch-1@ebb.test>\r\n\
         Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b1\"\r\n\
         \r\n\
         --b1\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         \r\n\
         Merci, la taille M me va tr=C3=A8s bien. Pouvez-vous l'envoyer avant ven=\r\n\
         dredi ?\r\n\
         \r\n\
         On Mon, 30 Nov 2026 at 18:00, Ada <support@acme.test> wrote:\r\n\
         > Which size do you need?\r\n\
         \r\n\
         --b1\r\n\
         Content-Type: text/html; charset=UTF-8\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         PHA+SFRNTCB2ZXJzaW9uPC9wPg==\r\n\
         --b1--\r\n"
    )
}

/// The bodies of the visitor's messages in an expert's view of a conversation.
pub fn visitor_texts(body: &Value) -> Vec<String> {
    body["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "message" && e["author"]["kind"] == "visitor")
        .filter_map(|e| e["body"].as_str().map(str::to_owned))
        .collect()
}

const WANTED: &str = "Merci, la taille M me va très bien. Pouvez-vous l'envoyer avant vendredi ?";

#[tokio::test]
async fn a_reply_mail_lands_once_in_the_timeline_and_live() {
    for app in apps().await {
        let b = app.backend;
        let (acme, _, ada_t, _, started) = app.opening(1, "Is the jacket waterproof?", "m1").await;
        let id = id_of(&started);
        app.say(&ada_t, &id, "Yes, fully. Which size do you need?")
            .await;
        let mut ada_ws = Ws::session(&app, &ada_t).await;
        let to = reply_address(&app, &acme, &id).await;
        let mail = multipart_reply(&to, "r1@example.test");

        let (status, receipt) = post_mail(&app, &mail, Some(SECRET), None).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {receipt}");
        assert_eq!(receipt["outcome"], "landed");
        assert_eq!(receipt["conversation_id"], id.as_str());
        let frame = ada_ws
            .until("the emailed reply, live", |f| {
                f["type"] == "entry" && f["entry"]["body"] == WANTED
            })
            .await;
        assert_eq!(frame["entry"]["author"]["kind"], "visitor", "{b}");
        assert_eq!(frame["entry"]["seq"], receipt["seq"]);

        let (status, again) = post_mail(&app, &mail, Some(SECRET), None).await;
        assert_eq!(status, StatusCode::OK, "{b}: a replay: {again}");
        assert_eq!(
            (again["outcome"].as_str(), &again["seq"]),
            (Some("replayed"), &receipt["seq"])
        );
        let path = format!("/api/v1/expert/conversations/{id}");
        let (_, view) = app.get(&path, &ada_t).await;
        assert_eq!(
            visitor_texts(&view),
            ["Is the jacket waterproof?", WANTED],
            "{b}: once"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn base64_text_and_html_only_mails_land_their_text() {
    for app in apps().await {
        let b = app.backend;
        let (acme, _, ada_t, _, started) = app.opening(1, "Hello", "m1").await;
        let id = id_of(&started);
        let to = reply_address(&app, &acme, &id).await;
        // "Ça marche, merci !" then a signature, in base64; the envelope names the address.
        let base64 = "From: bob@example.test\r\nTo: undisclosed-recipients:;\r\nSubject: =?UTF-8?B?UmU6IMOnYQ==?=\r\nMessage-ID: <r2@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nw4dhIG1hcmNoZSwgbWVyY2kgIQotLSAKQm9i\r\n";
        let (status, receipt) = post_mail(&app, base64, Some(SECRET), Some(&to)).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {receipt}");
        let html = format!(
            "From: bob@example.test\r\nDelivered-To: {to}\r\nMessage-ID: <r3@example.test>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>Second <b>question</b>: the colour?</div><div class=\"gmail_quote\">On Mon, Ada wrote:<blockquote>old</blockquote></div>\r\n"
        );
        let (status, receipt) = post_mail(&app, &html, Some(SECRET), None).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {receipt}");
        let (_, view) = app
            .get(&format!("/api/v1/expert/conversations/{id}"), &ada_t)
            .await;
        let texts = visitor_texts(&view);
        assert_eq!(texts[1], "Ça marche, merci !", "{b}: {texts:?}");
        assert_eq!(texts[2], "Second question: the colour?", "{b}: {texts:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_reply_wakes_a_snoozed_conversation_and_follows_up_a_closed_one() {
    for app in apps().await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let id = id_of(&app.start(&acme, &visitor, "Hello", "m1").await);
        let snooze = format!("/api/v1/expert/conversations/{id}/snooze");
        let (s, _) = app
            .post(&snooze, &ada_t, json!({"choice": {"kind": "three_hours"}}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let to = reply_address(&app, &acme, &id).await;

        let (s, receipt) = post_mail(&app, &multipart_reply(&to, "s1@x"), Some(SECRET), None).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {receipt}");
        let (_, view) = app
            .get(&format!("/api/v1/expert/conversations/{id}"), &ada_t)
            .await;
        let story = kinds(&view);
        assert_eq!(
            story[story.len() - 3..],
            ["message", "woken", "assigned"],
            "{b}"
        );
        assert_eq!(
            view["conversation"]["state"]["expert"],
            json!(ada.id),
            "{b}: same expert"
        );
        assert_eq!(
            view["entries"]
                .as_array()
                .and_then(|e| e.last())
                .map(|e| &e["reason"]),
            Some(&json!("reattributed"))
        );

        let close = format!("/api/v1/expert/conversations/{id}/close");
        let (s, _) = app.post(&close, &ada_t, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, receipt) = post_mail(&app, &multipart_reply(&to, "s2@x"), Some(SECRET), None).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {receipt}");
        let follow_up = receipt["conversation_id"].as_str().expect("id").to_owned();
        assert_ne!(follow_up, id, "{b}: a follow-up of the closed conversation");
        let (_, list) = app.get("/api/v1/widget/acme/conversations", &visitor).await;
        let listed = list["conversations"].as_array().expect("list");
        assert!(
            listed.iter().any(|c| c["id"] == follow_up.as_str()),
            "{b}: the visitor's own"
        );
        let (s, _) = post_mail(&app, &multipart_reply(&to, "s2@x"), Some(SECRET), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: the replay finds the follow-up");
        app.finish().await;
    }
}
