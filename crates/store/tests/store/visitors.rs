//! Visitors: one per token hash and brand, found by token or id only in their brand.

use ebb_core::{BrandId, VisitorId};
use ebb_store::visitors;

use crate::helpers::{T0, backends, two_brands};

#[tokio::test]
async fn a_visitor_exists_only_in_its_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let (vera, gus) = (VisitorId::new(), VisitorId::new());
        let mut tx = store.begin().await.expect("begin");
        visitors::insert(&mut tx, vera, acme.id, b"vera", T0)
            .await
            .expect("vera");
        visitors::insert(&mut tx, gus, globex.id, b"gus", T0)
            .await
            .expect("gus");
        tx.commit().await.expect("commit");

        let mut tx = store.begin().await.expect("begin");
        let again = visitors::insert(&mut tx, vera, acme.id, b"other", T0).await;
        assert!(again.is_err(), "{}: the same visitor twice", db.name);
        drop(tx);

        let mut conn = store.conn().await.expect("conn");
        assert!(visitors::exists(&mut conn, acme.id, vera).await.expect("q"));
        assert!(
            !visitors::exists(&mut conn, globex.id, vera)
                .await
                .expect("q"),
            "{}",
            db.name
        );
        assert!(
            !visitors::exists(&mut conn, acme.id, VisitorId::new())
                .await
                .expect("q")
        );
        let by_token = visitors::by_token(&mut conn, globex.id, b"gus")
            .await
            .expect("q");
        assert_eq!(by_token, Some(gus), "{}", db.name);
        let cross = visitors::by_token(&mut conn, acme.id, b"gus")
            .await
            .expect("q");
        assert_eq!(
            cross, None,
            "{}: gus's token means nothing at acme",
            db.name
        );
        let nobody = visitors::by_token(&mut conn, BrandId::new(), b"vera").await;
        assert_eq!(nobody.expect("q"), None, "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
