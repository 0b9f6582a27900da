//! Property test of the snooze budget: over random sequences of snoozes, expiries, visitor
//! and expert messages, the count of silent returns in a row follows a simple model (an
//! expiry adds one, a visitor message starts again from 0), and so do the playbook's
//! suggestion and core's refusal of a snooze beyond the budget.

use ebb_core::playbook::{Step, suggest};
use ebb_core::slots::Slots;
use ebb_core::{
    Author, BudgetMode, Command, Conversation, ConversationState, DomainError, ExpertId, Instant,
    MessageBody, SnoozeBudget, SnoozeChoice, WakeReason,
};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

#[derive(Clone, Copy, Debug)]
enum Op {
    Snooze,
    Expire,
    VisitorMessage,
    ExpertMessage,
    Wait(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Snooze),
        4 => Just(Op::Expire),
        2 => Just(Op::VisitorMessage),
        2 => Just(Op::ExpertMessage),
        1 => (1u16..600).prop_map(Op::Wait),
    ]
}

/// One conversation with one expert, who takes it back whenever it wakes up.
struct Story {
    conv: Conversation,
    expert: ExpertId,
    budget: SnoozeBudget,
    now: Instant,
    /// The model: silent returns in a row.
    silent: u32,
}

impl Story {
    fn new(budget: SnoozeBudget) -> Self {
        let mut story = Self {
            conv: Conversation::opened("hello", T0),
            expert: ExpertId::new(),
            budget,
            now: T0,
            silent: 0,
        };
        story.take_back();
        story
    }

    fn decide(&mut self, command: Command) -> Result<(), DomainError> {
        let (next, _) = self.conv.decide(command, self.now)?;
        self.conv = next;
        Ok(())
    }

    /// The expert's free slot takes a queued (new or woken) conversation.
    fn take_back(&mut self) {
        if let ConversationState::Queued { .. } = self.conv.state {
            let slots = Slots {
                held: 0,
                capacity: 1,
            };
            let expert = self.expert;
            self.decide(Command::Assign { expert, slots })
                .expect("a free slot takes it");
        }
    }

    fn post(&mut self, author: Author) -> Result<(), DomainError> {
        let client_msg_id = None;
        self.decide(Command::Post {
            author,
            body: body(),
            client_msg_id,
        })
    }

    fn step(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Snooze => self.snooze()?,
            Op::Expire => {
                if let ConversationState::Snoozed { until, .. } = self.conv.state {
                    self.now = self.now.max(until);
                    self.decide(Command::ExpireSnooze).expect("due");
                    self.silent += 1;
                }
            }
            Op::VisitorMessage => {
                self.post(Author::Visitor(self.conv.visitor_id))
                    .expect("a visitor may always write");
                self.silent = 0;
                prop_assert_eq!(self.conv.silent_expiries, 0, "a visitor message resets");
            }
            Op::ExpertMessage => {
                let _ = self.post(Author::Expert(self.expert));
            }
            Op::Wait(minutes) => self.now += Duration::minutes(i64::from(minutes)),
        }
        self.take_back();
        Ok(())
    }

    /// Snoozing an assigned conversation is refused exactly when the brand enforces the
    /// budget and the model says it is spent.
    fn snooze(&mut self) -> Result<(), TestCaseError> {
        if self.conv.state.slot_holder().is_none() {
            return Ok(());
        }
        let command = Command::Snooze {
            expert: self.expert,
            choice: SnoozeChoice::OneDay,
            max: Duration::days(30),
            budget: self.budget,
        };
        let refused = self.budget.mode == BudgetMode::Refuse && self.silent >= self.budget.budget;
        match self.decide(command) {
            Ok(()) => prop_assert!(!refused, "snoozed beyond an enforced budget"),
            Err(DomainError::SnoozeBudgetSpent { budget }) => {
                prop_assert!(refused, "refused within the budget");
                prop_assert_eq!(budget, self.budget.budget);
            }
            Err(other) => prop_assert!(false, "unexpected refusal: {other}"),
        }
        Ok(())
    }

    /// The suggestion (visitor away) follows the model's count.
    fn check(&self) -> Result<(), TestCaseError> {
        prop_assert_eq!(self.conv.silent_expiries, self.silent);
        let Some(suggestion) = suggest(&self.conv, false, self.budget, self.now) else {
            return Ok(());
        };
        prop_assert_eq!(suggestion.budget.used, self.silent);
        prop_assert_eq!(suggestion.budget.budget, self.budget.budget);
        let ConversationState::Assigned { wake, .. } = self.conv.state else {
            return Ok(());
        };
        let expert_waits = matches!(self.conv.last_author, Some(Author::Expert(_)))
            && self.conv.awaiting_since.is_some();
        let silent_return = wake == Some(WakeReason::SnoozeExpired) && self.silent > 0;
        let expected = if !silent_return && !expert_waits {
            Step::Reply
        } else if self.silent >= self.budget.budget {
            Step::CloseWithGoodbye
        } else if self.silent == 0 {
            Step::AnnounceAndSnooze
        } else {
            Step::SnoozeAgain
        };
        prop_assert_eq!(suggestion.step, expected, "silent returns: {}", self.silent);
        Ok(())
    }
}

impl Story {
    fn snooze_under(&mut self, budget: SnoozeBudget) -> Result<(), DomainError> {
        let expert = self.expert;
        self.decide(Command::Snooze {
            expert,
            choice: SnoozeChoice::OneDay,
            max: Duration::days(30),
            budget,
        })
    }
}

#[test]
fn an_enforced_budget_refuses_the_snooze_after_budget_silent_returns() {
    let refuse = SnoozeBudget {
        budget: 2,
        mode: BudgetMode::Refuse,
    };
    let mut story = Story::new(refuse);
    for returns in 1..=2 {
        story.snooze_under(refuse).expect("within the budget");
        story.step(Op::Expire).expect("expires");
        assert_eq!(story.conv.silent_expiries, returns);
    }
    assert_eq!(
        story.snooze_under(refuse),
        Err(DomainError::SnoozeBudgetSpent { budget: 2 })
    );
    let advised = SnoozeBudget {
        mode: BudgetMode::Suggest,
        ..refuse
    };
    let mut lenient = Story {
        conv: story.conv.clone(),
        ..Story::new(advised)
    };
    lenient.expert = story.expert;
    assert_eq!(
        lenient.snooze_under(advised),
        Ok(()),
        "suggest mode never refuses"
    );
    story.step(Op::VisitorMessage).expect("visitor writes");
    assert_eq!(story.conv.silent_expiries, 0, "a visitor message resets");
    assert_eq!(story.snooze_under(refuse), Ok(()));
}

fn body() -> MessageBody {
    MessageBody::parse("hello").expect("valid")
}

fn budget() -> impl Strategy<Value = SnoozeBudget> {
    (1u32..5, any::<bool>()).prop_map(|(budget, refuse)| SnoozeBudget {
        budget,
        mode: if refuse {
            BudgetMode::Refuse
        } else {
            BudgetMode::Suggest
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn suggestion_and_refusal_follow_the_silent_returns_in_a_row(
        budget in budget(),
        ops in prop::collection::vec(op(), 1..80),
    ) {
        let mut story = Story::new(budget);
        for op in ops {
            story.step(op)?;
            story.check()?;
        }
    }
}
