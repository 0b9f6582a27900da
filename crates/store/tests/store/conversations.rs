//! A conversation's life stored and read back: state, timeline, idempotency, queue, slots.

use ebb_core::slots::Slots;
use ebb_core::{
    Actor, Author, Command, Conversation, ConversationId, ConversationState, Event, MessageBody,
    SnoozeChoice, VisitorId,
};
use ebb_store::{StoreError, conversations, events, experts, visitors};
use time::Duration;

use crate::helpers::{
    T0, apply, assert_conflict, backends, brand, expert, insert_started, two_brands,
};

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).expect("body")
}

#[tokio::test]
async fn a_conversation_round_trips_through_every_state() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 2).await;
        let visitor = VisitorId::new();
        let (conv, entries) = Conversation::start(
            ConversationId::new(),
            acme.id,
            visitor,
            body("Do you ship to Norway?"),
            Some("m-1".into()),
            Some(body("We typically reply in a few hours.")),
            T0,
        );
        let mut tx = store.begin().await.expect("begin");
        insert_started(&mut tx, &conv, &entries).await;
        tx.commit().await.expect("commit");

        let mut tx = store.begin().await.expect("begin");
        let queue = conversations::queue(&mut tx, acme.id).await.expect("queue");
        assert_eq!(queue.len(), 1, "{}", db.name);
        let slots = Slots {
            held: 0,
            capacity: 2,
        };
        let conv = apply(
            &mut tx,
            &conv,
            Command::Assign {
                expert: ada.id,
                slots,
            },
            T0,
        )
        .await;
        let loads = experts::loads_locked(&mut tx, acme.id)
            .await
            .expect("loads");
        assert_eq!(
            loads[0].slots,
            Slots {
                held: 1,
                capacity: 2
            },
            "{}",
            db.name
        );
        let snooze = Command::Snooze {
            expert: ada.id,
            choice: SnoozeChoice::OneDay,
            max: Duration::days(30),
            budget: ebb_core::SnoozeBudget::default(),
        };
        let conv = apply(&mut tx, &conv, snooze, T0 + Duration::minutes(5)).await;
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let stored = conversations::get(&mut conn, acme.id, conv.id)
            .await
            .expect("get");
        assert_eq!(
            stored.as_ref(),
            Some(&conv),
            "{}: state survives a round trip",
            db.name
        );
        assert!(matches!(
            stored.map(|c| c.state),
            Some(ConversationState::Snoozed { .. })
        ));
        let mine = conversations::for_expert(&mut conn, acme.id, ada.id)
            .await
            .expect("q");
        assert_eq!(
            mine.len(),
            1,
            "{}: a snoozed conversation stays in the panel",
            db.name
        );
        let other_brand = brand(store, "globex").await;
        let hidden = conversations::get(&mut conn, other_brand.id, conv.id).await;
        assert_eq!(hidden.expect("q"), None, "{}", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let loads = experts::loads_locked(&mut tx, acme.id)
            .await
            .expect("loads");
        assert_eq!(loads[0].slots.held, 0, "{}: snooze freed the slot", db.name);
        let close = Command::Close {
            by: Actor::Expert(ada.id),
        };
        let conv = apply(&mut tx, &conv, close, T0 + Duration::hours(1)).await;
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let timeline = events::after(&mut conn, acme.id, conv.id, 0, 100)
            .await
            .expect("q");
        let seqs: Vec<u64> = timeline.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=conv.last_seq).collect::<Vec<_>>(), "{}", db.name);
        let kinds: Vec<&str> = timeline.iter().map(|e| e.event.kind()).collect();
        assert_eq!(
            kinds,
            [
                "started", "message", "message", "assigned", "snoozed", "closed"
            ]
        );
        let tail = events::after(&mut conn, acme.id, conv.id, 4, 1)
            .await
            .expect("q");
        assert_eq!(tail.len(), 1);
        assert_eq!(tail[0].seq, 5);
        let stored = conversations::get(&mut conn, acme.id, conv.id)
            .await
            .expect("get");
        assert_eq!(stored, Some(conv), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}

