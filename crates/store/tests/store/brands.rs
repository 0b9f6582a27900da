//! Brands: lookups by slug and id, settings and allowed origins replaced as a whole, and
//! an update of a missing brand reported as such.

use ebb_core::BrandId;
use ebb_store::brands;

use crate::helpers::{backends, two_brands};

#[tokio::test]
async fn settings_and_origins_round_trip_per_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let mut settings = acme.settings.clone();
        settings.auto_message = "Back within the day.".into();
        settings.max_snooze_days = 3;
        settings.offline_grace_minutes = 7;
        settings.purchase_window_hours = 48;
        let origins = vec!["https://shop.acme.test".to_owned()];
        let mut tx = store.begin().await.expect("begin");
        let done = brands::update_settings(&mut tx, acme.id, &settings, &origins);
        assert!(done.await.expect("update"), "{}", db.name);
        let missing = brands::update_settings(&mut tx, BrandId::new(), &settings, &origins);
        assert!(
            !missing.await.expect("update"),
            "{}: no such brand",
            db.name
        );
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let found = brands::by_id(&mut conn, acme.id)
            .await
            .expect("q")
            .expect("acme");
        assert_eq!(found.settings, settings, "{}", db.name);
        assert_eq!(found.slug, "acme");
        let origins_now = brands::allowed_origins(&mut conn, acme.id)
            .await
            .expect("q");
        assert_eq!(origins_now, origins, "{}", db.name);
        let other = brands::by_id(&mut conn, globex.id)
            .await
            .expect("q")
            .expect("globex");
        assert_eq!(
            other.settings, globex.settings,
            "{}: globex untouched",
            db.name
        );
        let none = brands::allowed_origins(&mut conn, globex.id)
            .await
            .expect("q");
        assert!(none.is_empty(), "{}: {none:?}", db.name);
        assert_eq!(
            brands::by_slug(&mut conn, "initech").await.expect("q"),
            None
        );
        assert_eq!(
            brands::by_id(&mut conn, BrandId::new()).await.expect("q"),
            None
        );
        let unknown = brands::allowed_origins(&mut conn, BrandId::new()).await;
        assert!(unknown.expect("q").is_empty(), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
