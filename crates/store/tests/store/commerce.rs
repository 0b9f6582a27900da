//! The money and satisfaction rows of a report: CSAT counts, purchase sums (confirmed only:
//! pending and refunds left out, conversion by the period's conversations) and earning sums,
//! each in its brand and period, exact and never overflowing.

use ebb_core::earnings::{Earning, EarningKind, Money, PurchaseSource, PurchaseStatus};
use ebb_core::reports::CsatFigures;
use ebb_core::{BrandId, ConversationId, ExpertId, Instant, MissionId, PurchaseId, VisitorId};
use ebb_store::missions::{self, Mission};
use ebb_store::purchases::{self, Purchase};
use ebb_store::reports::commerce::{self, Amount};
use ebb_store::{Store, csat, ledger};
use time::Duration;

use crate::helpers::{T0, backends, conversation, expert, two_brands};

fn minutes(m: i64) -> Instant {
    T0 + Duration::minutes(m)
}

/// A stored conversation of a new visitor opened at `at`: its id and the visitor.
async fn opened(store: &Store, brand: BrandId, at: Instant) -> (ConversationId, VisitorId) {
    let (conv, visitor) = conversation(store, brand, None, at, vec![]).await;
    (conv.id, visitor)
}

#[tokio::test]
async fn csat_counts_stay_in_their_brand_and_period() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada: Option<ExpertId> = Some(expert(store, acme.id, "ada@acme.test", 5).await.id);
        let mut rate = Vec::new();
        for (brand, at, rating) in [
            (acme.id, -1, 1),
            (acme.id, 0, 5),
            (acme.id, 5, 4),
            (acme.id, 6, 4),
            (acme.id, 60, 2),
            (globex.id, 5, 1),
        ] {
            let (conv, visitor) = opened(store, brand, minutes(at)).await;
            rate.push((brand, conv, visitor, at, rating));
        }
        let mut tx = store.begin().await.expect("begin");
        for (brand, conv, visitor, at, rating) in rate {
            let expert = if brand == acme.id { ada } else { None };
            csat::insert(
                &mut tx,
                brand,
                conv,
                visitor,
                expert,
                rating,
                None,
                minutes(at),
            )
            .await
            .expect("rating");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let counts = commerce::csat_counts(&mut conn, acme.id, minutes(0), minutes(60))
            .await
            .expect("counts");
        let figures = CsatFigures::of(counts);
        assert_eq!(figures.distribution, [0, 0, 0, 2, 1], "{}", db.name);
        assert_eq!(figures.average, Some(13.0 / 3.0), "{}", db.name);
        let none = commerce::csat_counts(&mut conn, acme.id, minutes(61), minutes(99));
        assert_eq!(
            CsatFigures::of(none.await.expect("q")).responses,
            0,
            "{}",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}

fn amount(currency: &str, count: i64, amount_minor: i64) -> Amount {
    Amount {
        currency: currency.to_owned(),
        count,
        amount_minor,
    }
}

#[tokio::test]
async fn purchase_sums_skip_refunds_and_other_brands_and_periods() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let (inside, vera) = opened(store, acme.id, minutes(10)).await;
        let (before, walt) = opened(store, acme.id, minutes(-1)).await;
        let (theirs, gus) = opened(store, globex.id, minutes(10)).await;
        let rows = [
            (acme.id, vera, 10, "confirmed", "EUR", 1000, Some(inside)),
            (acme.id, vera, 20, "pending", "EUR", 500, None),
            (acme.id, vera, 30, "refunded", "EUR", 9999, Some(inside)),
            (acme.id, walt, 40, "confirmed", "USD", 200, Some(before)),
            (acme.id, vera, 700, "confirmed", "EUR", 7, Some(inside)),
            (globex.id, gus, 10, "confirmed", "EUR", 3333, Some(theirs)),
        ];
        let mut tx = store.begin().await.expect("begin");
        for (i, (brand, visitor, at, status, currency, minor, conversation)) in
            rows.into_iter().enumerate()
        {
            let purchase = Purchase {
                id: PurchaseId::new(),
                order_id: format!("order-{i}"),
                visitor_id: visitor,
                amount: Money {
                    minor,
                    currency: currency.to_owned(),
                },
                purchased_at: minutes(at),
                status: PurchaseStatus::parse(status).expect("status"),
                source: PurchaseSource::Server,
                conversation_id: conversation,
                expert_id: None,
            };
            purchases::insert(&mut tx, brand, &purchase, minutes(at))
                .await
                .expect("purchase");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let figures = commerce::purchases(&mut conn, acme.id, minutes(0), minutes(600))
            .await
            .expect("figures");
        assert_eq!(
            figures.all,
            vec![amount("EUR", 1, 1000), amount("USD", 1, 200)],
            "{}: pending, refunds, later purchases and globex left out",
            db.name
        );
        assert_eq!(
            figures.attributed,
            vec![amount("EUR", 1, 1000), amount("USD", 1, 200)],
            "{}",
            db.name
        );
        assert_eq!(
            figures.converted_conversations, 1,
            "{}: only the conversation opened in the period",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}

#[tokio::test]
async fn earning_sums_stay_in_their_brand_and_period() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let fee = Money {
            minor: 500,
            currency: "EUR".to_owned(),
        };
        let ada = expert(store, acme.id, "ada@acme.test", 3).await.id;
        let gil = expert(store, globex.id, "gil@globex.test", 3).await.id;
        let mut tx = store.begin().await.expect("begin");
        let mut earnings = Vec::new();
        for (brand, who) in [(acme.id, ada), (globex.id, gil)] {
            let mission = Mission {
                id: MissionId::new(),
                name: "Support".to_owned(),
                contact_fee: Some(fee.clone()),
                commission_bp: None,
                members: vec![who],
            };
            missions::insert(&mut tx, brand, &mission, T0)
                .await
                .expect("mission");
            earnings.push((brand, who, mission.id));
        }
        tx.commit().await.expect("commit");
        let mut closed = Vec::new();
        for (brand, who, mission) in [earnings[0], earnings[0], earnings[0], earnings[1]] {
            let (conversation, _) = opened(store, brand, T0).await;
            closed.push((brand, who, mission, conversation));
        }
        let mut tx = store.begin().await.expect("begin");
        for ((brand, expert, mission, conversation), at) in
            closed.into_iter().zip([10, 20, 700, 10])
        {
            let earning = Earning {
                expert,
                mission,
                kind: EarningKind::ContactFee,
                amount: fee.clone(),
                conversation: Some(conversation),
                purchase: None,
            };
            assert!(
                ledger::append(&mut tx, brand, &earning, minutes(at))
                    .await
                    .expect("append")
            );
        }
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let sums = commerce::earnings(&mut conn, acme.id, minutes(0), minutes(600))
            .await
            .expect("sums");
        let want = commerce::Earning {
            kind: "contact_fee".to_owned(),
            currency: "EUR".to_owned(),
            count: 2,
            amount_minor: 1000,
        };
        assert_eq!(
            sums,
            vec![want],
            "{}: the later fee and globex's left out",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}

/// Inserts a confirmed purchase of `minor` `currency` made at minute 1 by a new visitor.
async fn bought(store: &Store, brand: BrandId, n: usize, minor: i64, currency: &str) -> PurchaseId {
    let (conversation, visitor) = opened(store, brand, minutes(0)).await;
    let purchase = Purchase {
        id: PurchaseId::new(),
        order_id: format!("big-{n}"),
        visitor_id: visitor,
        amount: Money {
            minor,
            currency: currency.to_owned(),
        },
        purchased_at: minutes(1),
        status: PurchaseStatus::Confirmed,
        source: PurchaseSource::Server,
        conversation_id: Some(conversation),
        expert_id: None,
    };
    let mut tx = store.begin().await.expect("begin");
    purchases::insert(&mut tx, brand, &purchase, minutes(1))
        .await
        .expect("purchase");
    tx.commit().await.expect("commit");
    purchase.id
}

#[tokio::test]
async fn sums_are_exact_at_the_cap_and_never_overflow_beyond_it() {
    use ebb_core::earnings::MAX_MINOR;
    for db in backends().await {
        let store = &db.store;
        let (acme, _) = two_brands(store).await;
        let amounts = [
            ("EUR", i64::MAX),
            ("EUR", i64::MAX),
            ("EUR", 1),
            ("USD", MAX_MINOR),
            ("USD", MAX_MINOR),
            ("USD", MAX_MINOR),
            ("USD", 999_999),
        ];
        let mut ids = Vec::new();
        for (n, (currency, minor)) in amounts.into_iter().enumerate() {
            ids.push(bought(store, acme.id, n, minor, currency).await);
        }
        let ada = expert(store, acme.id, "ada@acme.test", 3).await.id;
        let mission = Mission {
            id: MissionId::new(),
            name: "Sales".to_owned(),
            contact_fee: None,
            commission_bp: Some(10_000),
            members: vec![ada],
        };
        let mut tx = store.begin().await.expect("begin");
        missions::insert(&mut tx, acme.id, &mission, T0)
            .await
            .expect("mission");
        let kinds = [EarningKind::Commission, EarningKind::CommissionReversal];
        for (kind, purchase) in kinds.into_iter().flat_map(|k| [(k, ids[0]), (k, ids[1])]) {
            let sign = if kind == EarningKind::Commission {
                1
            } else {
                -1
            };
            let earning = Earning {
                expert: ada,
                mission: mission.id,
                kind,
                amount: Money {
                    minor: sign * i64::MAX,
                    currency: "EUR".to_owned(),
                },
                conversation: None,
                purchase: Some(purchase),
            };
            ledger::append(&mut tx, acme.id, &earning, minutes(1))
                .await
                .expect("append");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let figures = commerce::purchases(&mut conn, acme.id, minutes(0), minutes(600))
            .await
            .expect("purchase sums never fail");
        assert_eq!(
            figures.all,
            vec![
                amount("EUR", 3, i64::MAX),
                amount("USD", 4, 3 * MAX_MINOR + 999_999)
            ],
            "{}: exact at the cap, saturated past i64",
            db.name
        );
        let sums = commerce::earnings(&mut conn, acme.id, minutes(0), minutes(600))
            .await
            .expect("earning sums never fail");
        let got: Vec<(String, i64)> = sums.into_iter().map(|e| (e.kind, e.amount_minor)).collect();
        assert_eq!(
            got,
            vec![
                ("commission".to_owned(), i64::MAX),
                ("commission_reversal".to_owned(), i64::MIN)
            ],
            "{}",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}
