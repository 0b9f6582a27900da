//! Property tests of transfer: only the holder transfers, never to another brand's expert,
//! never to an unavailable one, never over capacity; and who is paid after a transfer.

use ebb_core::conversation::{TransferNote, TransferTarget};
use ebb_core::earnings::{Reply, close_payee, credited_expert};
use ebb_core::slots::Slots;
use ebb_core::{
    Actor, Author, BrandId, Command, Conversation, ConversationId, ConversationState, DomainError,
    Event, ExpertId, ExpertStatus, Instant, MessageBody, VisitorId,
};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

/// One expert of the test desk: their brand is the conversation's unless `foreign`.
#[derive(Clone, Debug)]
struct Colleague {
    id: ExpertId,
    foreign: bool,
    status: ExpertStatus,
    enabled: bool,
    capacity: u32,
}

fn colleague() -> impl Strategy<Value = Colleague> {
    (
        prop::bool::weighted(0.2),
        prop_oneof![
            3 => Just(ExpertStatus::Available),
            1 => Just(ExpertStatus::Away),
            1 => Just(ExpertStatus::Offline),
        ],
        prop::bool::weighted(0.9),
        0u32..3,
    )
        .prop_map(|(foreign, status, enabled, capacity)| Colleague {
            id: ExpertId::new(),
            foreign,
            status,
            enabled,
            capacity,
        })
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).expect("valid body")
}

/// A conversation of `brand` assigned to `holder`.
fn held_by(brand: BrandId, holder: ExpertId) -> Conversation {
    let (conv, _) = Conversation::start(
        ConversationId::new(),
        brand,
        VisitorId::new(),
        body("Hi"),
        None,
        None,
        T0,
    );
    let slots = Slots {
        held: 0,
        capacity: 1,
    };
    let (conv, _) = conv
        .decide(
            Command::Assign {
                expert: holder,
                slots,
            },
            T0,
        )
        .expect("assign");
    conv
}

#[derive(Clone, Debug)]
enum Op {
    /// Expert `by` transfers conversation `conv` to colleague `to` (none: the queue).
    Transfer {
        conv: usize,
        by: usize,
        to: Option<usize>,
    },
    /// The holder of `conv` replies.
    Reply,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>(), prop::option::weighted(0.8, any::<usize>()))
            .prop_map(|(conv, by, to)| Op::Transfer { conv, by, to }),
        1 => Just(Op::Reply),
    ]
}

