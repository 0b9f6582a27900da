//! The timeline log: entries read back after a seq with a limit, a retried message found
//! by its client id only for its own author, conversation and brand (another author may
//! reuse the id), a seq never stored twice, and the brand's log in insertion order
//! filtered by kind.

use ebb_core::{Author, Entry, Event, ExpertId, MessageBody};
use ebb_store::events;
use time::Duration;

use crate::helpers::{T0, assert_conflict, backends, committed, conversation, two_brands};

fn said(author: Author, text: &str, client: Option<&str>) -> Event {
    Event::Message {
        author,
        body: MessageBody::parse(text).expect("body"),
        client_msg_id: client.map(str::to_owned),
    }
}

#[tokio::test]
async fn the_timeline_and_the_brand_log_read_back_in_order() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let (a, vera) = conversation(store, acme.id, Some("first-a"), T0, vec![]).await;
        let (b, bea) = conversation(store, acme.id, Some("first-b"), T0, vec![]).await;
        let (g, gus) = conversation(store, globex.id, Some("first-a"), T0, vec![]).await;
        let ada = Author::Expert(ExpertId::new());
        let later: Vec<Entry> = (1..=4)
            .map(|i| Entry {
                seq: a.last_seq + i,
                at: T0 + Duration::minutes(i as i64),
                event: said(ada, &format!("reply {i}"), None),
            })
            .collect();
        committed(store, async |tx| {
            events::append(tx, acme.id, a.id, &later)
                .await
                .expect("append")
        })
        .await;

        let mut tx = store.begin().await.expect("begin");
        let again = events::append(&mut tx, acme.id, a.id, &later[..1]).await;
        assert_conflict(db.name, again);
        drop(tx);

        let mut conn = store.conn().await.expect("conn");
        let page = events::after(&mut conn, acme.id, a.id, a.last_seq + 1, 2)
            .await
            .expect("q");
        let seqs: Vec<u64> = page.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [a.last_seq + 2, a.last_seq + 3], "{}", db.name);
        assert_eq!(page[0], later[1], "{}: read back as written", db.name);
        let foreign = events::after(&mut conn, globex.id, a.id, 0, 100)
            .await
            .expect("q");
        assert!(
            foreign.is_empty(),
            "{}: another brand reads nothing",
            db.name
        );

        let retried = events::conversation_of_client_msg_id(&mut conn, acme.id, vera, "first-a");
        assert_eq!(retried.await.expect("q"), Some(a.id), "{}", db.name);
        let gus_at_acme = events::conversation_of_client_msg_id(&mut conn, acme.id, gus, "first-a");
        assert_eq!(gus_at_acme.await.expect("q"), None, "{}", db.name);
        let gus_home = events::conversation_of_client_msg_id(&mut conn, globex.id, gus, "first-a");
        assert_eq!(gus_home.await.expect("q"), Some(g.id), "{}", db.name);
        let bea = Author::Visitor(bea);
        let not_hers = events::by_client_msg_id(&mut conn, acme.id, b.id, bea, "first-a").await;
        assert_eq!(
            not_hers.expect("q"),
            None,
            "{}: the id belongs to a",
            db.name
        );
        drop(conn);

        // The expert reuses the visitor's id in the same conversation: their own key.
        let reuse = Entry {
            seq: a.last_seq + 5,
            at: T0 + Duration::minutes(5),
            event: said(ada, "same id, other author", Some("first-a")),
        };
        committed(store, async |tx| {
            events::append(tx, acme.id, a.id, std::slice::from_ref(&reuse))
                .await
                .expect("another author's id is free")
        })
        .await;
        let mut conn = store.conn().await.expect("conn");
        let theirs = events::by_client_msg_id(&mut conn, acme.id, a.id, ada, "first-a").await;
        assert_eq!(theirs.expect("q").as_ref(), Some(&reuse), "{}", db.name);
        let vera_key = Author::Visitor(vera);
        let hers = events::by_client_msg_id(&mut conn, acme.id, a.id, vera_key, "first-a").await;
        let hers = hers.expect("q").expect("the visitor's own");
        assert!(
            matches!(hers.event, Event::Message { author, .. } if author == vera_key),
            "{}",
            db.name
        );

        let log = events::brand_log(&mut conn, acme.id, &["message"])
            .await
            .expect("log");
        assert!(log.windows(2).all(|w| w[0].pos < w[1].pos), "{}", db.name);
        assert!(log.iter().all(|l| l.entry.event.kind() == "message"));
        let per = |id| log.iter().filter(|l| l.conversation == id).count();
        // The first message and the automatic one, then a's four replies and the reuse.
        assert_eq!((per(a.id), per(b.id), per(g.id)), (7, 2, 0), "{}", db.name);
        let last = log.last().expect("some");
        assert_eq!(
            (last.conversation, &last.entry),
            (a.id, &reuse),
            "{}",
            db.name
        );
        let none = events::brand_log(&mut conn, acme.id, &["closed"])
            .await
            .expect("log");
        assert!(none.is_empty(), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}
