//! The playbook's rules, one scenario each.

use time::macros::datetime;

use super::*;
use crate::slots::Slots;
use crate::snooze::SnoozeBudget;
use crate::{Command, ExpertId, MessageBody};

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

struct Story {
    conv: Conversation,
    expert: ExpertId,
}

impl Story {
    fn new() -> Self {
        let conv = Conversation::opened("Hi, a question", T0);
        let expert = ExpertId::new();
        let slots = Slots {
            held: 0,
            capacity: 1,
        };
        let (conv, _) = conv
            .decide(Command::Assign { expert, slots }, T0)
            .expect("assign");
        Self { conv, expert }
    }

    fn apply(&mut self, command: Command, at: Instant) {
        self.conv = self.conv.decide(command, at).expect("legal").0;
    }

    fn say(&mut self, author: Author, at: Instant) {
        let body = MessageBody::parse("text").expect("body");
        self.apply(
            Command::Post {
                author,
                body,
                client_msg_id: None,
            },
            at,
        );
    }

    fn expert_says(&mut self, at: Instant) {
        self.say(Author::Expert(self.expert), at);
    }

    fn step(&self, online: bool, at: Instant) -> Option<Step> {
        suggest(&self.conv, online, SnoozeBudget::default(), at).map(|s| s.step)
    }
}

fn min(m: i64) -> Instant {
    T0 + Duration::minutes(m)
}

#[test]
fn a_waiting_visitor_needs_a_reply() {
    let story = Story::new();
    assert_eq!(story.step(true, T0), Some(Step::Reply));
}

#[test]
fn an_online_visitor_gets_time_then_a_nudge_then_the_snooze() {
    let mut story = Story::new();
    story.expert_says(min(1));
    assert_eq!(story.step(true, min(2)), Some(Step::Wait));
    let nudge = suggest(&story.conv, true, SnoozeBudget::default(), min(3)).expect("assigned");
    assert_eq!((nudge.step, nudge.saved_reply), (Step::Nudge, Some(NUDGE)));
    story.expert_says(min(4));
    assert_eq!(
        story.step(true, min(6)),
        Some(Step::Wait),
        "nudged once already"
    );
    let announce = suggest(&story.conv, true, SnoozeBudget::default(), min(11)).expect("assigned");
    assert_eq!(announce.step, Step::AnnounceAndSnooze);
    assert_eq!(announce.saved_reply, Some(ANNOUNCE_SNOOZE));
    assert_eq!(announce.snooze, Some(SnoozeChoice::OneDay));
}

#[test]
fn an_away_visitor_means_snooze_right_away() {
    let mut story = Story::new();
    story.expert_says(min(1));
    assert_eq!(story.step(false, min(1)), Some(Step::AnnounceAndSnooze));
}

#[test]
fn a_visitor_answer_resets_the_clock() {
    let mut story = Story::new();
    story.expert_says(min(1));
    let visitor = Author::Visitor(story.conv.visitor_id);
    story.say(visitor, min(30));
    assert_eq!(story.step(true, min(31)), Some(Step::Reply));
    story.expert_says(min(32));
    assert_eq!(story.step(true, min(33)), Some(Step::Wait));
}

#[test]
fn expired_snoozes_lead_to_one_more_snooze_then_goodbye() {
    let mut story = Story::new();
    let expert = story.expert;
    let one_day = |count: u32| min(i64::from(count) * 24 * 60 + 5);
    for count in 1..=2u32 {
        story.apply(
            Command::Snooze {
                expert,
                choice: SnoozeChoice::OneDay,
                max: Duration::days(30),
                budget: SnoozeBudget::default(),
            },
            one_day(count - 1),
        );
        story.apply(Command::ExpireSnooze, one_day(count));
        let slots = Slots {
            held: 0,
            capacity: 1,
        };
        story.apply(Command::Assign { expert, slots }, one_day(count));
        let expected = if count == 1 {
            Step::SnoozeAgain
        } else {
            Step::CloseWithGoodbye
        };
        assert_eq!(
            story.step(false, one_day(count)),
            Some(expected),
            "after {count}"
        );
    }
    let goodbye =
        suggest(&story.conv, false, SnoozeBudget::default(), one_day(2)).expect("assigned");
    assert_eq!(goodbye.saved_reply, Some(GOODBYE_SURVEY));
}

#[test]
fn only_assigned_conversations_get_suggestions() {
    let mut story = Story::new();
    let expert = story.expert;
    story.apply(
        Command::Snooze {
            expert,
            choice: SnoozeChoice::ThreeHours,
            max: Duration::days(30),
            budget: SnoozeBudget::default(),
        },
        min(1),
    );
    assert_eq!(story.step(false, min(2)), None);
}

impl Story {
    /// Snoozes for a day under `budget`, lets it expire, and takes it back.
    fn silent_return(&mut self, budget: SnoozeBudget, from: Instant) -> Instant {
        let expert = self.expert;
        self.apply(
            Command::Snooze {
                expert,
                choice: SnoozeChoice::OneDay,
                max: Duration::days(30),
                budget,
            },
            from,
        );
        let back = from + Duration::days(1);
        self.apply(Command::ExpireSnooze, back);
        let slots = Slots {
            held: 0,
            capacity: 1,
        };
        self.apply(Command::Assign { expert, slots }, back);
        back
    }
}

#[test]
fn a_visitor_message_between_snoozes_starts_the_count_again() {
    let mut story = Story::new();
    let budget = SnoozeBudget::default();
    let back = story.silent_return(budget, min(1));
    let back = story.silent_return(budget, back);
    assert_eq!(story.step(false, back), Some(Step::CloseWithGoodbye));
    let visitor = Author::Visitor(story.conv.visitor_id);
    story.say(visitor, back + Duration::minutes(1));
    story.expert_says(back + Duration::minutes(2));
    let later = back + Duration::minutes(30);
    let fresh = suggest(&story.conv, false, budget, later).expect("assigned");
    assert_eq!(story.conv.snooze_count, 2, "two snoozes in all");
    assert_eq!(
        (fresh.step, fresh.budget.used),
        (Step::AnnounceAndSnooze, 0),
        "the visitor came back: a fresh start, not a goodbye"
    );
}

#[test]
fn the_brand_budget_decides_when_goodbye_is_due() {
    let mut story = Story::new();
    let budget = SnoozeBudget {
        budget: 3,
        mode: crate::BudgetMode::Suggest,
    };
    let mut at = min(1);
    for (returns, expected) in [
        (1, Step::SnoozeAgain),
        (2, Step::SnoozeAgain),
        (3, Step::CloseWithGoodbye),
    ] {
        at = story.silent_return(budget, at);
        let s = suggest(&story.conv, false, budget, at).expect("assigned");
        assert_eq!((s.step, s.budget.used), (expected, returns), "{returns}");
        assert_eq!((s.budget.budget, s.budget.enforced), (3, false));
    }
}
