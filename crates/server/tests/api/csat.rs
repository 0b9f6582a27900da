//! Satisfaction surveys: a visitor rates their closed conversation once, 1 to 5 with an
//! optional comment; results per expert and for the brand.

use ebb_core::ExpertStatus;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{id_of, per_backend};
use crate::ws_client::admin;

per_backend! {
    async fn visitors_rate_a_closed_conversation_once(app, b) {
        let brand = app.brand("acme").await;
        let (ada, ada_t) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let root = admin(&app, &brand, "root").await;
        let v = app.visitor(&brand).await;
        let stranger = app.visitor(&brand).await;
        let id = id_of(&app.start(&brand, &v, "hi", "m").await);
        let path = format!("/api/v1/widget/acme/conversations/{id}/csat");
        let rating = json!({"rating": 4, "comment": "Quick and kind"});
        let (s, _) = app.post(&path, &v, rating.clone()).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: not before close");
        app.close(&ada_t, &id).await;
        for (bad, status) in [
            (json!({"rating": 0}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"rating": 6}), StatusCode::UNPROCESSABLE_ENTITY),
            (
                json!({"rating": 3, "comment": "x".repeat(2001)}),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            assert_eq!(app.post(&path, &v, bad).await.0, status, "{b}");
        }
        assert_eq!(
            app.post(&path, &stranger, rating.clone()).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post(&path, &v, rating.clone()).await.0,
            StatusCode::CREATED
        );
        assert_eq!(
            app.post(&path, &v, rating).await.0,
            StatusCode::CONFLICT,
            "{b}: once"
        );
        let (_, mine) = app.get("/api/v1/expert/csat", &ada_t).await;
        assert_eq!(mine, json!({"count": 1, "average": 4.0}), "{b}");
        let (_, all) = app.get("/api/v1/admin/csat", &root).await;
        assert_eq!(all["experts"][0]["expert_id"], json!(ada.id), "{b}: {all}");
        assert_eq!(all["brand"]["average"], 4.0);
    }
}
