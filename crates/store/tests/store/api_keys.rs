//! API keys: listed per brand without secrets, found by hash while live, revoked once.

use ebb_core::BrandId;
use ebb_store::api_keys::{self, ApiKey};
use time::Duration;

use crate::helpers::{T0, backends, two_brands};

fn key(name: &str, minutes: i64) -> ApiKey {
    ApiKey {
        id: ebb_store::ids::new_uuid(),
        name: name.to_owned(),
        created_at: T0 + Duration::minutes(minutes),
    }
}

#[tokio::test]
async fn keys_are_listed_found_and_revoked_per_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let (shop, crm, theirs) = (key("shop", 1), key("crm", 0), key("erp", 2));
        let mut tx = store.begin().await.expect("begin");
        api_keys::insert(&mut tx, acme.id, &shop, b"h-shop")
            .await
            .expect("shop");
        api_keys::insert(&mut tx, acme.id, &crm, b"h-crm")
            .await
            .expect("crm");
        api_keys::insert(&mut tx, globex.id, &theirs, b"h-erp")
            .await
            .expect("erp");
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let listed = api_keys::list(&mut conn, acme.id).await.expect("list");
        assert_eq!(
            listed,
            vec![crm.clone(), shop.clone()],
            "{}: oldest first",
            db.name
        );
        let found = api_keys::brand_for(&mut conn, b"h-erp").await.expect("q");
        assert_eq!(found, Some(globex.id), "{}", db.name);
        assert_eq!(
            api_keys::brand_for(&mut conn, b"nope").await.expect("q"),
            None
        );
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let foreign = api_keys::revoke(&mut tx, globex.id, shop.id, T0).await;
        assert!(
            !foreign.expect("q"),
            "{}: another brand cannot revoke it",
            db.name
        );
        assert!(
            api_keys::revoke(&mut tx, acme.id, shop.id, T0)
                .await
                .expect("q")
        );
        let twice = api_keys::revoke(&mut tx, acme.id, shop.id, T0).await;
        assert!(!twice.expect("q"), "{}: already revoked", db.name);
        let ghost = api_keys::revoke(&mut tx, BrandId::new(), ebb_store::ids::new_uuid(), T0).await;
        assert!(!ghost.expect("q"));
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        assert_eq!(
            api_keys::list(&mut conn, acme.id).await.expect("list"),
            vec![crm]
        );
        let revoked = api_keys::brand_for(&mut conn, b"h-shop").await.expect("q");
        assert_eq!(revoked, None, "{}: a revoked key opens nothing", db.name);
        drop(conn);
        db.finish().await;
    }
}
