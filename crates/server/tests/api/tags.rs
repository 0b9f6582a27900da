//! Tags: a brand's admins define a few names, experts (on the conversations they own) and
//! admins put them on conversations and take them off, the expert's list shows them and
//! filters by one, and no tag or conversation crosses brands.

use ebb_core::ExpertStatus;
use ebb_core::tag::MAX_TAGS_PER_BRAND;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::admin;

/// The admin holding `admin` defines the tag `name`; its id.
pub(crate) async fn define(app: &TestApp, admin: &str, name: &str) -> String {
    let (s, tag) = app
        .post("/api/v1/admin/tags", admin, json!({"name": name}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{}: {tag}", app.backend);
    tag["id"].as_str().expect("id").to_owned()
}

async fn status(app: &TestApp, method: Method, path: &str, token: &str) -> StatusCode {
    app.call(method, path, Some(token), None).await.0
}

/// The tag names on each listed conversation, by conversation id.
fn tags_of(list: &Value, id: &str) -> Vec<String> {
    list["conversations"]
        .as_array()
        .expect("conversations")
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| {
            c["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .map(|t| t["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

per_backend! {
    async fn experts_and_admins_tag_conversations_and_the_list_filters_by_tag(app, b) {
        let (acme, _, ada, visitor, started) = app.opening(3, "hello", "m1").await;
        let ann = admin(&app, &acme, "ann").await;
        let first = id_of(&started);
        app.write(&acme, &visitor, &first, "still there?").await;
        let other = app.visitor(&acme).await;
        let second = id_of(&app.start(&acme, &other, "hi", "m2").await);
        let vip = define(&app, &ann, " vip ").await;
        let refund = define(&app, &ann, "refund").await;
        let (s, dup) = app.post("/api/v1/admin/tags", &ann, json!({"name": "vip"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {dup}");
        for bad in [json!({"name": ""}), json!({"name": "x".repeat(41)}), json!({"name": "a\nb"})] {
            let (s, out) = app.post("/api/v1/admin/tags", &ann, bad).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {out}");
        }
        let (_, tags) = app.get("/api/v1/admin/tags", &ann).await;
        let names: Vec<&str> = tags["tags"].as_array().expect("tags").iter()
            .filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(names, ["vip", "refund"], "{b}: oldest first, trimmed");

        let put = |conv: &str, tag: &str, who: &str| format!("/api/v1/{who}/conversations/{conv}/tags/{tag}");
        assert_eq!(status(&app, Method::PUT, &put(&first, &vip, "expert"), &ada).await, StatusCode::NO_CONTENT, "{b}");
        assert_eq!(status(&app, Method::PUT, &put(&first, &vip, "expert"), &ada).await, StatusCode::NO_CONTENT, "{b}: again");
        assert_eq!(status(&app, Method::PUT, &put(&first, &refund, "admin"), &ann).await, StatusCode::NO_CONTENT, "{b}");
        assert_eq!(status(&app, Method::PUT, &put(&second, &refund, "expert"), &ada).await, StatusCode::NO_CONTENT, "{b}");

        let (_, list) = app.get("/api/v1/expert/conversations", &ada).await;
        assert_eq!(tags_of(&list, &first), ["refund", "vip"], "{b}: {list}");
        assert_eq!(tags_of(&list, &second), ["refund"], "{b}");
        let (_, admins) = app.get("/api/v1/admin/conversations", &ann).await;
        assert_eq!(tags_of(&admins, &first), ["refund", "vip"], "{b}: the admin list too");

        let (s, only) = app.get(&format!("/api/v1/expert/conversations?tag={vip}"), &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {only}");
        let ids: Vec<&str> = only["conversations"].as_array().expect("list").iter()
            .filter_map(|c| c["id"].as_str()).collect();
        assert_eq!(ids, [first.as_str()], "{b}: only the vip one");
        let path = format!("/api/v1/expert/conversations?tag={refund}&limit=1");
        let (_, page) = app.get(&path, &ada).await;
        let cursor = page["next_cursor"].as_str().expect("a second page");
        let (_, rest) = app.get(&format!("{path}&cursor={cursor}"), &ada).await;
        assert_eq!(rest["conversations"].as_array().map(Vec::len), Some(1), "{b}: {rest}");
        assert_eq!(rest["next_cursor"], Value::Null, "{b}");

        assert_eq!(status(&app, Method::DELETE, &put(&first, &vip, "expert"), &ada).await, StatusCode::NO_CONTENT, "{b}");
        let (_, list) = app.get("/api/v1/expert/conversations", &ada).await;
        assert_eq!(tags_of(&list, &first), ["refund"], "{b}: untagged");
        let gone = format!("/api/v1/admin/tags/{refund}");
        assert_eq!(status(&app, Method::DELETE, &gone, &ann).await, StatusCode::NO_CONTENT, "{b}");
        assert_eq!(status(&app, Method::DELETE, &gone, &ann).await, StatusCode::NOT_FOUND, "{b}: once");
        let (_, list) = app.get("/api/v1/expert/conversations", &ada).await;
        assert!(tags_of(&list, &first).is_empty(), "{b}: a deleted tag comes off: {list}");
        let (s, _) = app.get(&format!("/api/v1/expert/conversations?tag={refund}"), &ada).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: a deleted tag filters nothing");
    }
}

per_backend! {
    async fn tags_never_cross_brands_and_only_owners_tag(app, b) {
        let (acme, _, ada, _, started) = app.opening(3, "hello", "m1").await;
        let ours = id_of(&started);
        let ann = admin(&app, &acme, "ann").await;
        let vip = define(&app, &ann, "vip").await;
        let (_, bob) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let (_, gus) = app.expert(&globex, "gus", 3, ExpertStatus::Available).await;
        let theirs_visitor = app.visitor(&globex).await;
        let theirs = id_of(&app.start(&globex, &theirs_visitor, "hola", "g1").await);
        let their_tag = define(&app, &gil, "vip").await;

        let cases = [
            (format!("/api/v1/expert/conversations/{ours}/tags/{their_tag}"), ada.as_str(), "another brand's tag"),
            (format!("/api/v1/admin/conversations/{ours}/tags/{their_tag}"), ann.as_str(), "another brand's tag"),
            (format!("/api/v1/expert/conversations/{theirs}/tags/{vip}"), ada.as_str(), "another brand's conversation"),
            (format!("/api/v1/admin/conversations/{theirs}/tags/{vip}"), ann.as_str(), "another brand's conversation"),
            (format!("/api/v1/expert/conversations/{ours}/tags/{vip}"), bob.as_str(), "a colleague who does not own it"),
            (format!("/api/v1/expert/conversations/{ours}/tags/{vip}"), gus.as_str(), "another brand's expert"),
            (format!("/api/v1/admin/conversations/{ours}/tags/{vip}"), gil.as_str(), "another brand's admin"),
            (format!("/api/v1/admin/tags/{vip}"), gil.as_str(), "another brand's admin deleting"),
        ];
        for (path, token, who) in &cases {
            let method = if path.contains("/api/v1/admin/tags/") { Method::DELETE } else { Method::PUT };
            assert_eq!(status(&app, method, path, token).await, StatusCode::NOT_FOUND, "{b}: {who}: {path}");
        }
        let (s, _) = app.get(&format!("/api/v1/expert/conversations?tag={their_tag}"), &ada).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: filtering by another brand's tag");
        let (_, tags) = app.get("/api/v1/admin/tags", &gil).await;
        assert_eq!(tags["tags"].as_array().map(Vec::len), Some(1), "{b}: globex sees its own only");
        let (_, list) = app.get("/api/v1/admin/conversations", &ann).await;
        assert!(tags_of(&list, &ours).is_empty(), "{b}: nothing was tagged: {list}");
        let (_, list) = app.get("/api/v1/admin/conversations", &gil).await;
        assert!(tags_of(&list, &theirs).is_empty(), "{b}: nothing was tagged: {list}");
        let (_, gus_list) = app.get("/api/v1/expert/conversations", &gus).await;
        assert!(gus_list.to_string().contains(&theirs), "{b}: gus holds theirs");
    }
}

per_backend! {
    async fn a_brand_defines_at_most_the_limit_of_tags(app, b) {
        let acme = app.brand("acme").await;
        let ann = admin(&app, &acme, "ann").await;
        for n in 0..MAX_TAGS_PER_BRAND {
            define(&app, &ann, &format!("t{n}")).await;
        }
        let (s, out) = app.post("/api/v1/admin/tags", &ann, json!({"name": "one more"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {out}");
        assert_eq!(out["type"], "/problems/too-many-tags", "{b}");
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        define(&app, &gil, "one more").await;
    }
}
