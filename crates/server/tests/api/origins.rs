//! The widget on a brand's own site: CORS preflights pass, pages of the brand's allowed
//! origins can bootstrap and chat over HTTP, other pages are refused, and the per-brand
//! windows (offline grace, purchase window) are admin settings.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::per_backend;
use crate::ws_client::admin;

per_backend! {
    async fn only_the_brands_origins_may_use_the_widget_api_from_a_browser(app, b) {
        let brand = app.brand("acme").await;
        let root = admin(&app, &brand, "root").await;
        let (s, before) = app.get("/api/v1/admin/settings", &root).await;
        assert_eq!(s, StatusCode::OK);
        let mut settings = before.clone();
        settings["allowed_origins"] = json!(["https://shop.example"]);
        settings["purchase_window_hours"] = json!(24);
        settings["offline_grace_minutes"] = json!(30);
        let (s, saved) = app.put("/api/v1/admin/settings", &root, settings).await;
        assert_eq!(s, StatusCode::OK, "{b}: {saved}");
        assert_eq!(
            (
                saved["purchase_window_hours"].as_i64(),
                saved["offline_grace_minutes"].as_i64()
            ),
            (Some(24), Some(30))
        );
        let mut bad = before.clone();
        bad["purchase_window_hours"] = json!(10_000);
        let (s, _) = app.put("/api/v1/admin/settings", &root, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        let url = |path: &str| format!("{}/api/v1/widget/acme{path}", app.base);
        let preflight = app
            .http
            .request(Method::OPTIONS, url("/conversations"))
            .header("Origin", "https://shop.example")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
            .await
            .expect("preflight");
        assert_eq!(preflight.status(), StatusCode::OK, "{b}");
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            "https://shop.example"
        );

        let boot = |origin: Option<&'static str>| {
            let mut req = app.http.post(url("/visitors"));
            if let Some(o) = origin {
                req = req.header("Origin", o);
            }
            req.send()
        };
        let ok = boot(Some("https://shop.example")).await.expect("boot");
        assert_eq!(ok.status(), StatusCode::CREATED, "{b}");
        assert_eq!(
            ok.headers()["access-control-allow-origin"],
            "https://shop.example"
        );
        let token = ok.json::<serde_json::Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_owned();
        let refused = boot(Some("https://evil.example")).await.expect("boot");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{b}");
        let problem: serde_json::Value = refused.json().await.expect("json");
        assert_eq!(problem["type"], "/problems/origin-not-allowed");
        assert_eq!(
            boot(None).await.expect("boot").status(),
            StatusCode::CREATED,
            "{b}: servers have no Origin"
        );

        let start = |origin: &'static str| {
            app.http
                .post(url("/conversations"))
                .header("Origin", origin)
                .bearer_auth(&token)
                .json(&json!({"body": "hello from the shop"}))
                .send()
        };
        assert_eq!(
            start("https://shop.example").await.expect("start").status(),
            StatusCode::CREATED,
            "{b}"
        );
        assert_eq!(
            start("https://evil.example").await.expect("start").status(),
            StatusCode::FORBIDDEN,
            "{b}"
        );
    }
}
