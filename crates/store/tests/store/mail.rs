//! The mail queue and batches: a job keeps the earlier of two times, a reply scheduled
//! while the job is being handled survives its completion, a retry takes the earlier time,
//! and an unsent batch is found again (the same id) until it is marked sent.

use ebb_core::{Conversation, ConversationId, Instant, MessageBody, VisitorId};
use ebb_store::mail::jobs::{self as mail_jobs, FOLLOW_UP, MailJob};
use ebb_store::{Store, conversations, visitors};
use time::Duration;

use crate::helpers::{T0, backends, brand, committed};

async fn conversation(store: &Store, brand: ebb_core::BrandId) -> ConversationId {
    let visitor = VisitorId::new();
    let body = MessageBody::parse("hi").expect("body");
    let (conv, _) =
        Conversation::start(ConversationId::new(), brand, visitor, body, None, None, T0);
    committed(store, async |tx| {
        visitors::insert(tx, visitor, brand, visitor.0.as_bytes(), T0)
            .await
            .expect("visitor");
        conversations::insert(tx, &conv).await.expect("conv");
    })
    .await;
    conv.id
}

async fn claim(store: &Store, at: Instant) -> Vec<MailJob> {
    committed(store, async |tx| {
        mail_jobs::claim_due(tx, at, at + Duration::seconds(60), 10)
            .await
            .expect("claim")
    })
    .await
}

async fn schedule(store: &Store, brand: ebb_core::BrandId, conv: ConversationId, at: Instant) {
    committed(store, async |tx| {
        mail_jobs::schedule(tx, brand, conv, FOLLOW_UP, at, T0)
            .await
            .expect("schedule")
    })
    .await;
}

#[tokio::test]
async fn a_reply_scheduled_while_its_job_runs_is_not_lost() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let acme = brand(store, "acme").await;
        let conv = conversation(store, acme.id).await;
        let five = T0 + Duration::minutes(5);
        schedule(store, acme.id, conv, five).await;
        schedule(store, acme.id, conv, T0 + Duration::minutes(9)).await;
        let mut conn = store.conn().await.expect("conn");
        assert_eq!(
            mail_jobs::next_due(&mut conn).await.expect("next"),
            Some(five),
            "{name}: the earlier time"
        );
        drop(conn);

        let job = claim(store, five).await.remove(0);
        // A new reply while the job is handled: the job is moved, so completing it keeps it.
        let later = five + Duration::minutes(5);
        schedule(store, acme.id, conv, later).await;
        let mut conn = store.conn().await.expect("conn");
        mail_jobs::complete(&mut conn, &job)
            .await
            .expect("complete");
        assert_eq!(
            mail_jobs::next_due(&mut conn).await.expect("next"),
            Some(later),
            "{name}: kept"
        );
        drop(conn);
        let again = claim(store, later).await.remove(0);
        let mut conn = store.conn().await.expect("conn");
        mail_jobs::retry(
            &mut conn,
            &again,
            later + Duration::hours(1),
            Some("smtp down"),
        )
        .await
        .expect("retry");
        assert_eq!(
            mail_jobs::next_due(&mut conn).await.expect("next"),
            Some(later + Duration::hours(1)),
            "{name}"
        );
        drop(conn);
        let last = claim(store, later + Duration::hours(1)).await.remove(0);
        let mut conn = store.conn().await.expect("conn");
        mail_jobs::complete(&mut conn, &last)
            .await
            .expect("complete");
        assert_eq!(
            mail_jobs::next_due(&mut conn).await.expect("next"),
            None,
            "{name}: done"
        );
        drop(conn);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unsent_batch_is_found_again_until_marked_sent() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let acme = brand(store, "acme").await;
        let conv = conversation(store, acme.id).await;
        let mut conn = store.conn().await.expect("conn");
        let batch = mail_jobs::record_batch(&mut conn, acme.id, conv, FOLLOW_UP, &[3, 5], T0)
            .await
            .expect("record");
        let found = mail_jobs::batches(&mut conn, acme.id, conv, FOLLOW_UP)
            .await
            .expect("batches");
        assert_eq!(found, vec![batch.clone()], "{name}");
        assert_eq!((batch.last_seq, found[0].sent_at), (5, None), "{name}");
        mail_jobs::mark_sent(&mut conn, acme.id, batch.id, T0)
            .await
            .expect("sent");
        let found = mail_jobs::batches(&mut conn, acme.id, conv, FOLLOW_UP)
            .await
            .expect("batches");
        assert_eq!(found[0].sent_at, Some(T0), "{name}");
        let other = brand(store, "other").await;
        let theirs = mail_jobs::batches(&mut conn, other.id, conv, FOLLOW_UP)
            .await
            .expect("batches");
        assert!(theirs.is_empty(), "{name}: per brand");
        drop(conn);
        db.finish().await;
    }
}
