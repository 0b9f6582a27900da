//! Earnings rules: exact window boundaries and no double pay, by example and by property.

use proptest::prelude::*;
use time::macros::datetime;

use super::*;

pub(super) const T0: Instant = datetime!(2026-11-25 09:00 UTC);
const WINDOW: Duration = Duration::hours(48);

fn eur(minor: i64) -> Money {
    Money::parse(minor, "EUR").expect("money")
}

fn mission(fee: Option<i64>, bp: Option<i64>, joined_hours: i64) -> MissionTerms {
    MissionTerms {
        id: MissionId::new(),
        contact_fee: fee.map(eur),
        commission_bp: bp,
        joined_at: T0 + Duration::hours(joined_hours),
    }
}

/// A conversation of its own (no previous one, nobody closed it) from `started_at` to
/// `closed_at`.
fn span(started_at: Instant, closed_at: Option<Instant>) -> Span {
    Span {
        id: ConversationId::new(),
        started_at,
        closed_at,
        previous: None,
        closer: None,
    }
}

#[test]
fn money_is_checked() {
    assert!(Money::parse(100, "EUR").is_ok());
    assert!(Money::parse(100, "eur").is_err());
    assert!(Money::parse(100, "EURO").is_err());
    assert!(Money::parse(-1, "EUR").is_err());
}

proptest! {
    /// Every amount from 0 to the cap is accepted and every one above it refused.
    #[test]
    fn amounts_are_capped(minor in any::<i64>()) {
        prop_assert_eq!(Money::parse(minor, "EUR").is_ok(), (0..=MAX_MINOR).contains(&minor));
    }

    /// Sums never overflow: exact when the true sum fits in `i64`, saturated otherwise.
    #[test]
    fn sums_of_amounts_never_overflow(amounts in proptest::collection::vec(any::<i64>(), 0..20)) {
        let exact: i128 = amounts.iter().copied().map(i128::from).sum();
        let sum = sum_minor(amounts);
        prop_assert_eq!(i128::from(sum), exact.clamp(i128::from(i64::MIN), i128::from(i64::MAX)));
    }
}

#[test]
fn sums_at_the_cap_are_exact_and_beyond_i64_saturate() {
    assert_eq!(sum_minor([MAX_MINOR; 3]), 3 * MAX_MINOR);
    assert_eq!(sum_minor([i64::MAX, 1]), i64::MAX);
    assert_eq!(sum_minor([i64::MIN, -1]), i64::MIN);
}

#[test]
fn window_boundaries_are_exact() {
    let span = span(T0, Some(T0 + Duration::hours(1)));
    let end = T0 + Duration::hours(1);
    let at = |t| attribute(&[span], t, WINDOW);
    assert_eq!(
        at(T0 - Duration::microseconds(1)),
        None,
        "before it started"
    );
    assert_eq!(at(T0), Some(span.id), "the moment it started");
    assert_eq!(
        at(end + WINDOW),
        Some(span.id),
        "exactly 48 h after the end"
    );
    assert_eq!(
        at(end + WINDOW + Duration::microseconds(1)),
        None,
        "just after"
    );
    let open = Span {
        closed_at: None,
        ..span
    };
    assert_eq!(
        attribute(&[open], T0 + Duration::days(90), WINDOW),
        Some(open.id)
    );
}

#[test]
fn the_latest_conversation_and_the_last_replier_win() {
    let old = span(T0, Some(T0 + Duration::hours(1)));
    let new = span(T0 + Duration::hours(2), None);
    assert_eq!(
        attribute(&[new, old], T0 + Duration::hours(3), WINDOW),
        Some(new.id)
    );
    let (ada, bob) = (ExpertId::new(), ExpertId::new());
    let reply = |at, expert| Reply {
        conversation: new.id,
        at,
        expert,
    };
    let replies = [reply(T0, ada), reply(T0 + Duration::hours(2), bob)];
    assert_eq!(
        credited_expert(&replies, T0 + Duration::hours(1)),
        Some(ada)
    );
    assert_eq!(
        credited_expert(&replies, T0 + Duration::hours(2)),
        Some(bob)
    );
    assert_eq!(credited_expert(&replies, T0 - Duration::hours(1)), None);
}

#[test]
fn missions_pay_from_the_first_joined_mission_that_pays_that_way() {
    let expert = ExpertId::new();
    let conversation = ConversationId::new();
    let commission_only = mission(None, Some(500), 0);
    let contact = mission(Some(300), None, 1);
    let closed = Payable::Closed {
        conversation,
        payee: Some(expert),
        missions: vec![contact.clone(), commission_only.clone()],
        same_contact_paid: false,
    };
    let fee = payouts(&closed, &[]);
    assert_eq!(fee.len(), 1);
    assert_eq!((fee[0].mission, fee[0].amount.minor), (contact.id, 300));
    assert!(payouts(&closed, &fee).is_empty(), "paid once");

    let purchase = Payable::Purchase {
        purchase: PurchaseId::new(),
        conversation,
        expert,
        amount: eur(12_345),
        missions: vec![contact, commission_only.clone()],
    };
    let com = payouts(&purchase, &[]);
    assert_eq!(
        (com[0].mission, com[0].amount.minor),
        (commission_only.id, 617)
    );
}

