//! What the inbound hook refuses (problem+json, the right status, nothing landed): no or a
//! wrong secret, a body that is not a mail, unknown and forged addresses, another brand's
//! conversation, no new text, a reply over the message limit, an oversize mail; and
//! machine-sent mail (auto-replies, bulk, bounces) answered 202 without landing.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::Value;

use super::{SECRET, apps, multipart_reply, post_mail, reply_address, visitor_texts};
use crate::helpers::{id_of, spawn_apps};

#[tokio::test]
async fn without_a_secret_the_hook_is_absent_and_a_wrong_one_is_refused() {
    for app in spawn_apps().await {
        let (s, problem) = post_mail(&app, "To: a@b\r\n\r\nhi", Some(SECRET), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {problem}", app.backend);
        app.finish().await;
    }
    for app in apps().await {
        let b = app.backend;
        let (acme, _, ada_t, _, started) = app.opening(1, "Hello", "m1").await;
        let id = id_of(&started);
        let mail = multipart_reply(&reply_address(&app, &acme, &id).await, "w@x");
        let wrong = format!("{SECRET}x");
        for token in [None, Some(wrong.as_str()), Some(ada_t.as_str())] {
            let (s, problem) = post_mail(&app, &mail, token, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {token:?}");
            assert_eq!(problem["type"], "/problems/unauthorized");
        }
        let (_, view) = app
            .get(&format!("/api/v1/expert/conversations/{id}"), &ada_t)
            .await;
        assert_eq!(visitor_texts(&view), ["Hello"], "{b}: nothing landed");
        app.finish().await;
    }
}

/// Posts `raw` and checks the problem: its status and stable type.
async fn refused(app: &crate::helpers::TestApp, what: &str, raw: &str, status: u16, kind: &str) {
    let (s, problem) = post_mail(app, raw, Some(SECRET), None).await;
    let b = app.backend;
    assert_eq!(s.as_u16(), status, "{b}: {what}: {problem}");
    assert_eq!(problem["type"], format!("/problems/{kind}"), "{b}: {what}");
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn mails_that_cannot_land_are_refused_and_land_nothing() {
    for app in apps().await {
        let b = app.backend;
        let (acme, _, ada_t, _, started) = app.opening(1, "Hello", "m1").await;
        let id = id_of(&started);
        let globex = app.brand("globex").await;
        let (_, _gus) = app.expert(&globex, "gus", 1, ExpertStatus::Available).await;
        let theirs = app.visitor(&globex).await;
        let their_id = id_of(&app.start(&globex, &theirs, "Theirs", "t1").await);
        let to = reply_address(&app, &acme, &id).await;
        let (local, domain) = to.split_once('@').expect("address");
        // Another conversation's id with this address's tag: parses, does not verify.
        let other = reply_address(&app, &acme, &their_id).await;
        let forged = format!("{}{}@{domain}", &other[..51], &local[51..]);
        // Signed under acme's secret but naming globex's conversation under acme.
        let cross = reply_address(&app, &acme, &their_id).await;

        let mail = |to: &str, body: &str| {
            format!(
                "From: bob@example.test\r\nTo: {to}\r\nMessage-ID: <{body:.8}@x>\r\nSubject: Re: hi\r\n\r\n{body}\r\n"
            )
        };
        refused(
            &app,
            "no reply address",
            &mail("support@acme.test", "hi"),
            404,
            "unknown-reply-address",
        )
        .await;
        refused(
            &app,
            "a forged address",
            &mail(&forged, "hi"),
            403,
            "forged-reply-address",
        )
        .await;
        refused(
            &app,
            "another brand's conversation",
            &mail(&cross, "hi"),
            404,
            "unknown-reply-address",
        )
        .await;
        refused(
            &app,
            "only quotes",
            &mail(&to, "On Mon, Ada wrote:\r\n> Hello"),
            422,
            "empty-reply",
        )
        .await;
        let long = "x".repeat(4001);
        refused(
            &app,
            "over the limit",
            &mail(&to, &long),
            422,
            "reply-too-long",
        )
        .await;
        refused(&app, "not a mail", "no headers at all", 400, "not-a-mail").await;
        let huge = mail(&to, &"y".repeat(11 * 1024 * 1024));
        refused(&app, "oversize", &huge, 413, "payload-too-large").await;
        let response = app
            .http
            .post(format!("{}/api/v1/inbound/email", app.base))
            .bearer_auth(SECRET)
            .header("content-type", "application/json")
            .body(mail(&to, "hi"))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{b}");

        let (_, view) = app
            .get(&format!("/api/v1/expert/conversations/{id}"), &ada_t)
            .await;
        assert_eq!(visitor_texts(&view), ["Hello"], "{b}: nothing landed");
        // A big mail under the bound (an attachment) is taken: the bound is the hook's own.
        let big = mail(
            &to,
            &format!("Here it is.\r\n-- \r\n{}", "z".repeat(2 * 1024 * 1024)),
        );
        let (s, receipt) = post_mail(&app, &big, Some(SECRET), None).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {receipt}");
        app.finish().await;
    }
}

#[tokio::test]
async fn machine_sent_mail_is_taken_but_never_lands() {
    for app in apps().await {
        let b = app.backend;
        let (acme, _, ada_t, _, started) = app.opening(1, "Hello", "m1").await;
        let id = id_of(&started);
        let to = reply_address(&app, &acme, &id).await;
        let cases = [
            (
                "Auto-Submitted: auto-replied\r\nSubject: Re: hi",
                "auto-submitted",
            ),
            ("Precedence: bulk\r\nSubject: Newsletter", "bulk"),
            ("Return-Path: <>\r\nSubject: Undelivered Mail", "bounce"),
            (
                "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique?=",
                "out-of-office",
            ),
            ("X-Autoreply: yes\r\nSubject: Re: hi", "auto-submitted"),
        ];
        for (n, (headers, reason)) in cases.iter().enumerate() {
            let raw = format!(
                "From: bob@example.test\r\nTo: {to}\r\nMessage-ID: <a{n}@x>\r\n{headers}\r\n\r\nI am away until Monday.\r\n"
            );
            let (s, receipt) = post_mail(&app, &raw, Some(SECRET), None).await;
            assert_eq!(s, StatusCode::ACCEPTED, "{b}: {headers}: {receipt}");
            assert_eq!(receipt["outcome"], "ignored");
            assert_eq!(receipt["reason"], *reason, "{b}: {headers}");
            assert_eq!(receipt["conversation_id"], Value::Null);
        }
        let (_, view) = app
            .get(&format!("/api/v1/expert/conversations/{id}"), &ada_t)
            .await;
        assert_eq!(visitor_texts(&view), ["Hello"], "{b}: no mail loop");
        app.finish().await;
    }
}
