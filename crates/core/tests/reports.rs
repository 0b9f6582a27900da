//! Properties of the report figures over random timelines: they do not depend on how the
//! conversations' rows interleave, a snooze always makes a conversation asynchronous, and
//! shares and means stay within their bounds.

use ebb_core::reports::{ConversationFigures, ReportEvent, timelines};
use ebb_core::{Author, ConversationId, Event, ExpertId, MessageBody, VisitorId};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

/// One conversation's events as (kind, minutes after the previous one): 0 visitor message,
/// 1 expert message, 2 system message, 3 snooze, 4 close.
fn timeline() -> impl Strategy<Value = Vec<(u8, i64)>> {
    prop::collection::vec((0u8..5, 0i64..12), 0..8)
}

fn rows(conversations: &[Vec<(u8, i64)>]) -> Vec<Vec<ReportEvent>> {
    let t0 = datetime!(2026-11-25 09:00 UTC);
    let expert = ExpertId(Uuid::from_u128(7));
    conversations
        .iter()
        .enumerate()
        .map(|(i, events)| {
            let conversation = ConversationId(Uuid::from_u128(100 + i as u128));
            let visitor = VisitorId(Uuid::from_u128(200 + i as u128));
            let said = |author| Event::Message {
                author,
                body: MessageBody::parse("hi").expect("body"),
                client_msg_id: None,
            };
            let mut at = t0;
            let mut out = vec![ReportEvent {
                conversation,
                at,
                event: Event::Started { visitor },
            }];
            for &(kind, gap) in events {
                at += Duration::minutes(gap);
                let event = match kind {
                    0 => said(Author::Visitor(visitor)),
                    1 => said(Author::Expert(expert)),
                    2 => said(Author::System),
                    3 => Event::Snoozed {
                        expert,
                        until: at + Duration::hours(1),
                        count: 1,
                        until_return: false,
                    },
                    _ => Event::Closed {
                        by: ebb_core::Actor::Expert(expert),
                    },
                };
                out.push(ReportEvent {
                    conversation,
                    at,
                    event,
                });
            }
            out
        })
        .collect()
}

/// The rows merged round-robin, keeping each conversation's own order.
fn interleaved(per: &[Vec<ReportEvent>]) -> Vec<ReportEvent> {
    let longest = per.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .flat_map(|i| per.iter().filter_map(move |rows| rows.get(i).cloned()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn figures_do_not_depend_on_how_conversations_interleave(
        conversations in prop::collection::vec(timeline(), 0..5),
    ) {
        let per = rows(&conversations);
        let grouped: Vec<ReportEvent> = per.iter().flatten().cloned().collect();
        let figures = ConversationFigures::from_events(&grouped);
        prop_assert_eq!(&figures, &ConversationFigures::from_events(&interleaved(&per)));
        prop_assert_eq!(figures.conversations, conversations.len());
        prop_assert!(figures.handled_async <= figures.conversations);
        prop_assert!(figures.closed <= figures.conversations);
        prop_assert!(figures.first_response.count <= figures.conversations);
        if let Some(share) = figures.async_share {
            prop_assert!((0.0..=1.0).contains(&share));
        }
    }

    #[test]
    fn a_snooze_makes_its_conversation_asynchronous(
        conversations in prop::collection::vec(timeline(), 1..5),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut per = rows(&conversations);
        let before = timelines(per.iter().flatten());
        let target = pick.index(per.len());
        let last = per[target].last().cloned().expect("started");
        per[target].push(ReportEvent {
            event: Event::Snoozed {
                expert: ExpertId(Uuid::from_u128(7)),
                until: last.at + Duration::hours(1),
                count: 1,
                until_return: false,
            },
            ..last
        });
        let after = timelines(per.iter().flatten());
        for (id, timeline) in &after {
            let was = before[id].handled_async();
            let now_async = timeline.handled_async();
            if *id == per[target][0].conversation {
                prop_assert!(now_async, "snoozed, so asynchronous");
            } else {
                prop_assert_eq!(was, now_async);
            }
        }
    }
}
