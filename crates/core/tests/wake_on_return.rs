//! The snooze "until the visitor is back (at most a date)": the visitor's return wakes it
//! once, for its expert, like an expiry; the at-most date is its timer; a reply during it
//! reattributes as usual; the budget and the playbook count it like any snooze. A property
//! test checks, over random stories, that a return wakes exactly the return-snoozes, once.

use ebb_core::playbook::{Step, suggest};
use ebb_core::slots::Slots;
use ebb_core::{
    AssignReason, Author, BudgetMode, Command, Conversation, ConversationState, DomainError, Entry,
    Event, ExpertId, Instant, MessageBody, SnoozeBudget, SnoozeChoice, VisitorId, WakeReason,
};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

struct Story {
    conv: Conversation,
    expert: ExpertId,
    now: Instant,
}

impl Story {
    fn new() -> Self {
        let mut story = Self {
            conv: Conversation::opened("hello", T0),
            expert: ExpertId::new(),
            now: T0,
        };
        story.take_back();
        story
    }

    fn decide(&mut self, command: Command) -> Result<Vec<Entry>, DomainError> {
        let (next, entries) = self.conv.decide(command, self.now)?;
        self.conv = next;
        Ok(entries)
    }

    fn take_back(&mut self) -> Option<AssignReason> {
        if !matches!(self.conv.state, ConversationState::Queued { .. }) {
            return None;
        }
        let slots = Slots {
            held: 0,
            capacity: 1,
        };
        let expert = self.expert;
        let entries = self
            .decide(Command::Assign { expert, slots })
            .expect("a free slot takes it");
        entries.iter().find_map(|e| match e.event {
            Event::Assigned { reason, .. } => Some(reason),
            _ => None,
        })
    }

    fn snooze(&mut self, choice: SnoozeChoice, budget: SnoozeBudget) -> Result<(), DomainError> {
        let expert = self.expert;
        let max = Duration::days(30);
        self.decide(Command::Snooze {
            expert,
            choice,
            max,
            budget,
        })
        .map(drop)
    }

    fn until_return(&mut self) {
        let at_most = self.now + Duration::days(3);
        self.snooze(
            SnoozeChoice::UntilReturn { at_most },
            SnoozeBudget::default(),
        )
        .expect("snoozes");
    }

    fn returns(&mut self) -> Result<Vec<Entry>, DomainError> {
        let visitor = self.conv.visitor_id;
        self.decide(Command::VisitorReturned { visitor })
    }
}

fn body() -> MessageBody {
    MessageBody::parse("hello").expect("valid")
}

