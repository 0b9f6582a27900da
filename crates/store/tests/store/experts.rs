//! Experts: the brand's list, capacity and disabling, and slot loads counted from the
//! conversations they hold; a change to another brand's expert changes nothing.

use ebb_core::{BrandId, ConversationState, ExpertId};
use ebb_store::{conversations, experts};

use crate::helpers::{T0, backends, conversation, expert, two_brands};

#[tokio::test]
async fn capacity_disabling_and_loads_stay_in_their_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 2).await;
        let bob = expert(store, acme.id, "bob@acme.test", 1).await;
        let gil = expert(store, globex.id, "gil@globex.test", 4).await;

        let mut tx = store.begin().await.expect("begin");
        assert!(
            experts::set_capacity(&mut tx, acme.id, ada.id, 5)
                .await
                .expect("q")
        );
        let foreign = experts::set_capacity(&mut tx, globex.id, ada.id, 9);
        assert!(
            !foreign.await.expect("q"),
            "{}: another brand's expert",
            db.name
        );
        let ghost = experts::set_capacity(&mut tx, acme.id, ExpertId::new(), 9);
        assert!(!ghost.await.expect("q"), "{}: no such expert", db.name);
        assert!(
            experts::set_disabled(&mut tx, acme.id, bob.id, Some(T0))
                .await
                .expect("q")
        );
        let foreign = experts::set_disabled(&mut tx, acme.id, gil.id, Some(T0));
        assert!(!foreign.await.expect("q"), "{}", db.name);
        tx.commit().await.expect("commit");
        // Ada holds one conversation.
        let (mut conv, _) = conversation(store, acme.id, None, T0, vec![]).await;
        let mut tx = store.begin().await.expect("begin");
        let seq = conv.last_seq;
        conv.state = ConversationState::Assigned {
            expert: ada.id,
            wake: None,
        };
        conversations::update(&mut tx, &conv, seq, None, T0)
            .await
            .expect("assign");
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let listed = experts::list(&mut conn, acme.id).await.expect("list");
        let mut ids: Vec<ExpertId> = listed.iter().map(|e| e.id).collect();
        ids.sort();
        let mut want = vec![ada.id, bob.id];
        want.sort();
        assert_eq!(ids, want, "{}: only acme's experts", db.name);
        let ada_now = experts::by_id(&mut conn, acme.id, ada.id).await.expect("q");
        assert_eq!(ada_now.map(|e| e.capacity), Some(5), "{}", db.name);
        assert_eq!(
            experts::disabled(&mut conn, acme.id).await.expect("q"),
            vec![bob.id]
        );
        assert!(
            experts::disabled(&mut conn, globex.id)
                .await
                .expect("q")
                .is_empty()
        );
        let none = experts::list(&mut conn, BrandId::new())
            .await
            .expect("list");
        assert!(none.is_empty(), "{}", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let loads = experts::loads_locked(&mut tx, acme.id)
            .await
            .expect("loads");
        let ada_load = loads.iter().find(|l| l.id == ada.id).expect("ada");
        assert_eq!(
            (ada_load.slots.held, ada_load.slots.capacity),
            (1, 5),
            "{}",
            db.name
        );
        assert!(loads.iter().all(|l| l.id != gil.id), "{}", db.name);
        drop(tx);
        let mut tx = store.begin().await.expect("begin");
        assert!(
            experts::set_disabled(&mut tx, acme.id, bob.id, None)
                .await
                .expect("q")
        );
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let enabled = experts::disabled(&mut conn, acme.id).await.expect("q");
        assert!(enabled.is_empty(), "{}: bob re-enabled", db.name);
        drop(conn);
        db.finish().await;
    }
}
