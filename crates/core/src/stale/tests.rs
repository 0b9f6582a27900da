//! The stale rule, one case each: snoozed too long, waiting for an expert, waiting for the
//! visitor, thresholds at their edge, closed never stale, ranges checked.

use time::Duration;
use time::macros::datetime;

use super::*;
use crate::slots::Slots;
use crate::snooze::SnoozeBudget;
use crate::{
    Actor, BrandId, Command, ConversationId, ExpertId, MessageBody, SnoozeChoice, VisitorId,
};

const T0: Instant = datetime!(2026-11-25 09:00 UTC);
const LIMITS: StaleThresholds = StaleThresholds {
    waiting_minutes: 60,
    snoozed_minutes: 120,
};

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).expect("valid body")
}

fn assigned(expert: ExpertId) -> Conversation {
    let (conv, _) = Conversation::start(
        ConversationId::new(),
        BrandId::new(),
        VisitorId::new(),
        body("Hello?"),
        None,
        Some(body("An automatic message.")),
        T0,
    );
    let slots = Slots {
        held: 0,
        capacity: 3,
    };
    conv.decide(Command::Assign { expert, slots }, T0)
        .expect("assign")
        .0
}

fn at(minutes: i64) -> Instant {
    T0 + Duration::minutes(minutes)
}

#[test]
fn a_visitor_waiting_for_an_expert_goes_stale_at_the_threshold() {
    let conv = assigned(ExpertId::new());
    assert_eq!(staleness(&conv, None, LIMITS, at(59)), None);
    assert_eq!(
        staleness(&conv, None, LIMITS, at(60)),
        Some(Staleness {
            reason: StaleReason::AwaitingExpert,
            since: T0
        })
    );
}

#[test]
fn an_expert_waiting_for_the_visitor_counts_from_their_first_unanswered_message() {
    let expert = ExpertId::new();
    let conv = assigned(expert);
    let post = |c: &Conversation, m| {
        let cmd = Command::Post {
            author: Author::Expert(expert),
            body: body("Any news?"),
            client_msg_id: None,
        };
        c.decide(cmd, at(m)).expect("post").0
    };
    let conv = post(&post(&conv, 10), 30);
    assert_eq!(staleness(&conv, None, LIMITS, at(69)), None);
    let stale = staleness(&conv, None, LIMITS, at(70)).expect("stale");
    assert_eq!(stale.reason, StaleReason::AwaitingVisitor);
    assert_eq!(stale.since, at(10));
}

#[test]
fn a_snooze_goes_stale_after_the_snoozed_threshold_and_closed_ones_never() {
    let expert = ExpertId::new();
    let snooze = Command::Snooze {
        expert,
        choice: SnoozeChoice::OneDay,
        max: Duration::days(30),
        budget: SnoozeBudget::default(),
    };
    let conv = assigned(expert).decide(snooze, at(5)).expect("snooze").0;
    assert_eq!(staleness(&conv, Some(at(5)), LIMITS, at(124)), None);
    let stale = staleness(&conv, Some(at(5)), LIMITS, at(125)).expect("stale");
    assert_eq!((stale.reason, stale.since), (StaleReason::Snoozed, at(5)));
    let by = Actor::Expert(expert);
    let closed = assigned(expert)
        .decide(Command::Close { by }, at(1))
        .expect("close")
        .0;
    assert_eq!(staleness(&closed, None, LIMITS, at(100_000)), None);
}

#[test]
fn thresholds_outside_their_ranges_are_refused() {
    assert_eq!(LIMITS.validated(), Ok(LIMITS));
    assert!(StaleThresholds::default().validated().is_ok());
    let zero = StaleThresholds {
        waiting_minutes: 0,
        ..LIMITS
    };
    assert!(matches!(
        zero.validated(),
        Err(DomainError::InvalidSetting {
            setting: "waiting_minutes",
            ..
        })
    ));
    let long = StaleThresholds {
        snoozed_minutes: 525_601,
        ..LIMITS
    };
    assert!(long.validated().is_err());
}
