//! The ledger and the follow-up chain it pays from: entries written once per dedup key,
//! read per conversation, purchase, expert period and brand period; a visitor's spans,
//! expert replies and contact fees each read in one query, scoped to that visitor.

use ebb_core::earnings::{self, Earning, EarningKind, Money, Reply, Span};
use ebb_core::{Actor, AdminId, Author, Command, ConversationId, MessageBody, PurchaseId};
use ebb_store::purchases::{self, Purchase};
use ebb_store::{Store, conversations, events, ledger};
use time::Duration;

use crate::helpers::{
    T0, apply_committed, assigned, backends, brand, expert, experts_of, mission, two_brands,
    visitor,
};

fn entry(e: &ebb_core::Expert, m: ebb_core::MissionId, kind: EarningKind, minor: i64) -> Earning {
    Earning {
        expert: e.id,
        mission: m,
        kind,
        amount: Money {
            minor,
            currency: "EUR".into(),
        },
        conversation: None,
        purchase: None,
    }
}

/// Asserts that a read on backend `name` succeeded with exactly `want` (`what` it shows).
fn reads_back<T: PartialEq + std::fmt::Debug, const N: usize>(
    name: &str,
    what: &str,
    got: ebb_store::Result<Vec<T>>,
    want: [T; N],
) {
    assert_eq!(got.expect("q"), want, "{name}: {what}");
}

async fn reply(
    store: &Store,
    c: &ebb_core::Conversation,
    e: ebb_core::ExpertId,
    at: ebb_core::Instant,
) -> ebb_core::Conversation {
    let post = Command::Post {
        author: Author::Expert(e),
        body: MessageBody::parse("Size L is in stock.").expect("body"),
        client_msg_id: None,
    };
    apply_committed(store, c, post, at).await
}

