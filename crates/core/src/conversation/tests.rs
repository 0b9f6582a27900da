//! Unit tests of the conversation state machine, one rule each.

use time::macros::datetime;

use super::*;
use time::Duration;

use crate::slots::Slots;
use crate::snooze::SnoozeBudget;
use crate::{Actor, AssignReason, SnoozeChoice};

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).expect("valid body")
}

fn started() -> Conversation {
    let (conv, _) = Conversation::start(
        ConversationId::new(),
        BrandId::new(),
        VisitorId::new(),
        body("Hello?"),
        Some("c1".into()),
        Some(body("We typically reply in a few hours.")),
        T0,
    );
    conv
}

/// Slot usage of an expert holding `held` of `capacity` conversations.
fn slots(held: u32, capacity: u32) -> Slots {
    Slots { held, capacity }
}

fn free() -> Slots {
    slots(0, 3)
}

fn assigned(expert: ExpertId) -> Conversation {
    let conv = started();
    let (conv, _) = conv
        .decide(
            Command::Assign {
                expert,
                slots: free(),
            },
            T0,
        )
        .expect("assign");
    conv
}

/// `expert` snoozes for `choice`, with the default limit (30 days) and budget.
fn snooze_cmd(expert: ExpertId, choice: SnoozeChoice) -> Command {
    Command::Snooze {
        expert,
        choice,
        max: Duration::days(30),
        budget: SnoozeBudget::default(),
    }
}

fn snooze(conv: &Conversation, expert: ExpertId, at: Instant) -> Conversation {
    let cmd = snooze_cmd(expert, SnoozeChoice::OneDay);
    conv.decide(cmd, at).expect("snooze").0
}

#[test]
fn start_appends_visitor_message_then_automatic_message() {
    let (conv, entries) = Conversation::start(
        ConversationId::new(),
        BrandId::new(),
        VisitorId::new(),
        body("Hi"),
        None,
        Some(body("auto")),
        T0,
    );
    let kinds: Vec<_> = entries.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["started", "message", "message"]);
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(matches!(
        &entries[2].event,
        Event::Message {
            author: Author::System,
            ..
        }
    ));
    assert_eq!(conv.last_seq, 3);
    assert_eq!(conv.state.status(), Status::Queued);
    assert_eq!(conv.last_author, Some(Author::Visitor(conv.visitor_id)));
}

#[test]
fn the_visitor_waits_from_their_first_unanswered_message() {
    let expert = ExpertId::new();
    let conv = assigned(expert);
    assert_eq!(
        conv.visitor_waiting_since,
        Some(T0),
        "the first message waits"
    );
    let post = |conv: &Conversation, author, at| {
        let cmd = Command::Post {
            author,
            body: body("more"),
            client_msg_id: None,
        };
        conv.decide(cmd, at).expect("post").0
    };
    let visitor = Author::Visitor(conv.visitor_id);
    let again = post(&conv, visitor, T0 + Duration::minutes(5));
    assert_eq!(
        again.visitor_waiting_since,
        Some(T0),
        "a second message waits since the first"
    );
    let answered = post(&again, Author::Expert(expert), T0 + Duration::minutes(9));
    assert_eq!(
        answered.visitor_waiting_since, None,
        "an answer ends the wait"
    );
    let later = T0 + Duration::minutes(20);
    assert_eq!(
        post(&answered, visitor, later).visitor_waiting_since,
        Some(later)
    );
}

#[test]
fn assign_refuses_a_full_expert() {
    let expert = ExpertId::new();
    let full = slots(3, 3);
    let err = started()
        .decide(
            Command::Assign {
                expert,
                slots: full,
            },
            T0,
        )
        .expect_err("full");
    assert_eq!(
        err,
        DomainError::OverCapacity {
            expert,
            capacity: 3
        }
    );
}

#[test]
fn snooze_frees_the_slot_and_counts() {
    let expert = ExpertId::new();
    let conv = snooze(&assigned(expert), expert, T0);
    assert_eq!(conv.state.slot_holder(), None);
    assert_eq!(conv.snooze_count, 1);
    assert_eq!(
        conv.state,
        ConversationState::Snoozed {
            expert,
            until: T0 + Duration::days(1),
            until_return: false,
        }
    );
}

#[test]
fn only_the_holder_may_snooze_and_never_into_the_past() {
    let expert = ExpertId::new();
    let past = SnoozeChoice::Until {
        until: T0 - Duration::hours(1),
    };
    let cases = [
        (
            ExpertId::new(),
            SnoozeChoice::ThreeHours,
            DomainError::NotAssignedToExpert,
        ),
        (expert, past, DomainError::SnoozeInPast),
    ];
    for (by, choice, why) in cases {
        let cmd = snooze_cmd(by, choice);
        assert_eq!(
            assigned(expert).decide(cmd, T0),
            Err(why),
            "{choice:?} by {by:?}"
        );
    }
}

