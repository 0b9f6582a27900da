//! Purchases: every status and source core knows is stored and read back typed, order ids
//! are unique per brand, an update keeps the attribution, and another brand sees nothing.

use ebb_core::PurchaseId;
use ebb_core::earnings::{Money, PurchaseSource, PurchaseStatus};
use ebb_store::purchases::{self, Purchase};
use time::Duration;

use crate::helpers::{T0, assert_conflict, assigned, backends, expert, two_brands, visitor};

fn order(order_id: &str, visitor_id: ebb_core::VisitorId, minor: i64) -> Purchase {
    Purchase {
        id: PurchaseId::new(),
        order_id: order_id.to_owned(),
        visitor_id,
        amount: Money::parse(minor, "EUR").expect("money"),
        purchased_at: T0 + Duration::minutes(minor),
        status: PurchaseStatus::Pending,
        source: PurchaseSource::Widget,
        conversation_id: None,
        expert_id: None,
    }
}

#[tokio::test]
async fn purchases_round_trip_typed_and_unique_per_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 2).await;
        let (v, g) = (
            visitor(store, acme.id).await,
            visitor(store, globex.id).await,
        );
        let conv = assigned(store, acme.id, v, ada.id, T0).await;
        let mut tx = store.begin().await.expect("begin");
        let mut n = 0;
        for status in [
            PurchaseStatus::Pending,
            PurchaseStatus::Confirmed,
            PurchaseStatus::Refunded,
        ] {
            for source in [PurchaseSource::Widget, PurchaseSource::Server] {
                n += 1;
                let p = Purchase {
                    status,
                    source,
                    ..order(&format!("O-{n}"), v, n)
                };
                purchases::insert(&mut tx, acme.id, &p, T0)
                    .await
                    .expect(db.name);
                let back = purchases::by_order_locked(&mut tx, acme.id, &p.order_id).await;
                assert_eq!(
                    back.expect("read"),
                    Some(p),
                    "{}: {status:?} {source:?}",
                    db.name
                );
            }
        }
        tx.commit().await.expect("commit");
        let mut tx = store.begin().await.expect("begin");
        let dup = purchases::insert(&mut tx, acme.id, &order("O-1", v, 7), T0).await;
        assert_conflict(db.name, dup);
        drop(tx);

        let mut tx = store.begin().await.expect("begin");
        let w = order("O-1", v, 1);
        let stored = purchases::by_order_locked(&mut tx, acme.id, "O-1").await;
        let mut p = stored.expect("read").expect("found");
        p.status = PurchaseStatus::Confirmed;
        p.conversation_id = Some(conv.id);
        p.expert_id = Some(ada.id);
        purchases::update(&mut tx, acme.id, &p, T0)
            .await
            .expect("update");
        let mut foreign = p.clone();
        foreign.status = PurchaseStatus::Refunded;
        purchases::update(&mut tx, globex.id, &foreign, T0)
            .await
            .expect("update");
        let back = purchases::by_order_locked(&mut tx, acme.id, "O-1").await;
        assert_eq!(
            back.expect("read"),
            Some(p.clone()),
            "{}: another brand changes nothing",
            db.name
        );
        let hidden = purchases::by_order_locked(&mut tx, globex.id, "O-1").await;
        assert_eq!(hidden.expect("read"), None, "{}", db.name);
        // The same order id is free in another brand.
        let theirs = order(&w.order_id, g, 1);
        purchases::insert(&mut tx, globex.id, &theirs, T0)
            .await
            .expect(db.name);
        tx.commit().await.expect("commit");
        db.finish().await;
    }
}
