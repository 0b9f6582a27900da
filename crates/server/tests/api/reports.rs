//! Reports: the figures of a brand's period computed from its event log, only for its own
//! admins, with bad periods refused as problem+json.

use ebb_core::ExpertStatus;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{T0, per_backend};
use crate::ws_client::{admin, rivals};

fn at(offset: Duration) -> String {
    (T0 + offset).format(&Rfc3339).expect("rfc3339")
}

fn path(from: Duration, to: Duration) -> String {
    format!("/api/v1/admin/reports?from={}&to={}", at(from), at(to))
}

per_backend! {
    async fn a_report_folds_the_periods_conversations(app, b) {
        let (acme, globex, ann, gil) = rivals(&app, "ann", "gil").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let v1 = app.visitor(&acme).await;
        let v2 = app.visitor(&acme).await;
        let other = app.visitor(&globex).await;
        let quick = app.start(&acme, &v1, "quick one", "a").await["conversation"]["id"].clone();
        let slow = app.start(&acme, &v2, "slow one", "b").await["conversation"]["id"].clone();
        app.start(&globex, &other, "elsewhere", "c").await;
        let (quick, slow) = (quick.as_str().expect("id"), slow.as_str().expect("id"));

        app.advance(Duration::minutes(2)).await;
        app.say(&ada, quick, "here you go").await;
        app.advance(Duration::minutes(10)).await;
        app.say(&ada, slow, "sorry for the wait").await;
        app.close(&ada, quick).await;
        app.snooze_one_day(&ada, slow).await;

        let (s, r) = app
            .get(&path(-Duration::hours(1), Duration::days(1)), &ann)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {r}");
        let c = &r["conversations"];
        assert_eq!(c["conversations"], 2, "{b}: {r}");
        assert_eq!(c["closed"], 1, "{b}");
        assert_eq!(c["first_response"]["count"], 2, "{b}");
        assert_eq!(
            c["first_response"]["mean_seconds"], 420.0,
            "{b}: (120 + 720) / 2"
        );
        assert_eq!(c["first_response"]["median_seconds"], 420.0, "{b}");
        assert_eq!(c["time_to_close"]["count"], 1, "{b}");
        assert_eq!(c["time_to_close"]["mean_seconds"], 720.0, "{b}");
        assert_eq!(c["handled_async"], 1, "{b}: the slow one");
        assert_eq!(c["async_share"], 0.5, "{b}");
        assert_eq!(c["snoozes"], 1, "{b}");
        assert_eq!(c["snoozes_per_conversation"], 0.5, "{b}");
        assert_eq!(r["brand_id"], acme.id.to_string(), "{b}");
        assert_eq!(r["csat"]["responses"], 0, "{b}");
        assert_eq!(r["purchases"]["converted_conversations"], 0, "{b}");
        assert_eq!(r["conversion_rate"], 0.0, "{b}");
        assert!(r["earnings"].is_array(), "{b}");

        let (_, later) = app
            .get(&path(Duration::days(1), Duration::days(2)), &ann)
            .await;
        assert_eq!(later["conversations"]["conversations"], 0, "{b}");
        assert_eq!(later["conversations"]["async_share"], Value::Null, "{b}");
        let (_, theirs) = app
            .get(&path(-Duration::hours(1), Duration::days(1)), &gil)
            .await;
        assert_eq!(
            theirs["conversations"]["conversations"], 1,
            "{b}: only globex's"
        );
    }
}

per_backend! {
    async fn reports_are_for_admins_and_need_a_valid_period(app, b) {
        let acme = app.brand("acme").await;
        let ann = admin(&app, &acme, "ann").await;
        let (_, ada) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let ok = path(Duration::ZERO, Duration::days(7));
        for (who, token) in [("no token", None), ("an expert", Some(ada.as_str()))] {
            let (s, problem) = app.call(Method::GET, &ok, token, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {who}");
            assert_eq!(problem["type"], "/problems/unauthorized", "{b}");
        }
        let bad = [
            (
                path(Duration::days(1), Duration::ZERO),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                path(Duration::ZERO, Duration::days(400)),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            ("/api/v1/admin/reports".to_owned(), StatusCode::BAD_REQUEST),
            (
                "/api/v1/admin/reports?from=yesterday&to=today".to_owned(),
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (p, expected) in bad {
            let (s, problem) = app.get(&p, &ann).await;
            assert_eq!(s, expected, "{b}: {p} -> {problem}");
            assert!(
                problem["type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("/problems/")),
                "{b}: {problem}"
            );
        }
    }
}
