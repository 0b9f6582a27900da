//! Figures for a brand's report over a period, computed from the event log: conversations
//! opened in `[from, to)`, each folded from its timeline (first response, close, snoozes).
//! The folding is plain Rust over parsed events, so both backends give the same numbers.
//! Money and satisfaction figures are in [`commerce`].

pub mod commerce;

use std::collections::BTreeMap;

use ebb_core::{Author, BrandId, Event, Instant};
use serde::Serialize;
use time::Duration;
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

/// A first expert reply later than this after the visitor's first message makes the
/// conversation "handled asynchronously".
pub const ASYNC_REPLY_AFTER: Duration = Duration::minutes(5);

/// What one conversation's timeline says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// When it opened.
    pub started_at: Option<Instant>,
    /// The visitor's first message.
    pub first_visitor_message: Option<Instant>,
    /// The first message by an expert (the automatic message does not count).
    pub first_expert_reply: Option<Instant>,
    /// When it closed.
    pub closed_at: Option<Instant>,
    /// How many times it was snoozed.
    pub snoozes: u32,
}

impl Timeline {
    /// Folds one event (in timeline order).
    pub fn apply(&mut self, event: &Event, at: Instant) {
        match event {
            Event::Started { .. } => self.started_at = self.started_at.or(Some(at)),
            Event::Message {
                author: Author::Visitor(_),
                ..
            } => self.first_visitor_message = self.first_visitor_message.or(Some(at)),
            Event::Message {
                author: Author::Expert(_),
                ..
            } => self.first_expert_reply = self.first_expert_reply.or(Some(at)),
            Event::Snoozed { .. } => self.snoozes += 1,
            Event::Closed { .. } => self.closed_at = Some(at),
            _ => {}
        }
    }

    /// Time from the visitor's first message to the first expert reply.
    pub fn first_response(&self) -> Option<Duration> {
        Some(self.first_expert_reply? - self.first_visitor_message?)
    }

    /// Time from opening to closing.
    pub fn time_to_close(&self) -> Option<Duration> {
        Some(self.closed_at? - self.started_at?)
    }

    /// Snoozed at least once, or first answered more than [`ASYNC_REPLY_AFTER`] after the
    /// visitor's first message.
    pub fn handled_async(&self) -> bool {
        self.snoozes > 0 || self.first_response().is_some_and(|d| d > ASYNC_REPLY_AFTER)
    }
}

/// Count, mean and median of a set of durations, in seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DurationStats {
    /// How many conversations have this duration.
    pub count: usize,
    /// Mean in seconds (`null` when count is 0).
    pub mean_seconds: Option<f64>,
    /// Median in seconds (`null` when count is 0).
    pub median_seconds: Option<f64>,
}

impl DurationStats {
    /// Stats of `durations`.
    pub fn of(mut durations: Vec<Duration>) -> Self {
        durations.sort();
        let count = durations.len();
        let secs = |d: Duration| d.as_seconds_f64();
        let mean =
            (count > 0).then(|| durations.iter().copied().map(secs).sum::<f64>() / count as f64);
        let median = match count {
            0 => None,
            n if n % 2 == 1 => Some(secs(durations[n / 2])),
            n => Some((secs(durations[n / 2 - 1]) + secs(durations[n / 2])) / 2.0),
        };
        Self {
            count,
            mean_seconds: mean,
            median_seconds: median,
        }
    }
}

/// The conversation part of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationFigures {
    /// Conversations opened in the period.
    pub conversations: usize,
    /// Of those, how many are closed (at the time of the report).
    pub closed: usize,
    /// Visitor's first message to the first expert reply.
    pub first_response: DurationStats,
    /// Opening to closing.
    pub time_to_close: DurationStats,
    /// How many were handled asynchronously (see [`Timeline::handled_async`]).
    pub handled_async: usize,
    /// `handled_async / conversations` (`null` when there are none).
    pub async_share: Option<f64>,
    /// Snoozes over all of them.
    pub snoozes: u64,
    /// `snoozes / conversations` (`null` when there are none).
    pub snoozes_per_conversation: Option<f64>,
}

impl ConversationFigures {
    /// Figures of these timelines.
    pub fn of<'a>(timelines: impl IntoIterator<Item = &'a Timeline>) -> Self {
        let all: Vec<&Timeline> = timelines.into_iter().collect();
        let n = all.len();
        let ratio = |x: f64| (n > 0).then(|| x / n as f64);
        let handled_async = all.iter().filter(|t| t.handled_async()).count();
        let snoozes: u64 = all.iter().map(|t| u64::from(t.snoozes)).sum();
        Self {
            conversations: n,
            closed: all.iter().filter(|t| t.closed_at.is_some()).count(),
            first_response: DurationStats::of(
                all.iter().filter_map(|t| t.first_response()).collect(),
            ),
            time_to_close: DurationStats::of(
                all.iter().filter_map(|t| t.time_to_close()).collect(),
            ),
            handled_async,
            async_share: ratio(handled_async as f64),
            snoozes,
            snoozes_per_conversation: ratio(snoozes as f64),
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    conversation_id: Uuid,
    data: String,
    created_at: i64,
}

/// The timelines of the brand's conversations opened in `[from, to)`, by conversation id.
pub async fn timelines(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<BTreeMap<Uuid, Timeline>> {
    let rows = run!(h, |c| sqlx::query_as::<_, EventRow>(
        "SELECT e.conversation_id, e.data, e.created_at FROM events e \
         JOIN conversations c ON c.id = e.conversation_id AND c.brand_id = e.brand_id \
         WHERE e.brand_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         ORDER BY e.conversation_id, e.seq"
    )
    .bind(brand.0)
    .bind(to_micros(from))
    .bind(to_micros(to))
    .fetch_all(c)
    .await)?;
    let mut out: BTreeMap<Uuid, Timeline> = BTreeMap::new();
    for row in rows {
        let event: Event = serde_json::from_str(&row.data)?;
        out.entry(row.conversation_id)
            .or_default()
            .apply(&event, from_micros(row.created_at)?);
    }
    Ok(out)
}

/// The conversation figures of `brand` for `[from, to)`.
pub async fn conversation_figures(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<ConversationFigures> {
    let all = timelines(h, brand, from, to).await?;
    Ok(ConversationFigures::of(all.values()))
}

#[cfg(test)]
mod tests {
    use ebb_core::{ExpertId, MessageBody, VisitorId};
    use time::macros::datetime;

    use super::*;

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
        let visitor = Author::Visitor(VisitorId::new());
        let expert = Author::Expert(ExpertId::new());
        let mut quick = Timeline::default();
        quick.apply(
            &Event::Started {
                visitor: VisitorId::new(),
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
}