/// Slots `expert` holds among `convs`.
fn held(convs: &[Conversation], expert: ExpertId) -> u32 {
    let n = convs
        .iter()
        .filter(|c| c.state.slot_holder() == Some(expert))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

proptest! {
    /// Random transfers among random colleagues: a transfer succeeds only when its expert
    /// held the conversation and the colleague is of the brand, enabled, available and has
    /// a free slot; nobody ever holds more than their capacity (apart from what they held
    /// from the start); a refused transfer changes nothing.
    #[test]
    fn transfers_respect_holder_brand_availability_and_capacity(
        team in prop::collection::vec(colleague(), 2..6),
        start in prop::collection::vec(any::<usize>(), 1..5),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let brand = BrandId::new();
        let other = BrandId::new();
        let mut convs: Vec<Conversation> =
            start.iter().map(|i| held_by(brand, team[i % team.len()].id)).collect();
        let initial: Vec<u32> = team.iter().map(|c| held(&convs, c.id)).collect();
        let mut now = T0;
        for op in ops {
            now += Duration::minutes(1);
            let Op::Transfer { conv, by, to } = op else {
                continue;
            };
            let i = conv % convs.len();
            let by = team[by % team.len()].id;
            let target = to.map(|t| {
                let c = &team[t % team.len()];
                TransferTarget {
                    expert: c.id,
                    brand: if c.foreign { other } else { brand },
                    status: c.status,
                    enabled: c.enabled,
                    slots: Slots { held: held(&convs, c.id), capacity: c.capacity },
                }
            });
            let before = convs[i].clone();
            let note = Some(TransferNote::parse("over to you").expect("note"));
            let result = before.decide(Command::Transfer { by, to: target, note }, now);
            let holder_ok = before.state.slot_holder() == Some(by);
            match result {
                Ok((next, entries)) => {
                    prop_assert!(holder_ok, "only the holder may transfer");
                    prop_assert_eq!(entries.len(), 1);
                    match target {
                        Some(t) => {
                            prop_assert_eq!(t.brand, brand, "never to another brand's expert");
                            prop_assert!(t.enabled && t.status == ExpertStatus::Available);
                            prop_assert!(t.slots.held < t.slots.capacity);
                            prop_assert_eq!(next.state.slot_holder(), Some(t.expert));
                        }
                        None => prop_assert!(next.state.in_brand_queue()),
                    }
                    convs[i] = next;
                }
                Err(_) => prop_assert_eq!(&convs[i], &before),
            }
            for (c, first) in team.iter().zip(&initial) {
                prop_assert!(held(&convs, c.id) <= c.capacity.max(*first), "over capacity");
            }
        }
    }

    /// After transfers, the contact fee goes to the expert who closes (the last holder),
    /// and a purchase's commission to the last expert who replied before it, whoever
    /// holds the conversation then.
    #[test]
    fn after_a_transfer_the_closer_earns_the_fee_and_the_last_replier_the_commission(
        ops in prop::collection::vec(op(), 1..30),
        purchase_minute in 0i64..40,
    ) {
        let brand = BrandId::new();
        let team: Vec<ExpertId> = (0..3).map(|_| ExpertId::new()).collect();
        let mut conv = held_by(brand, team[0]);
        let mut replies: Vec<Reply> = Vec::new();
        let mut now = T0;
        for op in ops {
            now += Duration::minutes(1);
            let Some(holder) = conv.state.slot_holder() else {
                break;
            };
            let command = match op {
                Op::Reply => Command::Post {
                    author: Author::Expert(holder),
                    body: body("Let me check"),
                    client_msg_id: None,
                },
                Op::Transfer { to, .. } => Command::Transfer {
                    by: holder,
                    to: to.map(|t| TransferTarget {
                        expert: team[t % team.len()],
                        brand,
                        status: ExpertStatus::Available,
                        enabled: true,
                        slots: Slots { held: 0, capacity: 5 },
                    }),
                    note: None,
                },
            };
            let Ok((next, entries)) = conv.decide(command, now) else {
                continue;
            };
            for entry in &entries {
                if let Event::Message { author: Author::Expert(e), .. } = entry.event {
                    replies.push(Reply { conversation: conv.id, at: entry.at, expert: e });
                }
            }
            conv = next;
        }
        let purchase = T0 + Duration::minutes(purchase_minute);
        let expected = replies.iter().rev().find(|r| r.at <= purchase).map(|r| r.expert);
        prop_assert_eq!(credited_expert(&replies, purchase), expected);
        if let Some(holder) = conv.state.slot_holder() {
            let by = Actor::Expert(holder);
            let (closed, _) = conv.decide(Command::Close { by }, now).expect("holder closes");
            let ConversationState::Closed { by, .. } = closed.state else {
                return Err(TestCaseError::fail("not closed"));
            };
            prop_assert_eq!(close_payee(by, None), Some(holder));
            let admin = Actor::Admin(ebb_core::AdminId::new());
            prop_assert_eq!(close_payee(admin, conv.state.slot_holder()), Some(holder));
        }
    }
}

#[test]
fn a_note_is_trimmed_and_bounded() {
    assert_eq!(
        TransferNote::parse("  hi ").map(|n| n.as_str().to_owned()),
        Ok("hi".into())
    );
    assert_eq!(TransferNote::parse("   "), Err(DomainError::EmptyMessage));
    let long = "x".repeat(281);
    assert!(matches!(
        TransferNote::parse(&long),
        Err(DomainError::MessageTooLong { max: 280 })
    ));
}

#[test]
fn the_visitor_view_drops_the_note() {
    let brand = BrandId::new();
    let (ada, bob) = (ExpertId::new(), ExpertId::new());
    let conv = held_by(brand, ada);
    let to = Some(TransferTarget {
        expert: bob,
        brand,
        status: ExpertStatus::Available,
        enabled: true,
        slots: Slots {
            held: 0,
            capacity: 1,
        },
    });
    let note = Some(TransferNote::parse("VIP, be kind").expect("note"));
    let (_, entries) = conv
        .decide(
            Command::Transfer {
                by: ada,
                to,
                note: note.clone(),
            },
            T0,
        )
        .expect("transfer");
    let entry = entries.into_iter().next().expect("one entry");
    assert_eq!(
        entry.event,
        Event::Transferred {
            from: ada,
            to: Some(bob),
            note
        }
    );
    let seen = entry.for_visitor();
    assert_eq!(
        seen.event,
        Event::Transferred {
            from: ada,
            to: Some(bob),
            note: None
        }
    );
}
