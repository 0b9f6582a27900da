//! Signed identity across devices: two browsers with the same signed customer id are one
//! visitor (same conversations, same history); a forged, altered or unsigned id gets a
//! fresh anonymous visitor that sees nothing, answered alike; an anonymous visitor who
//! identifies brings their conversations, a signed one never; admins rotate the secret.

use ebb_core::ExpertStatus;
use ebb_core::identity::{CustomerId, customer_hash};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::admin;

/// The brand's identity secret, as its admin sees it.
async fn secret_of(app: &TestApp, admin: &str) -> String {
    let (s, body) = app
        .call(
            Method::GET,
            "/api/v1/admin/identity-secret",
            Some(admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["secret"].as_str().expect("secret").to_owned()
}

fn sign(secret: &str, customer: &str) -> String {
    customer_hash(secret, &CustomerId::parse(customer).expect("id"))
}

/// `POST /identity` for `customer` with `hash`, from a browser holding `bearer`:
/// the `{visitor_id, token}` body.
async fn identify(
    app: &TestApp,
    slug: &str,
    customer: &str,
    hash: &str,
    bearer: Option<&str>,
) -> Value {
    let path = format!("/api/v1/widget/{slug}/identity");
    let body = json!({"customer_id": customer, "customer_hash": hash});
    let (s, v) = app.call(Method::POST, &path, bearer, Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{}: {v}", app.backend);
    v
}

fn token(v: &Value) -> &str {
    v["token"].as_str().expect("token")
}

/// The ids of the conversations `token`'s visitor lists.
async fn listed(app: &TestApp, slug: &str, token: &str) -> Vec<String> {
    let (s, list) = app
        .get(&format!("/api/v1/widget/{slug}/conversations"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let all = list["conversations"].as_array().expect("list");
    all.iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

per_backend! {
    async fn two_browsers_with_the_same_signed_id_are_one_visitor(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let secret = secret_of(&app, &admin(&app, &acme, "root").await).await;
        let hash = sign(&secret, "customer-42");
        let laptop = identify(&app, "acme", "customer-42", &hash, None).await;
        let started = app.start(&acme, token(&laptop), "Where is my order?", "m1").await;
        let id = id_of(&started);
        let (_, context) = app.get(&format!("/api/v1/expert/conversations/{id}/context"), &ada).await;
        assert_eq!(context["customer_id"], "customer-42", "{b}: the expert sees who it is");
        app.say(&ada, &id, "On its way").await;
        let (s, _) = app.post(&format!("/api/v1/expert/conversations/{id}/close"), &ada, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");

        let phone = identify(&app, "acme", "customer-42", &hash, None).await;
        assert_eq!(phone["visitor_id"], laptop["visitor_id"], "{b}: one visitor");
        assert_ne!(token(&phone), token(&laptop), "{b}: each browser its own token");
        assert_eq!(listed(&app, "acme", token(&phone)).await, std::slice::from_ref(&id), "{b}");
        let (s, h) = app.get("/api/v1/widget/acme/history", token(&phone)).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(h["conversations"][0]["id"], id.as_str(), "{b}: history on the phone");
        assert_eq!(h["conversations"][0]["entries"][2]["body"], "On its way", "{b}");
        let (s, _) = app.get(&format!("/api/v1/widget/acme/conversations/{id}"), token(&laptop)).await;
        assert_eq!(s, StatusCode::OK, "{b}: the laptop still reads it");
        let follow = app.write(&acme, token(&phone), &id, "Still not here").await;
        assert!(listed(&app, "acme", token(&laptop)).await.contains(&id_of(&follow)), "{b}");
    }
}

per_backend! {
    async fn a_forged_altered_or_unsigned_id_is_a_fresh_anonymous_visitor(app, b) {
        let acme = app.brand("acme").await;
        app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let secret = secret_of(&app, &admin(&app, &acme, "root").await).await;
        let real = identify(&app, "acme", "customer-42", &sign(&secret, "customer-42"), None).await;
        app.start(&acme, token(&real), "My address is 1 Main St", "m1").await;
        let anonymous = app.visitor(&acme).await;
        let theirs = id_of(&app.start(&acme, &anonymous, "anonymous question", "m2").await);

        let forged = [
            ("another secret", "customer-42", sign("guessed", "customer-42")),
            ("an altered id", "customer-43", sign(&secret, "customer-42")),
            ("an altered hash", "customer-42", sign(&secret, "customer-42").replace(|c: char| c.is_ascii_digit(), "f")),
            ("no signature", "customer-42", String::new()),
            ("an unknown customer, forged", "nobody-at-all", sign("guessed", "nobody-at-all")),
        ];
        for (what, customer, hash) in forged {
            let got = identify(&app, "acme", customer, &hash, Some(&anonymous)).await;
            let keys: Vec<&String> = got.as_object().expect("object").keys().collect();
            let real_keys: Vec<&String> = real.as_object().expect("object").keys().collect();
            assert_eq!(keys, real_keys, "{b}: {what}: answered like a good one");
            assert_ne!(got["visitor_id"], real["visitor_id"], "{b}: {what}");
            assert!(listed(&app, "acme", token(&got)).await.is_empty(), "{b}: {what}: sees nothing");
            let (_, h) = app.get("/api/v1/widget/acme/history", token(&got)).await;
            assert_eq!(h["conversations"], json!([]), "{b}: {what}");
        }
        assert_eq!(listed(&app, "acme", &anonymous).await, [theirs], "{b}: nothing merged");
        assert_eq!(listed(&app, "acme", token(&real)).await.len(), 1, "{b}: nor into the customer");
    }
}

per_backend! {
    async fn an_anonymous_visitor_who_identifies_brings_their_conversations(app, b) {
        let acme = app.brand("acme").await;
        app.expert(&acme, "ada", 3, ExpertStatus::Available).await;
        let secret = secret_of(&app, &admin(&app, &acme, "root").await).await;
        let anonymous = app.visitor(&acme).await;
        let before = id_of(&app.start(&acme, &anonymous, "asked before logging in", "m1").await);
        let signed = identify(&app, "acme", "ann", &sign(&secret, "ann"), Some(&anonymous)).await;
        assert_eq!(listed(&app, "acme", token(&signed)).await, std::slice::from_ref(&before), "{b}: merged");
        assert!(listed(&app, "acme", &anonymous).await.is_empty(), "{b}: moved, not copied");

        // A browser signed in as ann that signs in as bob: ann's conversations stay ann's.
        let bob = identify(&app, "acme", "bob", &sign(&secret, "bob"), Some(token(&signed))).await;
        assert!(listed(&app, "acme", token(&bob)).await.is_empty(), "{b}: never signed into signed");
        assert_eq!(listed(&app, "acme", token(&signed)).await, [before], "{b}");
    }
}

per_backend! {
    async fn a_signed_id_is_per_brand_and_the_secret_rotates(app, b) {
        let acme = app.brand("acme").await;
        let globex = app.brand("globex").await;
        app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let old = secret_of(&app, &root).await;
        assert_eq!(secret_of(&app, &root).await, old, "{b}: stable until rotated");
        let globex_secret = secret_of(&app, &admin(&app, &globex, "boss").await).await;
        assert_ne!(globex_secret, old, "{b}: one secret per brand");
        let first = identify(&app, "acme", "c1", &sign(&old, "c1"), None).await;
        app.start(&acme, token(&first), "hello", "m1").await;
        let elsewhere = identify(&app, "globex", "c1", &sign(&old, "c1"), None).await;
        assert!(listed(&app, "globex", token(&elsewhere)).await.is_empty(), "{b}: acme's key");

        let (s, rotated) = app.post("/api/v1/admin/identity-secret", &root, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let new = rotated["secret"].as_str().expect("secret").to_owned();
        assert_ne!(new, old, "{b}");
        assert_eq!(secret_of(&app, &root).await, new, "{b}");
        let stale = identify(&app, "acme", "c1", &sign(&old, "c1"), None).await;
        assert_ne!(stale["visitor_id"], first["visitor_id"], "{b}: the old key no longer signs");
        let fresh = identify(&app, "acme", "c1", &sign(&new, "c1"), None).await;
        assert_eq!(fresh["visitor_id"], first["visitor_id"], "{b}");
        assert_eq!(listed(&app, "acme", token(&first)).await.len(), 1, "{b}: tokens kept");
        let (_, ada) = app.expert(&acme, "zed", 1, ExpertStatus::Away).await;
        let (s, _) = app.call(Method::GET, "/api/v1/admin/identity-secret", Some(&ada), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: never an expert");
    }
}

per_backend! {
    async fn erasing_a_signed_visitor_ends_every_browser_and_a_bad_id_is_refused(app, b) {
        let acme = app.brand("acme").await;
        app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let root = admin(&app, &acme, "root").await;
        let secret = secret_of(&app, &root).await;
        let hash = sign(&secret, "gone");
        let one = identify(&app, "acme", "gone", &hash, None).await;
        let two = identify(&app, "acme", "gone", &hash, None).await;
        let vid = one["visitor_id"].as_str().expect("id");
        let (s, body) = app.post(&format!("/api/v1/admin/visitors/{vid}/erase"), &root, json!({})).await;
        assert!(s.is_success(), "{b}: {body}");
        for t in [token(&one), token(&two)] {
            let (s, _) = app.get("/api/v1/widget/acme/conversations", t).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: every browser's token ends");
        }
        let again = identify(&app, "acme", "gone", &hash, None).await;
        assert_ne!(again["visitor_id"], one["visitor_id"], "{b}: a new visitor after erasure");

        let path = "/api/v1/widget/acme/identity";
        for bad in ["", &"x".repeat(256), "line\nbreak"] {
            let body = json!({"customer_id": bad, "customer_hash": hash});
            let (s, p) = app.call(Method::POST, path, None, Some(body)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {p}");
            assert_eq!(p["type"], "/problems/invalid-body", "{b}");
        }
    }
}