#[test]
fn visitor_reply_during_snooze_goes_back_to_the_same_expert() {
    let expert = ExpertId::new();
    let conv = snooze(&assigned(expert), expert, T0);
    let reply = Command::Post {
        author: Author::Visitor(conv.visitor_id),
        body: body("I'm back"),
        client_msg_id: None,
    };
    let (conv, entries) = conv.decide(reply, T0 + Duration::hours(1)).expect("reply");
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1].event,
        Event::Woken {
            expert,
            reason: WakeReason::VisitorReplied,
        }
    );
    let (conv, entries) = conv
        .decide(
            Command::Assign {
                expert,
                slots: free(),
            },
            T0,
        )
        .expect("reattribute");
    assert_eq!(
        entries[0].event,
        Event::Assigned {
            expert,
            reason: AssignReason::Reattributed,
        }
    );
    assert_eq!(conv.state.slot_holder(), Some(expert));
}

#[test]
fn a_woken_conversation_is_reserved_for_its_expert() {
    let expert = ExpertId::new();
    let conv = snooze(&assigned(expert), expert, T0);
    let (conv, _) = conv
        .decide(Command::ExpireSnooze, T0 + Duration::days(1))
        .expect("expire");
    let other = Command::Assign {
        expert: ExpertId::new(),
        slots: free(),
    };
    assert_eq!(
        conv.decide(other, T0),
        Err(DomainError::NotAssignedToExpert)
    );
}

#[test]
fn expiry_fires_only_when_due_and_once() {
    let expert = ExpertId::new();
    let conv = snooze(&assigned(expert), expert, T0);
    let early = T0 + Duration::days(1) - Duration::seconds(1);
    assert!(matches!(
        conv.decide(Command::ExpireSnooze, early),
        Err(DomainError::InvalidTransition { .. })
    ));
    let due = T0 + Duration::days(1);
    let (conv, entries) = conv.decide(Command::ExpireSnooze, due).expect("due");
    assert_eq!(
        entries[0].event,
        Event::Woken {
            expert,
            reason: WakeReason::SnoozeExpired,
        }
    );
    assert!(conv.decide(Command::ExpireSnooze, due).is_err());
}

#[test]
fn visitors_and_the_system_cannot_close() {
    let conv = assigned(ExpertId::new());
    let by_visitor = Command::Close {
        by: Actor::Visitor(conv.visitor_id),
    };
    assert_eq!(
        conv.decide(by_visitor, T0),
        Err(DomainError::VisitorCannotClose)
    );
    let by_system = Command::Close { by: Actor::System };
    assert!(matches!(
        conv.decide(by_system, T0),
        Err(DomainError::Forbidden(_))
    ));
}

#[test]
fn expert_closes_a_snoozed_conversation_and_it_stays_closed() {
    let expert = ExpertId::new();
    let conv = snooze(&assigned(expert), expert, T0);
    let close = Command::Close {
        by: Actor::Expert(expert),
    };
    let (conv, _) = conv.decide(close.clone(), T0).expect("close");
    assert_eq!(conv.state.status(), Status::Closed);
    assert_eq!(
        conv.decide(close, T0),
        Err(DomainError::ConversationClosed(conv.id))
    );
    let reply = Command::Post {
        author: Author::Visitor(conv.visitor_id),
        body: body("hello again"),
        client_msg_id: None,
    };
    assert_eq!(
        conv.decide(reply, T0),
        Err(DomainError::ConversationClosed(conv.id))
    );
}

#[test]
fn another_expert_cannot_write_or_close() {
    let conv = assigned(ExpertId::new());
    let intruder = ExpertId::new();
    let post = Command::Post {
        author: Author::Expert(intruder),
        body: body("hi"),
        client_msg_id: None,
    };
    assert_eq!(conv.decide(post, T0), Err(DomainError::NotAssignedToExpert));
    let close = Command::Close {
        by: Actor::Expert(intruder),
    };
    assert_eq!(
        conv.decide(close, T0),
        Err(DomainError::NotAssignedToExpert)
    );
}

#[test]
fn admins_reassign_and_unassign_by_hand_within_capacity() {
    let ada = ExpertId::new();
    let bob = ExpertId::new();
    let admin = Actor::Admin(crate::AdminId::new());
    let conv = snooze(&assigned(ada), ada, T0);
    let full = slots(1, 1);
    let to_full = Command::Reassign {
        by: admin,
        to: bob,
        slots: full,
    };
    assert!(matches!(
        conv.decide(to_full, T0),
        Err(DomainError::OverCapacity { .. })
    ));
    let by_expert = Command::Reassign {
        by: Actor::Expert(ada),
        to: bob,
        slots: free(),
    };
    assert!(matches!(
        conv.decide(by_expert, T0),
        Err(DomainError::Forbidden(_))
    ));
    let (moved, entries) = conv
        .decide(
            Command::Reassign {
                by: admin,
                to: bob,
                slots: free(),
            },
            T0,
        )
        .expect("reassign");
    assert_eq!(moved.state.slot_holder(), Some(bob));
    let kinds: Vec<_> = entries.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["unassigned", "assigned"]);
    let (queued, _) = moved
        .decide(Command::Unassign { by: admin }, T0)
        .expect("unassign");
    assert_eq!(
        queued.state,
        ConversationState::Queued {
            for_expert: None,
            wake: None
        }
    );
    assert!(queued.decide(Command::Unassign { by: admin }, T0).is_err());
}
