//! Report figures, defined once: what a conversation's timeline says (first response, time
//! to close, snoozes, handled asynchronously) and how a period's figures (counts, means,
//! medians, async share, CSAT average) are computed from plain rows the store fetched.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Duration;

use crate::{Author, ConversationId, Event, ExpertId, Instant};

/// A first expert reply later than this after the visitor's first message makes the
/// conversation "handled asynchronously".
pub const ASYNC_REPLY_AFTER: Duration = Duration::minutes(5);

/// One timeline entry of a conversation in the report's period, as the store fetched it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportEvent {
    /// The conversation it belongs to.
    pub conversation: ConversationId,
    /// When it happened.
    pub at: Instant,
    /// What happened.
    pub event: Event,
}

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

/// The timeline of each conversation, folded from its events in timeline order.
pub fn timelines<'a>(
    events: impl IntoIterator<Item = &'a ReportEvent>,
) -> BTreeMap<ConversationId, Timeline> {
    let mut out: BTreeMap<ConversationId, Timeline> = BTreeMap::new();
    for row in events {
        out.entry(row.conversation)
            .or_default()
            .apply(&row.event, row.at);
    }
    out
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
    /// Figures of the conversations these events (of the period's conversations) describe.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a ReportEvent>) -> Self {
        Self::of(timelines(events).values())
    }

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

/// CSAT ratings given in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatFigures {
    /// How many ratings.
    pub responses: i64,
    /// Their average, 1 to 5 (`null` when none).
    pub average: Option<f64>,
    /// How many of each rating, index 0 for 1 star to index 4 for 5 stars.
    pub distribution: [i64; 5],
}

impl CsatFigures {
    /// Figures of `(rating, how many)` rows; ratings outside 1 to 5 are ignored.
    pub fn of(counts: impl IntoIterator<Item = (i64, i64)>) -> Self {
        let mut out = Self::default();
        let mut sum = 0;
        for (rating, count) in counts {
            if let Some(slot) = usize::try_from(rating - 1)
                .ok()
                .and_then(|i| out.distribution.get_mut(i))
            {
                *slot += count;
                out.responses += count;
                sum += rating * count;
            }
        }
        out.average = (out.responses > 0).then(|| sum as f64 / out.responses as f64);
        out
    }
}

/// The ratings of one expert, or of the whole brand.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatSummary {
    /// The expert (`None`: the whole brand).
    pub expert_id: Option<ExpertId>,
    /// How many ratings.
    pub count: i64,
    /// Their average, 1 to 5 (0 when nobody rated).
    pub average: f64,
}

/// Per-expert summaries (by expert id) then the brand's, from `(rated expert, rating)` rows.
pub fn csat_summaries(ratings: &[(Option<ExpertId>, i64)]) -> Vec<CsatSummary> {
    let summary = |expert_id, rows: &[i64]| {
        let count = rows.len() as i64;
        let sum: i64 = rows.iter().sum();
        let average = if count == 0 {
            0.0
        } else {
            sum as f64 / count as f64
        };
        CsatSummary {
            expert_id,
            count,
            average,
        }
    };
    let mut per: BTreeMap<ExpertId, Vec<i64>> = BTreeMap::new();
    for (expert, rating) in ratings {
        if let Some(e) = expert {
            per.entry(*e).or_default().push(*rating);
        }
    }
    let all: Vec<i64> = ratings.iter().map(|(_, r)| *r).collect();
    let mut out: Vec<CsatSummary> = per
        .iter()
        .map(|(e, rows)| summary(Some(*e), rows))
        .collect();
    out.push(summary(None, &all));
    out
}

#[cfg(test)]
mod tests;