fn woken(entries: &[Entry]) -> Vec<WakeReason> {
    entries
        .iter()
        .filter_map(|e| match e.event {
            Event::Woken { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn the_snooze_and_its_event_record_the_return_and_the_at_most_date() {
    let story = Story::new();
    let at_most = T0 + Duration::days(3);
    let entries = story.conv.decide(
        Command::Snooze {
            expert: story.expert,
            choice: SnoozeChoice::UntilReturn { at_most },
            max: Duration::days(30),
            budget: SnoozeBudget::default(),
        },
        T0,
    );
    let (next, entries) = entries.expect("snoozes");
    assert!(next.state.waits_for_return());
    assert_eq!(
        entries.last().map(|e| &e.event),
        Some(&Event::Snoozed {
            expert: story.expert,
            until: at_most,
            count: 1,
            until_return: true,
        })
    );
    assert_eq!(
        next.state,
        ConversationState::Snoozed {
            expert: story.expert,
            until: at_most,
            until_return: true,
        }
    );
}

#[test]
fn the_return_wakes_it_once_for_its_expert() {
    let mut story = Story::new();
    story.until_return();
    let entries = story.returns().expect("wakes");
    assert_eq!(woken(&entries), [WakeReason::VisitorReturned]);
    assert_eq!(story.conv.state.owner(), Some(story.expert));
    assert_eq!(
        story.conv.silent_expiries, 1,
        "no word yet: a silent return"
    );
    assert!(
        matches!(story.returns(), Err(DomainError::InvalidTransition { .. })),
        "a second return changes nothing"
    );
    assert_eq!(story.take_back(), Some(AssignReason::VisitorReturned));
    assert!(story.returns().is_err(), "assigned: nothing to wake");
}

#[test]
fn another_visitor_or_an_ordinary_snooze_does_not_wake() {
    let mut story = Story::new();
    story.until_return();
    let stranger = VisitorId::new();
    assert_eq!(
        story.decide(Command::VisitorReturned { visitor: stranger }),
        Err(DomainError::Forbidden("another visitor"))
    );
    let mut plain = Story::new();
    plain
        .snooze(SnoozeChoice::OneDay, SnoozeBudget::default())
        .expect("snoozes");
    assert!(matches!(
        plain.returns(),
        Err(DomainError::InvalidTransition { .. })
    ));
}

#[test]
fn the_at_most_date_wakes_it_like_any_snooze_and_then_the_return_is_too_late() {
    let mut story = Story::new();
    story.until_return();
    story.now += Duration::days(3);
    let entries = story.decide(Command::ExpireSnooze).expect("due");
    assert_eq!(woken(&entries), [WakeReason::SnoozeExpired]);
    assert!(story.returns().is_err());
}

#[test]
fn a_reply_during_it_reattributes_and_resets_the_silent_count() {
    let mut story = Story::new();
    story.until_return();
    let visitor = Author::Visitor(story.conv.visitor_id);
    let entries = story
        .decide(Command::Post {
            author: visitor,
            body: body(),
            client_msg_id: None,
        })
        .expect("writes");
    assert_eq!(woken(&entries), [WakeReason::VisitorReplied]);
    assert_eq!(story.conv.silent_expiries, 0);
    assert!(story.returns().is_err(), "already awake");
}

#[test]
fn an_enforced_budget_refuses_it_and_the_playbook_nudges_a_returned_visitor() {
    let refuse = SnoozeBudget {
        budget: 1,
        mode: BudgetMode::Refuse,
    };
    let mut story = Story::new();
    story.until_return();
    story.returns().expect("wakes");
    story.take_back();
    let at_most = story.now + Duration::days(1);
    assert_eq!(
        story.snooze(SnoozeChoice::UntilReturn { at_most }, refuse),
        Err(DomainError::SnoozeBudgetSpent { budget: 1 })
    );
    let lenient = SnoozeBudget::default();
    let step = |conv: &Conversation, online| suggest(conv, online, lenient, T0).map(|s| s.step);
    assert_eq!(step(&story.conv, true), Some(Step::Nudge), "back: remind");
    assert_eq!(
        step(&story.conv, false),
        Some(Step::SnoozeAgain),
        "gone again"
    );
    let spent = suggest(&story.conv, true, refuse, T0).map(|s| s.step);
    assert_eq!(spent, Some(Step::CloseWithGoodbye));
}

#[derive(Clone, Copy, Debug)]
enum Op {
    SnoozeUntilReturn,
    SnoozeOneDay,
    Return,
    Expire,
    VisitorMessage,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::SnoozeUntilReturn),
        Just(Op::SnoozeOneDay),
        Just(Op::Return),
        Just(Op::Expire),
        Just(Op::VisitorMessage),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_return_wakes_exactly_the_return_snoozes_once(ops in prop::collection::vec(op(), 1..60)) {
        let mut story = Story::new();
        let mut return_wakes = 0u32;
        let mut return_snoozes = 0u32;
        for op in ops {
            let before = story.conv.state.clone();
            match op {
                Op::SnoozeUntilReturn | Op::SnoozeOneDay if before.slot_holder().is_some() => {
                    let at_most = story.now + Duration::days(2);
                    let choice = match op {
                        Op::SnoozeUntilReturn => SnoozeChoice::UntilReturn { at_most },
                        _ => SnoozeChoice::OneDay,
                    };
                    story.snooze(choice, SnoozeBudget::default()).expect("snoozes");
                    return_snoozes += u32::from(story.conv.state.waits_for_return());
                }
                Op::Return => {
                    let woke = story.returns().map(|e| woken(&e));
                    prop_assert_eq!(woke.is_ok(), before.waits_for_return());
                    if let Ok(reasons) = woke {
                        prop_assert_eq!(reasons, vec![WakeReason::VisitorReturned]);
                        return_wakes += 1;
                    }
                }
                Op::Expire => {
                    if let ConversationState::Snoozed { until, .. } = before {
                        story.now = story.now.max(until);
                        story.decide(Command::ExpireSnooze).expect("due");
                    }
                }
                Op::VisitorMessage => {
                    let author = Author::Visitor(story.conv.visitor_id);
                    let command = Command::Post { author, body: body(), client_msg_id: None };
                    story.decide(command).expect("a visitor may always write");
                }
                _ => {}
            }
            prop_assert!(return_wakes <= return_snoozes, "a return-snooze woke twice");
            story.take_back();
        }
    }
}
