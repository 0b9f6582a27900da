//! The worked examples of docs/earnings.md ("Follow-ups: worked examples"), one test each,
//! with the same times, experts and amounts (a €3.00 contact fee and a 10 % commission).

use std::collections::HashMap;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::earnings::{
    Earning, EarningKind, MissionTerms, Money, Payable, Reply, Span, close_payee, contact_fee,
    credit, payouts,
};
use crate::{Actor, ConversationId, ExpertId, Instant, MissionId, PurchaseId};

const WINDOW: Duration = Duration::hours(48);
const MON_0900: Instant = datetime!(2026-11-23 09:00 UTC);

/// Monday 2026-11-23 plus `days`, at `hh:mm`.
fn day(days: i64, hh: u8, mm: u8) -> Instant {
    let base = MON_0900.replace_time(time::Time::MIDNIGHT) + Duration::days(days);
    let time = time::Time::from_hms(hh, mm, 0).unwrap_or(time::Time::MIDNIGHT);
    base.replace_time(time)
}

/// One visitor's history, replayed through the core rules.
pub(super) struct Visit {
    pub(super) spans: Vec<Span>,
    pub(super) replies: Vec<Reply>,
    pub(super) ledger: Vec<Earning>,
    pub(super) missions: Vec<MissionTerms>,
}

impl Visit {
    /// Every expert works under one mission: €3.00 per contact and 10 % commission.
    pub(super) fn new() -> Self {
        let terms = MissionTerms {
            id: MissionId::new(),
            contact_fee: Some(Money::parse(300, "EUR").expect("fee")),
            commission_bp: Some(1000),
            joined_at: OffsetDateTime::UNIX_EPOCH,
        };
        Self {
            spans: Vec::new(),
            replies: Vec::new(),
            ledger: Vec::new(),
            missions: vec![terms],
        }
    }

    pub(super) fn start(
        &mut self,
        at: Instant,
        previous: Option<ConversationId>,
    ) -> ConversationId {
        let id = ConversationId::new();
        self.spans.push(Span {
            id,
            started_at: at,
            closed_at: None,
            previous,
            closer: None,
        });
        id
    }

    pub(super) fn reply(&mut self, conversation: ConversationId, expert: ExpertId, at: Instant) {
        self.replies.push(Reply {
            conversation,
            at,
            expert,
        });
    }

    /// Closes `id` by `by` while `holder` held it (the payee earns its fee, if due);
    /// returns the fee paid now.
    pub(super) fn close(
        &mut self,
        id: ConversationId,
        by: Actor,
        holder: ExpertId,
        at: Instant,
    ) -> i64 {
        let payee = close_payee(by, Some(holder));
        if let Some(span) = self.spans.iter_mut().find(|s| s.id == id) {
            span.closed_at = Some(at);
            span.closer = payee;
        }
        let Some(payee) = payee else {
            return 0;
        };
        let new = contact_fee(
            &self.spans,
            &self.ledger,
            id,
            payee,
            self.missions.clone(),
            WINDOW,
        );
        let paid = new.iter().map(|e| e.amount.minor).sum();
        self.ledger.extend(new);
        paid
    }

    /// Reports a confirmed purchase; returns who was credited and the commission paid.
    pub(super) fn buy(
        &mut self,
        purchase: PurchaseId,
        minor: i64,
        at: Instant,
    ) -> Option<(ExpertId, i64)> {
        let credit = credit(&self.spans, &self.replies, at, WINDOW)?;
        let expert = credit.expert?;
        let payable = Payable::Purchase {
            purchase,
            conversation: credit.conversation,
            expert,
            amount: Money::parse(minor, "EUR").expect("amount"),
            missions: self.missions.clone(),
        };
        let new = payouts(&payable, &self.ledger);
        let paid = new.iter().map(|e| e.amount.minor).sum();
        self.ledger.extend(new);
        Some((expert, paid))
    }

    /// Contact fees per expert.
    pub(super) fn fees(&self) -> HashMap<ExpertId, i64> {
        let mut out = HashMap::new();
        for e in self
            .ledger
            .iter()
            .filter(|e| e.kind == EarningKind::ContactFee)
        {
            *out.entry(e.expert).or_insert(0) += e.amount.minor;
        }
        out
    }
}

/// Conversation A: Monday 09:00, Ada replies at 09:05 and closes at 09:30 (€3.00 to Ada).
fn monday_with_ada(v: &mut Visit, ada: ExpertId) -> ConversationId {
    let a = v.start(day(0, 9, 0), None);
    v.reply(a, ada, day(0, 9, 5));
    assert_eq!(v.close(a, Actor::Expert(ada), ada, day(0, 9, 30)), 300);
    a
}

