//! The shared job queue, through its two users (webhook deliveries, snooze expiries): a due
//! row is claimed once, a lapsed lease makes it claimable again, a failed attempt waits out
//! its backoff, a delivered or cancelled job is gone, and two claimers never share a row.

use ebb_core::{Conversation, ConversationId, Instant, MessageBody, VisitorId};
use ebb_store::outbox::{self, Attempt};
use ebb_store::webhook_endpoints::{self, Endpoint};
use ebb_store::{Store, conversations, ids, jobs, visitors};
use serde_json::json;
use time::Duration;

use crate::helpers::{T0, backends, brand, committed};

/// Claims in its own transaction, as a worker does.
async fn claim_deliveries(store: &Store, at: Instant, lease: Instant) -> Vec<outbox::Delivery> {
    committed(store, async |tx| {
        outbox::claim_due(tx, at, lease, 10).await.expect("claim")
    })
    .await
}

#[tokio::test]
async fn a_delivery_is_leased_retried_after_its_backoff_then_done() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let acme = brand(store, "acme").await;
        let endpoint = Endpoint {
            id: ids::new_uuid(),
            brand_id: acme.id,
            url: "https://example.test/hook".into(),
            events: vec!["message.created".into()],
            created_at: T0,
        };
        let mut tx = store.begin().await.expect("begin");
        webhook_endpoints::insert(&mut tx, &endpoint, "secret")
            .await
            .expect("endpoint");
        let payload = json!({"id": ids::new_uuid(), "type": "message.created"});
        outbox::enqueue(&mut tx, acme.id, "message.created", &payload, T0)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");

        let lease = T0 + Duration::seconds(60);
        let first = claim_deliveries(store, T0, lease).await;
        assert_eq!(first.len(), 1, "{name}");
        assert_eq!(first[0].attempts, 1, "{name}");
        assert!(
            claim_deliveries(store, T0 + Duration::seconds(1), lease)
                .await
                .is_empty(),
            "{name}: leased"
        );

        let retry_at = T0 + Duration::seconds(10);
        let failed = Attempt::Failed {
            status_code: Some(500),
            error: "receiver answered 500".into(),
            retry_at: Some(retry_at),
        };
        let mut conn = store.conn().await.expect("conn");
        outbox::record(&mut conn, &first[0], &failed, T0)
            .await
            .expect("record");
        assert_eq!(
            outbox::next_due(&mut conn).await.expect("next"),
            Some(retry_at),
            "{name}: due again after the backoff"
        );
        drop(conn);
        let early = retry_at - Duration::seconds(1);
        assert!(
            claim_deliveries(store, early, early + Duration::seconds(60))
                .await
                .is_empty(),
            "{name}: not before its backoff"
        );
        let second = claim_deliveries(store, retry_at, retry_at + Duration::seconds(60)).await;
        assert_eq!(second.len(), 1, "{name}: due after its backoff");
        assert_eq!(second[0].attempts, 2, "{name}");

        // A late record of the first attempt (its lease had lapsed) changes nothing.
        let mut conn = store.conn().await.expect("conn");
        let done = Attempt::Delivered { status_code: 200 };
        outbox::record(&mut conn, &first[0], &done, retry_at)
            .await
            .expect("stale record");
        assert_eq!(
            outbox::recent(&mut conn, acme.id, None, 10)
                .await
                .expect("recent")[0]
                .status,
            outbox::PENDING,
            "{name}: a stale attempt is ignored"
        );
        outbox::record(&mut conn, &second[0], &done, retry_at)
            .await
            .expect("record");
        assert_eq!(
            outbox::next_due(&mut conn).await.expect("next"),
            None,
            "{name}"
        );
        drop(conn);
        let later = retry_at + Duration::hours(1);
        assert!(
            claim_deliveries(store, later, later + Duration::seconds(60))
                .await
                .is_empty(),
            "{name}: delivered rows are not claimed again"
        );
        db.finish().await;
    }
}

/// A conversation with a snooze expiry due at `due`.
async fn snoozed(store: &Store, brand: ebb_core::BrandId, due: Instant) -> ConversationId {
    let visitor = VisitorId::new();
    let body = MessageBody::parse("hi").expect("body");
    let (conv, _) =
        Conversation::start(ConversationId::new(), brand, visitor, body, None, None, T0);
    let mut tx = store.begin().await.expect("begin");
    visitors::insert(&mut tx, visitor, brand, visitor.0.as_bytes(), T0)
        .await
        .expect("visitor");
    conversations::insert(&mut tx, &conv).await.expect("conv");
    jobs::schedule(&mut tx, brand, jobs::SNOOZE_EXPIRY, conv.id, due, T0)
        .await
        .expect("schedule");
    tx.commit().await.expect("commit");
    conv.id
}

#[tokio::test]
async fn two_claimers_never_get_the_same_job_and_cancelled_jobs_are_gone() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let acme = brand(store, "acme").await;
        let due = T0 + Duration::hours(1);
        let mut convs = Vec::new();
        for _ in 0..6 {
            convs.push(snoozed(store, acme.id, due).await);
        }
        committed(store, async |tx| {
            jobs::cancel(tx, acme.id, jobs::SNOOZE_EXPIRY, convs[5])
                .await
                .expect("cancel")
        })
        .await;

        // The first claimer holds its transaction open while the second claims.
        let lease = due + Duration::seconds(30);
        let mut first = store.begin().await.expect("begin");
        let a = jobs::claim_due(&mut first, due, lease, 3)
            .await
            .expect("claim");
        let second = tokio::spawn({
            let store = store.clone();
            async move {
                committed(&store, async |tx| {
                    jobs::claim_due(tx, due, lease, 3).await.expect("claim")
                })
                .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        first.commit().await.expect("commit");
        let b = second.await.expect("second claimer");
        let mut claimed: Vec<_> = a.iter().chain(&b).map(|j| j.conversation).collect();
        assert_eq!(claimed.len(), 5, "{name}: every live job once: {a:?} {b:?}");
        claimed.sort();
        claimed.dedup();
        assert_eq!(claimed.len(), 5, "{name}: no job given to both claimers");
        assert!(
            !claimed.contains(&convs[5]),
            "{name}: a cancelled job is never claimed"
        );
        db.finish().await;
    }
}
