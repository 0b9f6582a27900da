//! Transcripts (the visitor's download, the desk's text and HTML exports: escaped, sent
//! as sandboxed attachments, scoped like the conversation), tags in the admin list and the
//! report, and the colleagues the panel's transfer dialog offers.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{T0, TestApp, id_of, per_backend};
use crate::tags::define;
use crate::ws_client::admin;

/// Markup and quotes in a name, a body and a tag.
const HOSTILE: &str = "<script>alert(\"x\")</script> '&<>";

/// `GET path` as `token`: status, the three download headers, and the body.
async fn download(app: &TestApp, path: &str, token: &str) -> (StatusCode, [String; 3], String) {
    let resp = app.get_response(path, token).await;
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let headers = [
        header(CONTENT_TYPE),
        header(CONTENT_DISPOSITION),
        header(CONTENT_SECURITY_POLICY),
    ];
    (resp.status(), headers, resp.text().await.expect("body"))
}

async fn put_tag(app: &TestApp, token: &str, id: &str, tag: &str) {
    let path = format!("/api/v1/admin/conversations/{id}/tags/{tag}");
    assert_eq!(
        app.put(&path, token, Value::Null).await.0,
        StatusCode::NO_CONTENT
    );
}

per_backend! {
    async fn transcripts_are_escaped_scoped_attachments(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, HOSTILE, 1, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let id = id_of(&app.start(&acme, &visitor, &format!("hi {HOSTILE}"), "m1").await);
        let ann = admin(&app, &acme, "ann").await;
        put_tag(&app, &ann, &id, &define(&app, &ann, HOSTILE).await).await;
        app.say(&ada, &id, "On it").await;
        let desk = format!("/api/v1/expert/conversations/{id}/transcript");

        let (s, [kind, disposition, policy], html) = download(&app, &format!("{desk}?format=html"), &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {html}");
        assert!(kind.starts_with("text/html"), "{b}: {kind}");
        assert_eq!(disposition, format!("attachment; filename=\"transcript-{id}.html\""), "{b}");
        assert_eq!(policy, ebb_server::headers::ATTACHMENT_POLICY, "{b}: sandboxed, no script");
        assert!(!html.contains("<script") && !html.contains("'&<>"), "{b}: unescaped: {html}");
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;&amp;&lt;&gt;";
        assert_eq!(html.matches(escaped).count(), 4, "{b}: name x2, body, tag: {html}");

        let (s, [kind, disposition, _], text) = download(&app, &desk, &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {text}");
        assert_eq!(kind, "text/plain; charset=utf-8", "{b}");
        assert!(disposition.ends_with(".txt\""), "{b}: {disposition}");
        assert!(text.contains(&format!("Tags: {HOSTILE}")), "{b}: {text}");
        assert!(text.contains(&format!("{HOSTILE}: On it")), "{b}: {text}");

        let mine = format!("/api/v1/widget/acme/conversations/{id}/transcript");
        let (s, [kind, disposition, _], text) = download(&app, &mine, &visitor).await;
        assert_eq!(s, StatusCode::OK, "{b}: {text}");
        assert_eq!(kind, "text/plain; charset=utf-8", "{b}");
        assert!(disposition.starts_with("attachment;"), "{b}: {disposition}");
        assert!(text.contains(&format!("Visitor: hi {HOSTILE}")), "{b}: {text}");
        assert!(!text.contains("Tags") && !text.contains("Assigned"), "{b}: messages only: {text}");

        let stranger = app.visitor(&acme).await;
        let (_, bob) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let admin_path = format!("/api/v1/admin/conversations/{id}/transcript");
        for (path, token, want) in [
            (&mine, &stranger, StatusCode::NOT_FOUND),
            (&desk, &bob, StatusCode::NOT_FOUND),
            (&admin_path, &gil, StatusCode::NOT_FOUND),
            (&admin_path, &ann, StatusCode::OK),
            (&format!("{desk}?format=pdf"), &ada, StatusCode::BAD_REQUEST),
        ] {
            let (s, out) = app.get(path, token).await;
            assert_eq!(s, want, "{b}: {path}: {out}");
        }
    }
}

per_backend! {
    async fn tags_filter_the_admin_list_and_are_counted_in_the_report(app, b) {
        let (acme, _, _, _, started) = app.opening(2, "hello", "m1").await;
        let first = id_of(&started);
        let other = app.visitor(&acme).await;
        let second = id_of(&app.start(&acme, &other, "hi", "m2").await);
        let ann = admin(&app, &acme, "ann").await;
        let vip = define(&app, &ann, "vip").await;
        define(&app, &ann, "refund").await;
        put_tag(&app, &ann, &second, &vip).await;
        let (s, list) = app.get(&format!("/api/v1/admin/conversations?tag={vip}"), &ann).await;
        assert_eq!(s, StatusCode::OK, "{b}: {list}");
        let ids: Vec<&Value> = list["conversations"].as_array().expect("list").iter().map(|c| &c["id"]).collect();
        assert_eq!(ids, [&json!(second)], "{b}: only the tagged one, not {first}");
        let (_, all) = app.get("/api/v1/admin/conversations", &ann).await;
        assert_eq!(all["conversations"].as_array().map(Vec::len), Some(2), "{b}");
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let theirs = define(&app, &gil, "vip").await;
        let (s, _) = app.get(&format!("/api/v1/admin/conversations?tag={theirs}"), &ann).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's tag");

        app.advance(time::Duration::days(2)).await;
        let later = app.visitor(&acme).await;
        let outside = id_of(&app.start(&acme, &later, "later", "m3").await);
        put_tag(&app, &ann, &outside, &vip).await;
        let from = T0 - time::Duration::hours(1);
        let to = T0 + time::Duration::days(1);
        let fmt = |t: ebb_core::Instant| t.format(&time::format_description::well_known::Rfc3339).expect("time");
        let path = format!("/api/v1/admin/reports?from={}&to={}", fmt(from), fmt(to));
        let (s, report) = app.get(&path, &ann).await;
        assert_eq!(s, StatusCode::OK, "{b}: {report}");
        let counts: Vec<(String, i64)> = report["tags"].as_array().expect("tags").iter()
            .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t["conversations"].as_i64().unwrap_or(-1)))
            .collect();
        assert_eq!(counts, [("refund".to_owned(), 0), ("vip".to_owned(), 1)], "{b}: in the period only: {report}");
    }
}