#[tokio::test]
async fn entries_are_written_once_and_read_by_period() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 2).await;
        let m = mission(store, acme.id, 300, 1000, &[ada.id]).await;
        let v = visitor(store, acme.id).await;
        let conv = assigned(store, acme.id, v, ada.id, T0).await;
        let p = Purchase {
            id: PurchaseId::new(),
            order_id: "A-1".into(),
            visitor_id: v,
            amount: Money::parse(10_000, "EUR").expect("money"),
            purchased_at: T0,
            status: earnings::PurchaseStatus::Confirmed,
            source: earnings::PurchaseSource::Server,
            conversation_id: Some(conv.id),
            expert_id: Some(ada.id),
        };
        let fee = Earning {
            conversation: Some(conv.id),
            ..entry(&ada, m.id, EarningKind::ContactFee, 300)
        };
        let commission = Earning {
            conversation: Some(conv.id),
            purchase: Some(p.id),
            ..entry(&ada, m.id, EarningKind::Commission, 1_000)
        };
        let reversal = Earning {
            kind: EarningKind::CommissionReversal,
            amount: Money {
                minor: -1_000,
                currency: "EUR".into(),
            },
            ..commission.clone()
        };
        let mut tx = store.begin().await.expect("begin");
        purchases::insert(&mut tx, acme.id, &p, T0)
            .await
            .expect("purchase");
        for (e, at) in [
            (&fee, T0),
            (&commission, T0),
            (&reversal, T0 + Duration::hours(1)),
        ] {
            assert!(
                ledger::append(&mut tx, acme.id, e, at)
                    .await
                    .expect(db.name)
            );
            assert!(
                !ledger::append(&mut tx, acme.id, e, at)
                    .await
                    .expect(db.name),
                "{}: once",
                db.name
            );
        }
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let kinds = |v: Vec<ledger::Entry>| v.into_iter().map(|e| e.earning).collect::<Vec<_>>();
        let on_conv = ledger::for_conversation(&mut conn, acme.id, conv.id)
            .await
            .expect("q");
        assert_eq!(
            kinds(on_conv),
            [fee.clone(), commission.clone(), reversal.clone()],
            "{}",
            db.name
        );
        let on_p = ledger::for_purchase(&mut conn, acme.id, p.id)
            .await
            .expect("q");
        assert_eq!(
            kinds(on_p),
            [commission.clone(), reversal.clone()],
            "{}",
            db.name
        );
        let first_hour = ledger::statement(&mut conn, acme.id, ada.id, T0, T0 + Duration::hours(1));
        assert_eq!(
            kinds(first_hour.await.expect("q")),
            [fee, commission],
            "{}: `to` is exclusive",
            db.name
        );
        let later = ledger::brand_period(
            &mut conn,
            acme.id,
            T0 + Duration::hours(1),
            T0 + Duration::days(1),
        );
        assert_eq!(kinds(later.await.expect("q")), [reversal], "{}", db.name);
        let foreign = ledger::brand_period(&mut conn, globex.id, T0, T0 + Duration::days(1));
        assert!(foreign.await.expect("q").is_empty(), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_visitors_follow_up_chain_reads_back_in_one_query_each() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let [ada, bob] = experts_of(store, acme.id, ["ada@acme.test", "bob@acme.test"], 3).await;
        let m = mission(store, acme.id, 300, 1000, &[ada.id, bob.id]).await;
        let (v, w) = (visitor(store, acme.id).await, visitor(store, acme.id).await);
        let admin = Command::Close {
            by: Actor::Admin(AdminId::new()),
        };
        // A: Ada replies, an admin closes it while Ada holds it.
        let a = assigned(store, acme.id, v, ada.id, T0).await;
        let a = reply(store, &a, ada.id, T0 + Duration::minutes(5)).await;
        let a = apply_committed(store, &a, admin.clone(), T0 + Duration::minutes(30)).await;
        // B follows A up: Bob replies and closes it himself.
        let b = assigned(store, acme.id, v, bob.id, T0 + Duration::hours(1)).await;
        let b = reply(store, &b, bob.id, T0 + Duration::minutes(70)).await;
        let by_bob = Command::Close {
            by: Actor::Expert(bob.id),
        };
        let b = apply_committed(store, &b, by_bob, T0 + Duration::minutes(80)).await;
        // Another visitor's conversation, which must not show up.
        let other = assigned(store, acme.id, w, ada.id, T0).await;
        let other = reply(store, &other, ada.id, T0 + Duration::minutes(6)).await;
        let fee = |c: ConversationId, e: &ebb_core::Expert| Earning {
            conversation: Some(c),
            ..entry(e, m.id, EarningKind::ContactFee, 300)
        };
        let mut tx = store.begin().await.expect("begin");
        conversations::set_previous(&mut tx, acme.id, b.id, a.id)
            .await
            .expect("link");
        conversations::set_closer(&mut tx, acme.id, a.id, ada.id)
            .await
            .expect("closer");
        for e in [
            fee(a.id, &ada),
            fee(other.id, &ada),
            Earning {
                kind: EarningKind::Commission,
                purchase: None,
                ..fee(a.id, &ada)
            },
        ] {
            ledger::append(&mut tx, acme.id, &e, T0)
                .await
                .expect("append");
        }
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let spans = conversations::spans_for_visitor(&mut conn, acme.id, v).await;
        let expected = [
            Span {
                id: a.id,
                started_at: T0,
                closed_at: Some(T0 + Duration::minutes(30)),
                previous: None,
                closer: Some(ada.id),
            },
            Span {
                id: b.id,
                started_at: T0 + Duration::hours(1),
                closed_at: Some(T0 + Duration::minutes(80)),
                previous: Some(a.id),
                closer: Some(bob.id),
            },
        ];
        let what = "the holder at an admin close, else the closer";
        reads_back(db.name, what, spans, expected);
        let replies = events::expert_replies(&mut conn, acme.id, v).await;
        let expected = [
            Reply {
                conversation: a.id,
                at: T0 + Duration::minutes(5),
                expert: ada.id,
            },
            Reply {
                conversation: b.id,
                at: T0 + Duration::minutes(70),
                expert: bob.id,
            },
        ];
        let what = "experts' messages only, this visitor only";
        reads_back(db.name, what, replies, expected);
        let fees = ledger::contact_fees_for_visitor(&mut conn, acme.id, v)
            .await
            .expect("q");
        let fees: Vec<Earning> = fees.into_iter().map(|e| e.earning).collect();
        assert_eq!(
            fees,
            [fee(a.id, &ada)],
            "{}: contact fees of this visitor only",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}
