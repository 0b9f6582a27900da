//! What the widget tells the visitor: earlier conversations (visitor- and brand-scoped,
//! messages only), the greeting and automatic message per language, the expert's public
//! profile (https avatars only), and the message length limit (refused, never cut).

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, per_backend};
use crate::ws_client::admin;

/// `GET` (or `POST` with `body`) as `token`, with an `Accept-Language` header.
async fn in_language(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    lang: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let url = format!("{}{path}", app.base);
    let mut req = match &body {
        Some(b) => app.http.post(url).json(b),
        None => app.http.get(url),
    };
    req = req.header("accept-language", lang);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

per_backend! {
    async fn a_follow_up_keeps_the_earlier_conversation_for_that_visitor_only(app, b) {
        let (acme, _, ada_t, visitor, started) = app.opening(2, "Where is my parcel?", "m1").await;
        let id = id_of(&started);
        app.say(&ada_t, &id, "It left this morning").await;
        let note = json!({"body": "internal: carrier is late"});
        let (s, _) = app.post(&format!("/api/v1/expert/conversations/{id}/notes"), &ada_t, note).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app.close(&ada_t, &id).await;
        let follow = app.write(&acme, &visitor, &id, "It has not arrived").await;
        assert_ne!(id_of(&follow), id, "{b}: a follow-up");
        let history = format!("/api/v1/widget/{}/history", acme.slug);
        let (s, h) = app.get(&history, &visitor).await;
        assert_eq!(s, StatusCode::OK, "{b}: {h}");
        let earlier = h["conversations"].as_array().expect("conversations");
        assert_eq!(earlier.len(), 1, "{b}: only the closed one: {h}");
        assert_eq!(earlier[0]["id"], id.as_str(), "{b}");
        let kinds: Vec<&str> = earlier[0]["entries"].as_array().expect("entries").iter()
            .map(|e| e["type"].as_str().unwrap_or("?")).collect();
        assert_eq!(kinds, ["message", "message", "message", "closed"], "{b}: {h}");
        assert_eq!(earlier[0]["entries"][2]["body"], "It left this morning", "{b}");
        assert!(!h.to_string().contains("internal:"), "{b}: no notes");
        let other = app.visitor(&acme).await;
        let (_, theirs) = app.get(&history, &other).await;
        assert_eq!(theirs["conversations"], json!([]), "{b}: another visitor sees nothing");
        let globex = app.brand("globex").await;
        let (s, _) = app.get(&format!("/api/v1/widget/{}/history", globex.slug), &visitor).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: not another brand's visitor");
    }
}

per_backend! {
    async fn greeting_and_automatic_message_follow_the_language(app, b) {
        let acme = app.brand("acme").await;
        app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let ann = admin(&app, &acme, "ann").await;
        let texts = json!({"locale": "auto", "greeting": "Hello! Ask us anything.",
            "languages": {"fr": {"greeting": "Bonjour ! Posez vos questions.",
                                 "auto_message": "Merci, réponse en {typical_reply_time}."}}});
        let (s, saved) = app.put("/api/v1/admin/widget-texts", &ann, texts).await;
        assert_eq!(s, StatusCode::OK, "{b}: {saved}");
        assert_eq!(saved["languages"]["en"]["greeting"], Value::Null, "{b}: {saved}");
        let info = format!("/api/v1/widget/{}", acme.slug);
        let (_, fr) = in_language(&app, &info, None, "fr-FR,fr;q=0.9", None).await;
        assert_eq!((&fr["locale"], &fr["greeting"]), (&json!("fr"), &json!("Bonjour ! Posez vos questions.")), "{b}: {fr}");
        assert_eq!(fr["max_message_chars"], 4000, "{b}");
        let (_, de) = in_language(&app, &info, None, "de-DE", None).await;
        assert_eq!((&de["locale"], &de["greeting"]), (&json!("en"), &json!("Hello! Ask us anything.")), "{b}: {de}");
        let visitor = app.visitor(&acme).await;
        let start = format!("/api/v1/widget/{}/conversations", acme.slug);
        let (s, conv) = in_language(&app, &start, Some(&visitor), "fr", Some(json!({"body": "Salut"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {conv}");
        let auto = &conv["entries"][2];
        assert_eq!(auto["author"]["kind"], "system", "{b}: {conv}");
        let typical = acme.settings.typical_reply_time.as_str();
        assert_eq!(auto["body"], format!("Merci, réponse en {typical}."), "{b}");
        let english = app.visitor(&acme).await;
        let (_, conv) = in_language(&app, &start, Some(&english), "en", Some(json!({"body": "Hi"}))).await;
        assert_eq!(conv["entries"][2]["body"], acme.settings.render_auto_message(), "{b}: the default");
        let fixed = json!({"locale": "fr", "greeting": ""});
        app.put("/api/v1/admin/widget-texts", &ann, fixed).await;
        let (_, en) = in_language(&app, &info, None, "en-US", None).await;
        assert_eq!(en["locale"], "fr", "{b}: the brand's fixed language wins");
        assert_eq!(en["greeting"], "", "{b}: per-language texts were replaced");
        for bad in [json!({"locale": "de", "greeting": ""}),
                    json!({"locale": "en", "greeting": "", "languages": {"de": {}}}),
                    json!({"locale": "en", "greeting": "x".repeat(501)})] {
            let (s, p) = app.put("/api/v1/admin/widget-texts", &ann, bad).await;
            assert_eq!((s, &p["type"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("/problems/invalid-body")), "{b}: {p}");
        }
    }
}

per_backend! {
    async fn experts_show_a_display_name_and_an_https_avatar_only(app, b) {
        let (acme, ada, ada_t, visitor, _) = app.opening(2, "Hello", "m1").await;
        let ann = admin(&app, &acme, "ann").await;
        let mine = json!({"display_name": " Ada L. ", "avatar_url": "https://cdn.example/ada.png"});
        let (s, p) = app.put("/api/v1/expert/profile", &ada_t, mine).await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        let seen = format!("/api/v1/widget/{}/experts/{}", acme.slug, ada.id.0);
        let (s, p) = app.get(&seen, &visitor).await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        assert_eq!((&p["name"], &p["initials"]), (&json!("Ada L."), &json!("AL")), "{b}: {p}");
        assert_eq!(p["avatar_url"], "https://cdn.example/ada.png", "{b}");
        for bad in ["javascript:alert(1)", "data:image/png;base64,AA", "http://cdn.example/a.png"] {
            let (s, p) = app.put("/api/v1/expert/profile", &ada_t, json!({"avatar_url": bad})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}: {p}");
        }
        let by_admin = format!("/api/v1/admin/experts/{}/profile", ada.id.0);
        let (s, p) = app.put(&by_admin, &ann, json!({"display_name": "", "avatar_url": null})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        assert_eq!((&p["name"], &p["avatar_url"]), (&json!(ada.name), &Value::Null), "{b}: {p}");
        let globex = app.brand("globex").await;
        let gil = admin(&app, &globex, "gil").await;
        let (s, _) = app.put(&by_admin, &gil, json!({"display_name": "Hijack"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's admin");
        let (_, p) = app.get(&seen, &visitor).await;
        assert_eq!(p["name"], json!(ada.name), "{b}: and nothing changed: {p}");
        let stranger = app.visitor(&globex).await;
        let (s, _) = app.get(&format!("/api/v1/widget/globex/experts/{}", ada.id.0), &stranger).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another brand's visitor");
    }
}

per_backend! {
    async fn a_message_over_the_limit_is_refused_whole(app, b) {
        let (acme, _, _, visitor, started) = app.opening(2, "Hello", "m1").await;
        let id = id_of(&started);
        let path = format!("/api/v1/widget/{}/conversations/{id}/messages", acme.slug);
        let long = "é".repeat(4001);
        let (s, p) = app.post(&path, &visitor, json!({"body": long})).await;
        assert_eq!((s, &p["type"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("/problems/message-too-long")), "{b}: {p}");
        let (_, view) = app.get(&format!("/api/v1/widget/{}/conversations/{id}", acme.slug), &visitor).await;
        assert!(!view.to_string().contains("éééé"), "{b}: nothing stored, not even cut");
        let (s, _) = app.post(&path, &visitor, json!({"body": "é".repeat(4000)})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: the limit itself is fine");
    }
}
