//! Durable jobs: due rows are leased to one worker at a time, a lapsed lease makes them
//! claimable again, completion deletes only the version that was claimed.

use ebb_core::{Conversation, ConversationId, MessageBody, VisitorId};
use ebb_store::{clock_offset, conversations, jobs, visitors};
use time::Duration;

use crate::helpers::{T0, backends, brand, committed};

#[tokio::test]
async fn due_jobs_are_leased_once_and_completed_once() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let visitor = VisitorId::new();
        let body = MessageBody::parse("hi").expect("body");
        let (conv, _) = Conversation::start(
            ConversationId::new(),
            acme.id,
            visitor,
            body,
            None,
            None,
            T0,
        );
        let mut tx = store.begin().await.expect("begin");
        visitors::insert(&mut tx, visitor, acme.id, b"v", T0)
            .await
            .expect("visitor");
        conversations::insert(&mut tx, &conv).await.expect("conv");
        let due = T0 + Duration::hours(3);
        jobs::schedule(&mut tx, acme.id, jobs::SNOOZE_EXPIRY, conv.id, due, T0)
            .await
            .expect("schedule");
        tx.commit().await.expect("commit");

        let claim = |at, lease| async move {
            committed(store, async |tx| {
                jobs::claim_due(tx, at, lease, 10).await.expect("claim")
            })
            .await
        };
        assert!(
            claim(due - Duration::seconds(1), due).await.is_empty(),
            "{}",
            db.name
        );
        let lease = due + Duration::seconds(30);
        let first = claim(due, lease).await;
        assert_eq!(first.len(), 1, "{}", db.name);
        assert_eq!((first[0].conversation, first[0].attempts), (conv.id, 1));
        assert!(
            claim(due + Duration::seconds(10), lease).await.is_empty(),
            "{}: leased",
            db.name
        );
        let retried = claim(lease + Duration::seconds(1), lease + Duration::minutes(1)).await;
        assert_eq!(
            retried.len(),
            1,
            "{}: a lapsed lease frees the job",
            db.name
        );
        assert_eq!(retried[0].attempts, 2);

        // Rescheduled meanwhile (snoozed again): completing the old claim keeps the new one.
        let mut tx = store.begin().await.expect("begin");
        let later = T0 + Duration::days(1);
        jobs::schedule(&mut tx, acme.id, jobs::SNOOZE_EXPIRY, conv.id, later, T0)
            .await
            .expect("reschedule");
        jobs::complete(&mut tx, &retried[0])
            .await
            .expect("complete");
        assert_eq!(
            jobs::pending(&mut tx).await.expect("count"),
            1,
            "{}",
            db.name
        );
        assert_eq!(jobs::next_due(&mut tx).await.expect("next"), Some(later));
        let again = jobs::claim_due(&mut tx, later, later + Duration::seconds(30), 10)
            .await
            .expect("claim");
        jobs::complete(&mut tx, &again[0]).await.expect("complete");
        assert_eq!(
            jobs::pending(&mut tx).await.expect("count"),
            0,
            "{}",
            db.name
        );

        assert_eq!(clock_offset::get(&mut tx).await.expect("offset"), 0);
        clock_offset::set(&mut tx, 86_400_000_000)
            .await
            .expect("set");
        clock_offset::set(&mut tx, 90_000_000_000)
            .await
            .expect("set again");
        assert_eq!(
            clock_offset::get(&mut tx).await.expect("offset"),
            90_000_000_000
        );
        tx.commit().await.expect("commit");
        db.finish().await;
    }
}
