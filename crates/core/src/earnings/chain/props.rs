//! Properties of the follow-up rules over random visitor histories: conversations and
//! follow-ups (inside and outside the window), closes by different experts or by an admin,
//! replies, purchases at random times, repeated reports, repeated closes and refunds.

use proptest::prelude::*;
use time::Duration;

use super::examples::Visit;
use crate::earnings::{Earning, EarningKind, Payable, credit, payouts};
use crate::{Actor, AdminId, ConversationId, ExpertId, Instant, PurchaseId};

const WINDOW_MIN: i64 = 48 * 60;

/// One conversation of the generated history.
#[derive(Clone, Debug)]
struct Conv {
    /// Minutes after the previous conversation closed (0..3 windows).
    gap: i64,
    /// A follow-up of the previous conversation (else a fresh start, not linked).
    linked: bool,
    /// Minutes it stays open.
    length: i64,
    /// Replies: minutes after the start (clamped to the length) and expert index.
    replies: Vec<(i64, usize)>,
    /// The expert holding it at the close.
    holder: usize,
    /// Closed by an admin rather than the holder.
    by_admin: bool,
    /// The close is processed twice (a retry).
    retried: bool,
}

fn conv() -> impl Strategy<Value = Conv> {
    (
        0i64..3 * WINDOW_MIN,
        prop::bool::weighted(0.85),
        0i64..600,
        prop::collection::vec((0i64..600, 0usize..3), 0..4),
        0usize..3,
        prop::bool::weighted(0.2),
        any::<bool>(),
    )
        .prop_map(
            |(gap, linked, length, replies, holder, by_admin, retried)| Conv {
                gap,
                linked,
                length,
                replies,
                holder,
                by_admin,
                retried,
            },
        )
}

/// What the history produced, with the generator's own view of it.
struct Played {
    visit: Visit,
    experts: [ExpertId; 3],
    /// Per conversation: id, start, close, chain number, payee.
    convs: Vec<(ConversationId, Instant, Instant, usize, ExpertId)>,
}

fn play(history: &[Conv]) -> Played {
    let experts = [ExpertId::new(), ExpertId::new(), ExpertId::new()];
    let mut visit = Visit::new();
    let mut convs = Vec::new();
    let (mut clock, mut chain, mut previous) = (crate::earnings::tests::T0, 0, None);
    for c in history {
        let start = clock + Duration::minutes(c.gap);
        if !c.linked {
            chain += 1;
        }
        let id = visit.start(start, previous.filter(|_| c.linked));
        let mut replies = c.replies.clone();
        replies.sort_by_key(|r| r.0);
        for (offset, e) in replies {
            visit.reply(
                id,
                experts[e],
                start + Duration::minutes(offset.min(c.length)),
            );
        }
        let end = start + Duration::minutes(c.length);
        let holder = experts[c.holder];
        let by = if c.by_admin {
            Actor::Admin(AdminId::new())
        } else {
            Actor::Expert(holder)
        };
        for _ in 0..=usize::from(c.retried) {
            visit.close(id, by, holder, end);
        }
        convs.push((id, start, end, chain, holder));
        (clock, previous) = (end, Some(id));
    }
    Played {
        visit,
        experts,
        convs,
    }
}

fn fees_of(ledger: &[Earning], id: ConversationId) -> Vec<ExpertId> {
    ledger
        .iter()
        .filter(|e| e.kind == EarningKind::ContactFee && e.conversation == Some(id))
        .map(|e| e.expert)
        .collect()
}

proptest! {
    #[test]
    fn each_contact_pays_its_closer_once(history in prop::collection::vec(conv(), 1..10)) {
        let played = play(&history);
        let ledger = &played.visit.ledger;
        let mut contact_paid = false;
        for (i, (id, start, _, chain, payee)) in played.convs.iter().enumerate() {
            let fees = fees_of(ledger, *id);
            prop_assert!(fees.len() <= 1, "nobody is paid twice for one conversation");
            prop_assert!(fees.iter().all(|e| e == payee), "the fee goes to the payee");
            let same_contact = i > 0 && {
                let (_, _, prev_end, prev_chain, prev_payee) = played.convs[i - 1];
                prev_chain == *chain
                    && *start <= prev_end + Duration::minutes(WINDOW_MIN)
                    && prev_payee == *payee
            };
            if same_contact {
                prop_assert_eq!(fees.len(), usize::from(!contact_paid), "one fee per contact");
            } else {
                prop_assert_eq!(fees.len(), 1, "a new contact (another closer, later, or unlinked) pays its closer");
                contact_paid = false;
            }
            contact_paid |= !fees.is_empty();
        }
    }

    #[test]
    fn purchases_credit_the_last_replier_across_the_chain(
        history in prop::collection::vec(conv(), 1..8),
        buys in prop::collection::vec((0i64..30 * WINDOW_MIN, 0i64..100_000, 0usize..4, any::<bool>()), 1..12),
    ) {
        let mut played = play(&history);
        let window = Duration::minutes(WINDOW_MIN);
        let purchases: Vec<PurchaseId> = (0..4).map(|_| PurchaseId::new()).collect();
        let mut first_amount = std::collections::HashMap::new();
        for (minute, minor, p, refund) in buys {
            let at = crate::earnings::tests::T0 + Duration::minutes(minute);
            let covering = played.convs.iter()
                .filter(|(_, start, end, _, _)| *start <= at && at <= *end + window)
                .max_by_key(|(_, start, ..)| *start);
            let expected = covering.and_then(|(_, _, _, chain, _)| {
                let in_chain: Vec<ConversationId> = played.convs.iter()
                    .filter(|c| c.3 == *chain).map(|c| c.0).collect();
                played.visit.replies.iter()
                    .filter(|r| in_chain.contains(&r.conversation) && r.at <= at)
                    .max_by_key(|r| r.at)
                    .map(|r| r.expert)
            });
            let got = credit(&played.visit.spans, &played.visit.replies, at, window);
            prop_assert_eq!(got.map(|c| c.conversation), covering.map(|c| c.0), "attributable exactly when it falls in a span");
            prop_assert_eq!(got.and_then(|c| c.expert), expected, "the last replier before it across the chain");
            // A repeated report keeps the amount first seen (the store refuses changes).
            let minor = *first_amount.entry(p).or_insert(minor);
            if let Some(expert) = expected {
                played.visit.buy(purchases[p], minor, at);
                prop_assert!(played.experts.contains(&expert));
            }
            if refund {
                let new = payouts(&Payable::Refund { purchase: purchases[p] }, &played.visit.ledger);
                played.visit.ledger.extend(new);
            }
        }
        for p in &purchases {
            let of = |k| played.visit.ledger.iter().filter(|e| e.kind == k && e.purchase == Some(*p)).count();
            prop_assert!(of(EarningKind::Commission) <= 1, "one commission per purchase");
            prop_assert!(of(EarningKind::CommissionReversal) <= of(EarningKind::Commission), "one reversal of what was paid");
        }
    }
}
