//! Visitor context: one row per visitor, each report replacing the last, read and deleted
//! only in the visitor's brand.

use ebb_core::visitor_context::PageReport;
use ebb_store::visitor_context::{self, VisitorContext};
use time::Duration;

use crate::helpers::{T0, backends, committed, two_brands, visitor};

fn report(url: &str, country: Option<&str>, minutes: i64) -> VisitorContext {
    let page = PageReport::parse(
        url,
        Some("Boots"),
        None,
        Some("de-CH"),
        Some("Europe/Zurich"),
    )
    .expect("valid report");
    VisitorContext {
        page,
        country: country.map(str::to_owned),
        updated_at: T0 + Duration::minutes(minutes),
    }
}

#[tokio::test]
async fn the_last_report_replaces_the_previous_one_in_its_brand_only() {
    for db in backends().await {
        let (store, b) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let vera = visitor(store, acme.id).await;
        let first = report("https://shop.example/", Some("CH"), 0);
        let later = report("https://shop.example/boots", None, 5);
        committed(store, async |tx| {
            visitor_context::put(tx, acme.id, vera, &first)
                .await
                .expect("put");
            visitor_context::put(tx, acme.id, vera, &later)
                .await
                .expect("replace");
            // Another brand cannot write over it.
            let foreign = report("https://evil.example/", None, 9);
            visitor_context::put(tx, globex.id, vera, &foreign)
                .await
                .expect("ignored");
        })
        .await;
        let mut conn = store.conn().await.expect("conn");
        let got = visitor_context::get(&mut conn, acme.id, vera)
            .await
            .expect("get");
        assert_eq!(got, Some(later), "{b}: the last report, country included");
        let cross = visitor_context::get(&mut conn, globex.id, vera)
            .await
            .expect("get");
        assert_eq!(cross, None, "{b}: nothing in another brand");
        assert!(
            !visitor_context::delete(&mut conn, globex.id, vera)
                .await
                .expect("delete")
        );
        assert!(
            visitor_context::delete(&mut conn, acme.id, vera)
                .await
                .expect("delete")
        );
        let gone = visitor_context::get(&mut conn, acme.id, vera)
            .await
            .expect("get");
        assert_eq!(gone, None, "{b}");
        drop(conn);
        db.finish().await;
    }
}
