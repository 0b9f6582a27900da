//! Report figures from hand-made timelines: the async threshold, medians, CSAT averages.

use time::Duration;
use time::macros::datetime;

use super::*;
use uuid::Uuid;

use crate::{ExpertId, MessageBody, VisitorId};

fn message(author: Author) -> Event {
    Event::Message {
        author,
        body: MessageBody::parse("hi").expect("body"),
        client_msg_id: None,
    }
}

#[test]
fn a_late_first_reply_or_a_snooze_makes_a_conversation_async() {
    let t0 = datetime!(2026-11-25 09:00 UTC);
    let visitor = Author::Visitor(VisitorId(Uuid::from_u128(1)));
    let expert = Author::Expert(ExpertId(Uuid::from_u128(2)));
    let mut quick = Timeline::default();
    quick.apply(
        &Event::Started {
            visitor: VisitorId(Uuid::from_u128(1)),
        },
        t0,
    );
    quick.apply(&message(visitor), t0);
    quick.apply(&message(Author::System), t0);
    quick.apply(&message(expert), t0 + Duration::minutes(5));
    assert_eq!(quick.first_response(), Some(Duration::minutes(5)));
    assert!(!quick.handled_async(), "exactly 5 minutes is still live");
    let mut late = quick.clone();
    late.first_expert_reply = Some(t0 + Duration::minutes(6));
    assert!(late.handled_async());
    let mut snoozed = quick.clone();
    snoozed.snoozes = 1;
    assert!(snoozed.handled_async());
    let figures = ConversationFigures::of([&quick, &late, &snoozed]);
    assert_eq!(figures.handled_async, 2);
    assert_eq!(figures.first_response.count, 3);
    assert_eq!(figures.first_response.median_seconds, Some(300.0));
    assert_eq!(figures.closed, 0);
    assert_eq!(figures.time_to_close.mean_seconds, None);
}

#[test]
fn figures_from_rows_fold_each_conversation_apart() {
    let t0 = datetime!(2026-11-25 09:00 UTC);
    let (a, b) = (
        ConversationId(Uuid::from_u128(3)),
        ConversationId(Uuid::from_u128(4)),
    );
    let visitor = Author::Visitor(VisitorId(Uuid::from_u128(1)));
    let expert = Author::Expert(ExpertId(Uuid::from_u128(2)));
    let row = |conversation, minutes, event| ReportEvent {
        conversation,
        at: t0 + Duration::minutes(minutes),
        event,
    };
    let rows = [
        row(a, 0, message(visitor)),
        row(b, 0, message(visitor)),
        row(a, 1, message(expert)),
        row(b, 20, message(expert)),
        row(a, 30, message(expert)),
    ];
    let figures = ConversationFigures::from_events(&rows);
    assert_eq!(figures.conversations, 2);
    assert_eq!(
        figures.first_response.mean_seconds,
        Some((60.0 + 1200.0) / 2.0)
    );
    assert_eq!(figures.handled_async, 1, "only b waited over five minutes");
    assert_eq!(figures.async_share, Some(0.5));
    assert_eq!(ConversationFigures::from_events(&[]).async_share, None);
}

#[test]
fn medians_of_even_counts_average_the_middle_two() {
    let stats = DurationStats::of(vec![
        Duration::seconds(40),
        Duration::seconds(10),
        Duration::seconds(20),
        Duration::seconds(30),
    ]);
    assert_eq!(stats.median_seconds, Some(25.0));
    assert_eq!(stats.mean_seconds, Some(25.0));
    assert_eq!(DurationStats::of(vec![]).median_seconds, None);
}

#[test]
fn csat_figures_average_the_ratings_and_ignore_out_of_range_rows() {
    let figures = CsatFigures::of([(5, 2), (1, 1), (7, 4), (0, 3)]);
    assert_eq!(figures.responses, 3);
    assert_eq!(figures.distribution, [1, 0, 0, 0, 2]);
    assert_eq!(figures.average, Some(11.0 / 3.0));
    assert_eq!(CsatFigures::of([]).average, None);
}

#[test]
fn csat_summaries_average_per_expert_then_the_whole_brand() {
    let ada = ExpertId(Uuid::from_u128(1));
    let bob = ExpertId(Uuid::from_u128(2));
    let rows = [(Some(bob), 2), (Some(ada), 5), (None, 1), (Some(ada), 4)];
    let got = csat_summaries(&rows);
    let view: Vec<_> = got
        .iter()
        .map(|s| (s.expert_id, s.count, s.average))
        .collect();
    assert_eq!(
        view,
        vec![(Some(ada), 2, 4.5), (Some(bob), 1, 2.0), (None, 4, 3.0)],
        "experts by id, then the brand (unattributed ratings count for the brand only)"
    );
    let none = csat_summaries(&[]);
    assert_eq!(none.len(), 1);
    assert_eq!((none[0].count, none[0].average), (0, 0.0));
}
