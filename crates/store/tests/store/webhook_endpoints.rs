//! Webhook endpoints: live ones listed per brand with their events, a deleted one kept
//! (for its history) but no longer live, and another brand's endpoint out of reach.

use ebb_core::BrandId;
use ebb_store::webhook_endpoints::{self, Endpoint};
use time::Duration;

use crate::helpers::{T0, backends, two_brands};

fn endpoint(brand: BrandId, url: &str, minutes: i64) -> Endpoint {
    Endpoint {
        id: ebb_store::ids::new_uuid(),
        brand_id: brand,
        url: url.to_owned(),
        events: vec![
            "conversation.closed".to_owned(),
            "message.created".to_owned(),
        ],
        created_at: T0 + Duration::minutes(minutes),
    }
}

#[tokio::test]
async fn endpoints_are_live_until_deleted_and_stay_in_their_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let first = endpoint(acme.id, "https://hooks.acme.test/a", 0);
        let second = endpoint(acme.id, "https://hooks.acme.test/b", 1);
        let theirs = endpoint(globex.id, "https://hooks.globex.test", 0);
        let mut tx = store.begin().await.expect("begin");
        for (e, secret) in [(&first, "s1"), (&second, "s2"), (&theirs, "s3")] {
            webhook_endpoints::insert(&mut tx, e, secret)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let listed = webhook_endpoints::list(&mut conn, acme.id)
            .await
            .expect("list");
        assert_eq!(listed, vec![first.clone(), second.clone()], "{}", db.name);
        let live = webhook_endpoints::live(&mut conn, acme.id)
            .await
            .expect("live");
        let secrets: Vec<&str> = live.iter().map(|t| t.secret.as_str()).collect();
        assert_eq!(secrets, ["s1", "s2"], "{}", db.name);
        let cross = webhook_endpoints::get(&mut conn, acme.id, theirs.id)
            .await
            .expect("q");
        assert_eq!(cross, None, "{}: globex's endpoint is not acme's", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let foreign = webhook_endpoints::delete(&mut tx, globex.id, first.id, T0).await;
        assert!(!foreign.expect("q"), "{}", db.name);
        assert!(
            webhook_endpoints::delete(&mut tx, acme.id, first.id, T0)
                .await
                .expect("q")
        );
        let twice = webhook_endpoints::delete(&mut tx, acme.id, first.id, T0).await;
        assert!(!twice.expect("q"), "{}: already deleted", db.name);
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let listed = webhook_endpoints::list(&mut conn, acme.id)
            .await
            .expect("list");
        assert_eq!(listed, vec![second.clone()], "{}", db.name);
        let live = webhook_endpoints::live(&mut conn, acme.id)
            .await
            .expect("live");
        assert_eq!(live.len(), 1, "{}", db.name);
        let kept = webhook_endpoints::get(&mut conn, acme.id, first.id)
            .await
            .expect("q");
        let kept = kept.expect("the deleted endpoint's row is kept");
        assert!(kept.deleted, "{}", db.name);
        assert_eq!((kept.endpoint, kept.secret.as_str()), (first, "s1"));
        let theirs_live = webhook_endpoints::live(&mut conn, globex.id)
            .await
            .expect("q");
        assert_eq!(theirs_live.len(), 1, "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