#[test]
fn follow_ups_of_a_paid_contact_and_unowned_closes_earn_nothing() {
    let missions = vec![mission(Some(300), None, 0)];
    let follow_up = Payable::Closed {
        conversation: ConversationId::new(),
        payee: Some(ExpertId::new()),
        missions: missions.clone(),
        same_contact_paid: true,
    };
    assert!(payouts(&follow_up, &[]).is_empty());
    let nobody = Payable::Closed {
        conversation: ConversationId::new(),
        payee: None,
        missions,
        same_contact_paid: false,
    };
    assert!(payouts(&nobody, &[]).is_empty());
}

#[derive(Clone, Debug)]
enum Op {
    Close(usize),
    Buy(usize, usize, i64),
    Refund(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..6).prop_map(Op::Close),
        (0usize..6, 0usize..6, 0i64..1_000_000).prop_map(|(p, c, a)| Op::Buy(p, c, a)),
        (0usize..6).prop_map(Op::Refund),
    ]
}

proptest! {
    #[test]
    fn nobody_is_ever_paid_twice(ops in prop::collection::vec(op(), 1..80), bp in 0i64..=10_000) {
        let expert = ExpertId::new();
        let missions = vec![mission(Some(250), Some(bp), 0)];
        let convs: Vec<ConversationId> = (0..6).map(|_| ConversationId::new()).collect();
        let purchases: Vec<PurchaseId> = (0..6).map(|_| PurchaseId::new()).collect();
        let mut amounts = std::collections::HashMap::new();
        let mut ledger: Vec<Earning> = Vec::new();
        for op in ops {
            let payable = match op {
                Op::Close(c) => Payable::Closed {
                    conversation: convs[c], payee: Some(expert),
                    missions: missions.clone(), same_contact_paid: false,
                },
                Op::Buy(p, c, a) => {
                    // A retried report keeps the amount first seen (the store refuses changes).
                    let amount = *amounts.entry(p).or_insert(a);
                    Payable::Purchase {
                        purchase: purchases[p], conversation: convs[c], expert,
                        amount: eur(amount), missions: missions.clone(),
                    }
                }
                Op::Refund(p) => Payable::Refund { purchase: purchases[p] },
            };
            let new = payouts(&payable, &ledger);
            ledger.extend(new);
        }
        for c in &convs {
            let fees = ledger.iter().filter(|e| e.kind == EarningKind::ContactFee && e.conversation == Some(*c)).count();
            prop_assert!(fees <= 1);
        }
        for p in &purchases {
            let of = |k| ledger.iter().filter(|e| e.kind == k && e.purchase == Some(*p)).map(|e| e.amount.minor).collect::<Vec<_>>();
            let (paid, reversed) = (of(EarningKind::Commission), of(EarningKind::CommissionReversal));
            prop_assert!(paid.len() <= 1 && reversed.len() <= paid.len());
            if let (Some(c), Some(r)) = (paid.first(), reversed.first()) {
                prop_assert_eq!(*c, -*r, "a reversal undoes exactly what was paid");
            }
            if let Some(c) = paid.first() {
                prop_assert_eq!(*c, amounts[&purchases.iter().position(|x| x == p).unwrap_or(0)] * bp / FULL_BP);
            }
        }
    }

    #[test]
    fn attribution_window_is_inclusive_and_exact(
        start in 0i64..1_000_000, length in 0i64..1_000_000, offset in -2_000_000i64..400_000_000_000,
    ) {
        let started_at = T0 + Duration::microseconds(start);
        let closed_at = started_at + Duration::microseconds(length);
        let span = span(started_at, Some(closed_at));
        let at = started_at + Duration::microseconds(offset);
        let inside = at >= started_at && at <= closed_at + WINDOW;
        prop_assert_eq!(attribute(&[span], at, WINDOW).is_some(), inside);
    }
}

#[test]
fn purchase_statuses_and_sources_have_stable_text_forms() {
    for s in [
        PurchaseStatus::Pending,
        PurchaseStatus::Confirmed,
        PurchaseStatus::Refunded,
    ] {
        assert_eq!(PurchaseStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(PurchaseStatus::Pending.as_str(), "pending");
    assert_eq!(PurchaseSource::Widget.as_str(), "widget");
    assert_eq!(
        PurchaseSource::parse("server"),
        Some(PurchaseSource::Server)
    );
    assert_eq!(PurchaseStatus::parse("Pending"), None);
    assert_eq!(
        PurchaseSource::Widget.first_status(),
        PurchaseStatus::Pending
    );
    assert_eq!(
        PurchaseSource::Server.first_status(),
        PurchaseStatus::Confirmed
    );
}

#[test]
fn closes_pay_the_closer_or_the_holder_and_ratings_count_for_the_closer_or_last_replier() {
    let (ada, bob) = (ExpertId::new(), ExpertId::new());
    let admin = crate::Actor::Admin(crate::AdminId::new());
    assert_eq!(close_payee(crate::Actor::Expert(ada), Some(bob)), Some(ada));
    assert_eq!(close_payee(admin, Some(bob)), Some(bob));
    assert_eq!(close_payee(crate::Actor::System, None), None);
    let c = ConversationId::new();
    let replies = [
        Reply {
            conversation: c,
            at: T0,
            expert: ada,
        },
        Reply {
            conversation: c,
            at: T0 + Duration::minutes(1),
            expert: bob,
        },
    ];
    assert_eq!(rated_expert(admin, &replies), Some(bob));
    assert_eq!(rated_expert(crate::Actor::Expert(ada), &replies), Some(ada));
    assert_eq!(rated_expert(admin, &[]), None);
}
