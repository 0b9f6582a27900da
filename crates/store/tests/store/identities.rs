//! Brands, experts, sessions and visitors: uniqueness, lookups, and brand scoping.

use ebb_core::{BrandId, ExpertStatus, VisitorId};
use ebb_store::{brands, experts, sessions, visitors};
use time::Duration;

use crate::helpers::{T0, assert_conflict, backends, brand, expert, two_brands};

#[tokio::test]
async fn brands_and_experts_are_unique_and_scoped() {
    for db in backends().await {
        let store = &db.store;
        let (acme, other) = two_brands(store).await;
        let mut conn = store.conn().await.expect("conn");
        let found = brands::by_slug(&mut conn, "acme").await.expect("query");
        assert_eq!(found.as_ref(), Some(&acme), "{}", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let dup = brands::insert(&mut tx, &acme, T0).await;
        assert_conflict(db.name, dup);
        drop(tx);

        let ada = expert(store, acme.id, "ada@acme.test", 3).await;
        let mut tx = store.begin().await.expect("begin");
        let dup = experts::insert(&mut tx, &ada, "h", T0).await;
        assert_conflict(db.name, dup);
        drop(tx);
        // The same e-mail may work for another brand.
        expert(store, other.id, "ada@acme.test", 1).await;

        let mut conn = store.conn().await.expect("conn");
        let (found, hash) = experts::by_email(&mut conn, acme.id, "ada@acme.test")
            .await
            .expect("query")
            .expect("found");
        assert_eq!((found, hash.as_str()), (ada.clone(), "hash"));
        let cross = experts::by_id(&mut conn, other.id, ada.id)
            .await
            .expect("q");
        assert_eq!(
            cross, None,
            "{}: an expert is invisible to another brand",
            db.name
        );
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let changed = experts::set_status(&mut tx, acme.id, ada.id, ExpertStatus::Away, T0);
        assert!(changed.await.expect("update"));
        let foreign = experts::set_status(&mut tx, other.id, ada.id, ExpertStatus::Offline, T0);
        assert!(!foreign.await.expect("update"), "{}", db.name);
        tx.commit().await.expect("commit");
        let loads = experts::loads_locked(&mut store.begin().await.expect("b"), acme.id)
            .await
            .expect("loads");
        assert_eq!(loads.len(), 1);
        assert_eq!(loads[0].status, ExpertStatus::Away);
        db.finish().await;
    }
}

#[tokio::test]
async fn sessions_expire_and_visitor_tokens_stay_in_their_brand() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 3).await;
        let mut tx = store.begin().await.expect("begin");
        sessions::insert(
            &mut tx,
            b"tok",
            acme.id,
            ada.id,
            T0,
            T0 + Duration::hours(1),
        )
        .await
        .expect("session");
        let visitor = VisitorId::new();
        visitors::insert(&mut tx, visitor, acme.id, b"vtok", T0)
            .await
            .expect("visitor");
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let live = sessions::expert_for(&mut conn, b"tok", T0 + Duration::minutes(59));
        assert_eq!(
            live.await.expect("q").map(|e| e.id),
            Some(ada.id),
            "{}",
            db.name
        );
        let expired = sessions::expert_for(&mut conn, b"tok", T0 + Duration::hours(1));
        assert_eq!(expired.await.expect("q"), None, "{}", db.name);
        assert_eq!(
            sessions::expert_for(&mut conn, b"nope", T0)
                .await
                .expect("q"),
            None
        );

        let found = visitors::by_token(&mut conn, acme.id, b"vtok")
            .await
            .expect("q");
        assert_eq!(found, Some(visitor));
        let elsewhere = visitors::by_token(&mut conn, BrandId::new(), b"vtok").await;
        assert_eq!(elsewhere.expect("q"), None, "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
