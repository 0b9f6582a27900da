//! Reports: the SQL that fetches a period's rows selects exactly the conversations opened
//! in `[from, to)` of one brand, and core's figures over them equal a brute-force pass over
//! everything stored. The money and satisfaction rows are in `commerce.rs`.

use ebb_core::reports::{ASYNC_REPLY_AFTER, ConversationFigures};
use ebb_core::{Actor, Author, BrandId, ConversationId, Event, Instant, MessageBody, VisitorId};
use ebb_store::reports;
use ebb_store::{Store, conversations, events};
use time::Duration;

use crate::helpers::{T0, backends, conversation, expert, two_brands};

fn minutes(m: i64) -> Instant {
    T0 + Duration::minutes(m)
}

fn message(author: Author) -> Event {
    Event::Message {
        author,
        body: MessageBody::parse("hello").expect("body"),
        client_msg_id: None,
    }
}

/// One conversation started at `start` (minutes after T0) with a first message and the
/// automatic one, then `later` events at their minutes; returns its id and its visitor.
async fn story(
    store: &Store,
    brand: BrandId,
    start: i64,
    later: Vec<(i64, Event)>,
) -> (ConversationId, VisitorId) {
    let later = later.into_iter().map(|(at, e)| (minutes(at), e)).collect();
    let (conv, visitor) = conversation(store, brand, None, minutes(start), later).await;
    (conv.id, visitor)
}

/// The figures computed the slow way: every conversation of the brand, filtered by its
/// opening time, every entry read back one conversation at a time.
async fn brute_force(store: &Store, brand: BrandId, from: Instant, to: Instant) -> Brute {
    let mut conn = store.conn().await.expect("conn");
    let all = conversations::for_brand(&mut conn, brand, None, 10_000)
        .await
        .expect("all");
    let mut out = Brute::default();
    for conv in all
        .iter()
        .filter(|c| c.created_at >= from && c.created_at < to)
    {
        let timeline = events::after(&mut conn, brand, conv.id, 0, 10_000)
            .await
            .expect("timeline");
        let first = |pick: fn(&Author) -> bool| {
            timeline.iter().find_map(|e| match &e.event {
                Event::Message { author, .. } if pick(author) => Some(e.at),
                _ => None,
            })
        };
        let asked = first(|a| matches!(a, Author::Visitor(_)));
        let answered = first(|a| matches!(a, Author::Expert(_)));
        let snoozes = timeline
            .iter()
            .filter(|e| matches!(e.event, Event::Snoozed { .. }))
            .count();
        let response = asked.zip(answered).map(|(q, a)| a - q);
        out.conversations += 1;
        out.snoozes += snoozes as u64;
        out.closed += usize::from(
            timeline
                .iter()
                .any(|e| matches!(e.event, Event::Closed { .. })),
        );
        out.responses.extend(response.map(|d| d.whole_seconds()));
        out.handled_async +=
            usize::from(snoozes > 0 || response.is_some_and(|d| d > ASYNC_REPLY_AFTER));
    }
    out
}

#[derive(Debug, Default)]
struct Brute {
    conversations: usize,
    closed: usize,
    handled_async: usize,
    snoozes: u64,
    responses: Vec<i64>,
}

#[tokio::test]
async fn the_report_rows_give_the_same_figures_as_a_brute_force_pass() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let ada = expert(store, acme.id, "ada@acme.test", 5).await.id;
        let e = Author::Expert(ada);
        let snooze = |at: i64| Event::Snoozed {
            expert: ada,
            until: minutes(at + 60),
            count: 1,
            until_return: false,
        };
        let closed = Event::Closed {
            by: Actor::Expert(ada),
        };
        let other = Author::Visitor(VisitorId::new());
        let (from, to) = (minutes(0), minutes(600));
        // Before the period, at its start, inside it, at its end, and in another brand.
        story(store, acme.id, -1, vec![(2, message(e))]).await;
        story(
            store,
            acme.id,
            0,
            vec![(1, message(Author::System)), (3, message(e))],
        )
        .await;
        story(
            store,
            acme.id,
            10,
            vec![(30, message(e)), (31, message(e)), (40, closed.clone())],
        )
        .await;
        story(
            store,
            acme.id,
            50,
            vec![(51, snooze(51)), (200, message(other)), (201, message(e))],
        )
        .await;
        story(
            store,
            acme.id,
            100,
            vec![
                (101, snooze(101)),
                (300, snooze(300)),
                (400, closed.clone()),
            ],
        )
        .await;
        story(store, acme.id, 599, vec![(599, message(e))]).await;
        story(store, acme.id, 600, vec![(601, message(e))]).await;
        story(
            store,
            globex.id,
            20,
            vec![(90, message(e)), (91, snooze(91))],
        )
        .await;

        let mut conn = store.conn().await.expect("conn");
        let rows = reports::events(&mut conn, acme.id, from, to)
            .await
            .expect("rows");
        drop(conn);
        let figures = ConversationFigures::from_events(&rows);
        let brute = brute_force(store, acme.id, from, to).await;
        let mut responses = brute.responses.clone();
        responses.sort_unstable();
        let mean = responses.iter().sum::<i64>() as f64 / responses.len() as f64;
        assert_eq!(
            (
                figures.conversations,
                figures.closed,
                figures.handled_async,
                figures.snoozes
            ),
            (
                brute.conversations,
                brute.closed,
                brute.handled_async,
                brute.snoozes
            ),
            "{}",
            db.name
        );
        assert_eq!(figures.first_response.count, responses.len(), "{}", db.name);
        assert_eq!(
            figures.first_response.mean_seconds,
            Some(mean),
            "{}",
            db.name
        );
        // The story's own numbers, so the brute force cannot drift with the SQL.
        assert_eq!((brute.conversations, brute.closed), (5, 2), "{}", db.name);
        assert_eq!(
            brute.handled_async, 3,
            "{}: the slow reply and two snoozed",
            db.name
        );
        assert_eq!(responses, vec![0, 180, 1200, 9060], "{}", db.name);
        db.finish().await;
    }
}