#[test]
fn a_purchase_after_a_silent_follow_up_pays_the_last_replier() {
    let (mut v, ada) = (Visit::new(), ExpertId::new());
    let a = monday_with_ada(&mut v, ada);
    let b = v.start(day(0, 18, 0), Some(a));
    let credited = credit(&v.spans, &v.replies, day(1, 10, 0), WINDOW).expect("attributed");
    assert_eq!(credited.conversation, b, "it falls in the follow-up");
    assert_eq!(
        v.buy(PurchaseId::new(), 12_000, day(1, 10, 0)),
        Some((ada, 1_200)),
        "€120.00 on Tuesday 10:00 pays Ada €12.00"
    );
}

#[test]
fn a_follow_up_closed_by_another_expert_pays_its_closer() {
    let (mut v, ada, bob) = (Visit::new(), ExpertId::new(), ExpertId::new());
    assert_eq!(monday_with_ada_then_bob(&mut v, ada, bob), 300);
    assert_eq!(v.fees(), HashMap::from([(ada, 300), (bob, 300)]));
}

#[test]
fn a_follow_up_closed_by_the_same_expert_is_the_same_contact() {
    let (mut v, ada) = (Visit::new(), ExpertId::new());
    let a = monday_with_ada(&mut v, ada);
    let b = v.start(day(1, 9, 0), Some(a));
    v.reply(b, ada, day(1, 9, 5));
    assert_eq!(v.close(b, Actor::Expert(ada), ada, day(1, 9, 15)), 0);
    let c = v.start(day(2, 20, 0), Some(b));
    assert_eq!(
        v.close(c, Actor::Expert(ada), ada, day(2, 20, 30)),
        0,
        "still within 48 h of Tuesday 09:15: the same contact"
    );
    assert_eq!(v.fees(), HashMap::from([(ada, 300)]));
}

#[test]
fn a_follow_up_after_the_window_is_a_new_contact() {
    let (mut v, ada) = (Visit::new(), ExpertId::new());
    let a = monday_with_ada(&mut v, ada);
    let b = v.start(day(2, 9, 31), Some(a));
    assert_eq!(v.close(b, Actor::Expert(ada), ada, day(2, 9, 40)), 300);
    assert_eq!(v.fees(), HashMap::from([(ada, 600)]));
}

/// A as above, then follow-up B: Monday 18:00, Bob replies at 18:10 and closes at 18:20;
/// the contact fee that close pays.
fn monday_with_ada_then_bob(v: &mut Visit, ada: ExpertId, bob: ExpertId) -> i64 {
    let a = monday_with_ada(v, ada);
    let b = v.start(day(0, 18, 0), Some(a));
    v.reply(b, bob, day(0, 18, 10));
    v.close(b, Actor::Expert(bob), bob, day(0, 18, 20))
}

#[test]
fn the_last_replier_before_the_purchase_wins_across_the_chain() {
    let (mut v, ada, bob) = (Visit::new(), ExpertId::new(), ExpertId::new());
    monday_with_ada_then_bob(&mut v, ada, bob);
    assert_eq!(
        v.buy(PurchaseId::new(), 5_000, day(0, 18, 5)),
        Some((ada, 500)),
        "€50.00 at 18:05, before Bob's first reply: Ada"
    );
    assert_eq!(
        v.buy(PurchaseId::new(), 8_000, day(1, 10, 0)),
        Some((bob, 800)),
        "€80.00 on Tuesday: Bob"
    );
}

#[test]
fn a_purchase_after_the_window_earns_nothing() {
    let (mut v, ada, bob) = (Visit::new(), ExpertId::new(), ExpertId::new());
    monday_with_ada_then_bob(&mut v, ada, bob);
    assert_eq!(
        v.buy(PurchaseId::new(), 10_000, day(2, 18, 20)),
        Some((bob, 1_000)),
        "Wednesday 18:20, exactly 48 h after B ended"
    );
    let late = day(2, 18, 20) + Duration::seconds(1);
    assert_eq!(
        credit(&v.spans, &v.replies, late, WINDOW),
        None,
        "one second later"
    );
}

#[test]
fn an_admin_close_pays_the_holder_and_keeps_the_contact() {
    let (mut v, ada) = (Visit::new(), ExpertId::new());
    let a = v.start(day(0, 9, 0), None);
    let admin = Actor::Admin(crate::AdminId::new());
    assert_eq!(v.close(a, admin, ada, day(0, 9, 30)), 300, "Ada held it");
    let b = v.start(day(0, 12, 0), Some(a));
    assert_eq!(v.close(b, Actor::Expert(ada), ada, day(0, 12, 5)), 0);
}
