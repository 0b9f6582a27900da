//! Satisfaction ratings: one per conversation, summed per expert and for the brand over a
//! period `[from, to)`, invisible to another brand.

use ebb_core::reports::csat_summaries;
use ebb_core::{Actor, AdminId, Command};
use ebb_store::csat;
use time::Duration;

use crate::helpers::{
    T0, apply_committed, assert_conflict, assigned, backends, experts_of, two_brands, visitor,
};

#[tokio::test]
async fn ratings_are_given_once_and_summed_per_expert_and_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let [ada, bob] = experts_of(store, acme.id, ["ada@acme.test", "bob@acme.test"], 3).await;
        let v = visitor(store, acme.id).await;
        let close = Command::Close {
            by: Actor::Admin(AdminId::new()),
        };
        let mut closed = Vec::new();
        for e in [ada.id, ada.id, bob.id, bob.id] {
            let c = assigned(store, acme.id, v, e, T0).await;
            closed.push(apply_committed(store, &c, close.clone(), T0).await);
        }
        let mut tx = store.begin().await.expect("begin");
        let ratings = [
            (Some(ada.id), 5),
            (Some(ada.id), 4),
            (Some(bob.id), 2),
            (None, 3),
        ];
        for (c, (e, r)) in closed.iter().zip(ratings) {
            csat::insert(&mut tx, acme.id, c.id, v, e, r, Some("thanks"), T0)
                .await
                .expect(db.name);
        }
        tx.commit().await.expect("commit");
        let mut tx = store.begin().await.expect("begin");
        let again =
            csat::insert(&mut tx, acme.id, closed[0].id, v, Some(ada.id), 1, None, T0).await;
        assert_conflict(db.name, again);
        drop(tx);

        let mut conn = store.conn().await.expect("conn");
        let hour = T0 + Duration::hours(1);
        let summary = csat_summaries(
            &csat::ratings(&mut conn, acme.id, T0, hour)
                .await
                .expect("ratings"),
        );
        let of = |e| {
            summary
                .iter()
                .find(|s| s.expert_id == e)
                .map(|s| (s.count, s.average))
        };
        assert_eq!(of(Some(ada.id)), Some((2, 4.5)), "{}", db.name);
        assert_eq!(of(Some(bob.id)), Some((1, 2.0)), "{}", db.name);
        assert_eq!(
            summary.last().map(|s| (s.expert_id, s.count, s.average)),
            Some((None, 4, 3.5))
        );
        let before = csat::ratings(&mut conn, acme.id, T0 - Duration::hours(1), T0).await;
        assert_eq!(
            csat_summaries(&before.expect("ratings"))
                .last()
                .map(|s| s.count),
            Some(0),
            "{}: `to` is exclusive",
            db.name
        );
        let foreign = csat_summaries(
            &csat::ratings(&mut conn, globex.id, T0, hour)
                .await
                .expect("ratings"),
        );
        assert_eq!(foreign.len(), 1, "{}: only the brand line", db.name);
        assert_eq!(foreign[0].count, 0);
        drop(conn);
        db.finish().await;
    }
}