#[tokio::test]
async fn client_message_ids_are_unique_and_stale_writes_are_refused() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let visitor = VisitorId::new();
        let (conv, entries) = Conversation::start(
            ConversationId::new(),
            acme.id,
            visitor,
            body("hi"),
            Some("m-1".into()),
            None,
            T0,
        );
        let mut tx = store.begin().await.expect("begin");
        insert_started(&mut tx, &conv, &entries).await;
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let author = Author::Visitor(visitor);
        let found = events::by_client_msg_id(&mut conn, acme.id, conv.id, author, "m-1").await;
        let found = found.expect("q").expect("stored");
        assert!(matches!(
            found.event,
            Event::Message { author: Author::Visitor(v), .. } if v == visitor
        ));
        drop(conn);

        // The same client id again is refused by the database itself.
        let post = Command::Post {
            author: Author::Visitor(visitor),
            body: body("hi"),
            client_msg_id: Some("m-1".into()),
        };
        let (next, dup) = conv.decide(post, T0).expect("legal");
        let mut tx = store.begin().await.expect("begin");
        let err = events::append(&mut tx, acme.id, conv.id, &dup).await;
        assert_conflict(db.name, err);
        drop(tx);

        // A write based on a stale read is refused.
        let mut tx = store.begin().await.expect("begin");
        conversations::update(&mut tx, &next, conv.last_seq, None, T0)
            .await
            .expect("first writer wins");
        let stale = conversations::update(&mut tx, &next, conv.last_seq, None, T0).await;
        assert!(
            matches!(stale, Err(StoreError::Concurrent(_))),
            "{}",
            db.name
        );
        drop(tx);
        db.finish().await;
    }
}

#[tokio::test]
async fn lists_by_visitor_and_brand_are_newest_first_and_scoped() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let vera = VisitorId::new();
        let mut tx = store.begin().await.expect("begin");
        visitors::insert(&mut tx, vera, acme.id, b"vera", T0)
            .await
            .expect("visitor");
        let mut ids = Vec::new();
        for minutes in [0, 30, 10] {
            let (conv, _) = Conversation::start(
                ConversationId::new(),
                acme.id,
                vera,
                body("hello"),
                None,
                None,
                T0 + Duration::minutes(minutes),
            );
            conversations::insert(&mut tx, &conv).await.expect("insert");
            ids.push(conv.id);
        }
        tx.commit().await.expect("commit");
        let newest_first = vec![ids[1], ids[2], ids[0]];

        let mut conn = store.conn().await.expect("conn");
        let hers = conversations::for_visitor(&mut conn, acme.id, vera).await;
        let hers: Vec<_> = hers.expect("q").iter().map(|c| c.id).collect();
        assert_eq!(hers, newest_first, "{}", db.name);
        let all = conversations::for_brand(&mut conn, acme.id, None, 2)
            .await
            .expect("q");
        let all: Vec<_> = all.iter().map(|c| c.id).collect();
        assert_eq!(all, newest_first[..2], "{}: newest first, limited", db.name);
        let theirs = conversations::for_brand(&mut conn, globex.id, None, 10).await;
        assert!(theirs.expect("q").is_empty(), "{}", db.name);
        let cross = conversations::for_visitor(&mut conn, globex.id, vera).await;
        assert!(cross.expect("q").is_empty(), "{}", db.name);
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let locked = conversations::get_locked(&mut tx, acme.id, ids[0]).await;
        assert_eq!(
            locked.expect("q").map(|c| c.id),
            Some(ids[0]),
            "{}",
            db.name
        );
        let foreign = conversations::get_locked(&mut tx, globex.id, ids[0]).await;
        assert_eq!(foreign.expect("q"), None, "{}", db.name);
        drop(tx);
        db.finish().await;
    }
}