per_backend! {
    async fn the_transfer_dialog_offers_colleagues_as_the_transfer_rule_sees_them(app, b) {
        let (acme, _, ada, _, started) = app.opening(2, "hello", "m1").await;
        let id = id_of(&started);
        let (bob, _) = app.expert(&acme, "bob", 1, ExpertStatus::Available).await;
        let (cara, _) = app.expert(&acme, "cara", 2, ExpertStatus::Away).await;
        let (dan, _) = app.expert(&acme, "dan", 0, ExpertStatus::Available).await;
        let globex = app.brand("globex").await;
        app.expert(&globex, "gus", 2, ExpertStatus::Available).await;
        let (s, out) = app.get("/api/v1/expert/colleagues", &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        let seen: Vec<(String, bool, Value)> = out["colleagues"].as_array().expect("list").iter()
            .map(|c| (c["name"].as_str().unwrap_or_default().to_owned(), c["can_take"] == true, c["refusal"].clone()))
            .collect();
        assert_eq!(seen, [
            ("bob".to_owned(), true, Value::Null),
            ("cara".to_owned(), false, json!("/problems/expert-unavailable")),
            ("dan".to_owned(), false, json!("/problems/over-capacity")),
        ], "{b}: not ada herself, not another brand's: {out}");
        let transfer = format!("/api/v1/expert/conversations/{id}/transfer");
        for (to, refusal) in [(&cara, "expert-unavailable"), (&dan, "over-capacity")] {
            let (s, out) = app.post(&transfer, &ada, json!({"expert_id": to.id})).await;
            assert_eq!((s, out["type"].clone()), (StatusCode::CONFLICT, json!(format!("/problems/{refusal}"))), "{b}");
        }
        let (s, out) = app.post(&transfer, &ada, json!({"expert_id": bob.id})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");

        let ann = admin(&app, &acme, "ann").await;
        define(&app, &ann, "vip").await;
        let gil = admin(&app, &globex, "gil").await;
        define(&app, &gil, "theirs").await;
        let (s, tags) = app.get("/api/v1/expert/tags", &ada).await;
        assert_eq!(s, StatusCode::OK, "{b}: {tags}");
        let names: Vec<&Value> = tags["tags"].as_array().expect("tags").iter().map(|t| &t["name"]).collect();
        assert_eq!(names, [&json!("vip")], "{b}: the brand's own tags");
    }
}
