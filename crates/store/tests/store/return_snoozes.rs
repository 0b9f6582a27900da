//! Snoozes until the visitor is back: the state round-trips with its marker, a visitor's
//! return-snoozes are found by brand and visitor only while snoozed that way, and taking
//! the job row succeeds once (the claim that makes a return's wake-up exactly once).

use ebb_core::{Command, Conversation, SnoozeBudget, SnoozeChoice, VisitorId};
use ebb_store::{conversations, jobs};
use time::Duration;

use crate::helpers::{
    T0, apply_committed, assigned, backends, committed, expert, two_brands, visitor,
};

async fn snoozed(
    store: &ebb_store::Store,
    conv: &Conversation,
    choice: SnoozeChoice,
) -> Conversation {
    let expert = conv.state.owner().expect("assigned");
    let command = Command::Snooze {
        expert,
        choice,
        max: Duration::days(30),
        budget: SnoozeBudget::default(),
    };
    apply_committed(store, conv, command, T0).await
}

#[tokio::test]
async fn a_visitors_return_snoozes_are_found_and_their_job_taken_once() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 5).await.id;
        let gus = expert(store, globex.id, "gus@globex.test", 5).await.id;
        let (v, other) = (visitor(store, acme.id).await, visitor(store, acme.id).await);
        let at_most = T0 + Duration::days(2);
        let back = SnoozeChoice::UntilReturn { at_most };
        let mine = snoozed(store, &assigned(store, acme.id, v, ada, T0).await, back).await;
        let day = SnoozeChoice::OneDay;
        snoozed(store, &assigned(store, acme.id, v, ada, T0).await, day).await;
        snoozed(store, &assigned(store, acme.id, other, ada, T0).await, back).await;
        let g = visitor(store, globex.id).await;
        snoozed(store, &assigned(store, globex.id, g, gus, T0).await, back).await;

        let found = committed(store, async |tx| {
            let stored = conversations::get(tx, acme.id, mine.id).await.expect("get");
            assert_eq!(stored.as_ref(), Some(&mine), "{name}: round trip");
            let wrong_brand = conversations::return_snoozes(tx, globex.id, v).await;
            assert_eq!(wrong_brand.expect("list"), [], "{name}: brand scoped");
            let nobody = conversations::return_snoozes(tx, acme.id, VisitorId::new()).await;
            assert_eq!(nobody.expect("list"), [], "{name}");
            conversations::return_snoozes(tx, acme.id, v)
                .await
                .expect("list")
        })
        .await;
        assert_eq!(found, [mine.id], "{name}: only the return-snooze");

        committed(store, async |tx| {
            jobs::schedule(tx, acme.id, jobs::SNOOZE_EXPIRY, mine.id, at_most, T0)
                .await
                .expect("schedule");
        })
        .await;
        let take = || async {
            committed(store, async |tx| {
                jobs::take(tx, acme.id, jobs::SNOOZE_EXPIRY, mine.id)
                    .await
                    .expect("take")
            })
            .await
        };
        assert!(take().await, "{name}: the first taker owns the wake-up");
        assert!(!take().await, "{name}: the second finds it gone");

        let visitor_back = Command::VisitorReturned { visitor: v };
        let woken = apply_committed(store, &mine, visitor_back, T0).await;
        let after = committed(store, async |tx| {
            conversations::return_snoozes(tx, acme.id, v)
                .await
                .expect("list")
        })
        .await;
        assert_eq!(after, [], "{name}: awake, no longer waiting for the return");
        let stored = committed(store, async |tx| {
            conversations::get(tx, acme.id, mine.id).await.expect("get")
        })
        .await;
        assert_eq!(stored, Some(woken), "{name}: the wake reason round-trips");
        db.finish().await;
    }
}
