//! Async caps, pacing and stale-work guardrails as stored: an expert's cap round-trips and
//! reaches routing's loads, pacing lists each open conversation's visitor and slot holder,
//! thresholds round-trip, and the open list carries when each snooze began; nothing leaks
//! to another brand.

use ebb_core::snooze::SnoozeBudget;
use ebb_core::stale::StaleThresholds;
use ebb_core::{Command, SnoozeChoice};
use ebb_store::{conversations, experts, stale};
use time::Duration;

use crate::helpers::{T0, apply_committed, assigned, backends, expert, two_brands, visitor};

#[tokio::test]
async fn caps_pacing_thresholds_and_snooze_times_stay_in_their_brand() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 3).await;
        let gil = expert(store, globex.id, "gil@globex.test", 3).await;

        let mut tx = store.begin().await.expect("begin");
        let set = experts::set_async_cap(&mut tx, acme.id, ada.id, Some(2));
        assert!(set.await.expect("q"), "{name}");
        let foreign = experts::set_async_cap(&mut tx, acme.id, gil.id, Some(1));
        assert!(!foreign.await.expect("q"), "{name}: another brand's expert");
        let loads = experts::loads_locked(&mut tx, acme.id)
            .await
            .expect("loads");
        assert_eq!(loads[0].async_cap, Some(2), "{name}");
        let stored = experts::by_id(&mut tx, acme.id, ada.id).await.expect("q");
        assert_eq!(stored.map(|e| e.async_cap), Some(Some(2)), "{name}");
        let gil_now = experts::by_id(&mut tx, globex.id, gil.id).await.expect("q");
        assert_eq!(gil_now.map(|e| e.async_cap), Some(None), "{name}");
        tx.commit().await.expect("commit");

        let v = visitor(store, acme.id).await;
        let conv = assigned(store, acme.id, v, ada.id, T0).await;
        let other = assigned(
            store,
            globex.id,
            visitor(store, globex.id).await,
            gil.id,
            T0,
        )
        .await;
        let mut conn = store.conn().await.expect("conn");
        let pacing = conversations::pacing(&mut conn, acme.id).await.expect("q");
        assert_eq!(pacing.len(), 1, "{name}: only acme's");
        assert_eq!(
            (pacing[0].id, pacing[0].visitor, pacing[0].holder),
            (conv.id, v, ada.id),
            "{name}"
        );

        let mine = StaleThresholds {
            waiting_minutes: 30,
            snoozed_minutes: 90,
        };
        assert_eq!(
            stale::thresholds(&mut conn, acme.id).await.expect("q"),
            Some(StaleThresholds::default()),
            "{name}: defaults"
        );
        assert!(
            stale::set_thresholds(&mut conn, acme.id, mine)
                .await
                .expect("q")
        );
        assert_eq!(
            stale::thresholds(&mut conn, acme.id).await.expect("q"),
            Some(mine)
        );
        assert_eq!(
            stale::thresholds(&mut conn, globex.id).await.expect("q"),
            Some(StaleThresholds::default()),
            "{name}: the other brand keeps its own"
        );
        drop(conn);

        let snoozed_at = T0 + Duration::minutes(7);
        let snooze = Command::Snooze {
            expert: ada.id,
            choice: SnoozeChoice::OneDay,
            max: Duration::days(30),
            budget: SnoozeBudget::default(),
        };
        let snoozed = apply_committed(store, &conv, snooze, snoozed_at).await;
        let mut conn = store.conn().await.expect("conn");
        let open = stale::open_with_snoozed_at(&mut conn, acme.id)
            .await
            .expect("q");
        assert_eq!(open, vec![(snoozed, Some(snoozed_at))], "{name}");
        let theirs = stale::open_with_snoozed_at(&mut conn, globex.id)
            .await
            .expect("q");
        assert_eq!(theirs, vec![(other, None)], "{name}: never snoozed");
    }
}
