//! Personal data rows: the retention query returns exactly the conversations core's rule
//! says are past retention (boundary to the microsecond, only in their brand, never open or
//! already purged ones), and pseudonymising a visitor moves every row of theirs.

use ebb_core::privacy::{retention_cutoff, retention_expired};
use ebb_core::{Actor, BrandSettings, Command, VisitorId};
use ebb_store::{brands, privacy, visitors};
use time::Duration;

use crate::helpers::{T0, apply_committed, assigned, backends, expert, two_brands, visitor};

#[tokio::test]
async fn the_retention_query_agrees_with_core_and_stays_in_its_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let settings = BrandSettings {
            retention_days: 30,
            ..BrandSettings::default()
        };
        let mut tx = store.begin().await.expect("begin");
        brands::update_settings(&mut tx, acme.id, &settings, &[])
            .await
            .expect("settings");
        brands::update_settings(&mut tx, globex.id, &settings, &[])
            .await
            .expect("settings");
        tx.commit().await.expect("commit");

        let ada = expert(store, acme.id, "ada@acme.test", 10).await;
        let gus = expert(store, globex.id, "gus@globex.test", 10).await;
        let mut closed = Vec::new();
        for micros in 0..3 {
            let at = T0 + Duration::microseconds(micros);
            let v = visitor(store, acme.id).await;
            let conv = assigned(store, acme.id, v, ada.id, at).await;
            let by = Actor::Expert(ada.id);
            apply_committed(store, &conv, Command::Close { by }, at).await;
            closed.push((conv.id, at));
        }
        let v = visitor(store, acme.id).await;
        assigned(store, acme.id, v, ada.id, T0).await;
        let g = visitor(store, globex.id).await;
        let theirs = assigned(store, globex.id, g, gus.id, T0).await;
        apply_committed(
            store,
            &theirs,
            Command::Close {
                by: Actor::Expert(gus.id),
            },
            T0,
        )
        .await;

        let now = T0 + Duration::days(30) + Duration::microseconds(1);
        let cutoff = retention_cutoff(30, now).expect("cutoff");
        let mut conn = store.conn().await.expect("conn");
        let with = privacy::brands_with_retention(&mut conn)
            .await
            .expect("brands");
        assert_eq!(with.len(), 2, "{}", db.name);
        let due = privacy::past_retention(&mut conn, acme.id, cutoff, 100)
            .await
            .expect("due");
        let expected: Vec<_> = closed
            .iter()
            .filter(|(_, at)| retention_expired(Some(*at), 30, now))
            .copied()
            .collect();
        assert_eq!(expected.len(), 2, "core: the boundary is inclusive");
        assert_eq!(due, expected, "{}: SQL and core agree", db.name);
        let next = privacy::next_closed_after(&mut conn, acme.id, cutoff)
            .await
            .expect("next");
        assert_eq!(next, Some(closed[2].1), "{}", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        assert!(
            privacy::mark_purged(&mut tx, acme.id, due[0].0, now)
                .await
                .expect("mark")
        );
        assert!(
            !privacy::mark_purged(&mut tx, globex.id, due[1].0, now)
                .await
                .expect("mark")
        );
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let left = privacy::past_retention(&mut conn, acme.id, cutoff, 100)
            .await
            .expect("due");
        assert_eq!(left, expected[1..], "{}: purged once", db.name);
        drop(conn);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_pseudonymised_visitor_keeps_their_rows_under_a_new_id() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 10).await;
        let vera = visitor(store, acme.id).await;
        let conv = assigned(store, acme.id, vera, ada.id, T0).await;
        let pseudonym = VisitorId::new();

        let mut tx = store.begin().await.expect("begin");
        let moved = privacy::pseudonymise_visitor(&mut tx, globex.id, vera, pseudonym, b"x", T0)
            .await
            .expect("other brand");
        assert!(!moved, "{}: not from another brand", db.name);
        let moved = privacy::pseudonymise_visitor(&mut tx, acme.id, vera, pseudonym, b"x", T0)
            .await
            .expect("pseudonymise");
        assert!(moved, "{}", db.name);
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        assert!(!visitors::exists(&mut conn, acme.id, vera).await.expect("q"));
        assert!(
            visitors::exists(&mut conn, acme.id, pseudonym)
                .await
                .expect("q")
        );
        let of = privacy::visitor_conversations(&mut conn, acme.id, pseudonym)
            .await
            .expect("q");
        assert_eq!(of, [conv.id], "{}", db.name);
        let old = privacy::visitor_conversations(&mut conn, acme.id, vera)
            .await
            .expect("q");
        assert!(old.is_empty(), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
