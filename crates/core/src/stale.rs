//! Stale-work guardrails: when an open conversation counts as stale for the brand's admins.
//! It is snoozed for longer than the brand's snoozed threshold, or has waited for a reply
//! (from an expert or from the visitor) for longer than the waiting threshold.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{Author, Conversation, ConversationState, DomainError, Instant};

/// Allowed waiting threshold, in minutes (1 minute to 30 days).
pub const STALE_WAITING_MINUTES: RangeInclusive<i64> = 1..=43_200;
/// Allowed snoozed threshold, in minutes (1 minute to 365 days, the longest snooze limit).
pub const STALE_SNOOZED_MINUTES: RangeInclusive<i64> = 1..=525_600;

/// A brand's two stale thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaleThresholds {
    /// A conversation waiting this many minutes for a reply (from an expert or from the
    /// visitor) is stale (1 to 43200; default 1440, one day).
    pub waiting_minutes: i64,
    /// A conversation snoozed this many minutes ago, and still snoozed, is stale (1 to
    /// 525600; default 4320, three days).
    pub snoozed_minutes: i64,
}

impl Default for StaleThresholds {
    fn default() -> Self {
        Self {
            waiting_minutes: 1440,
            snoozed_minutes: 4320,
        }
    }
}

impl StaleThresholds {
    /// These thresholds, provided both lie in their allowed ranges.
    pub fn validated(self) -> Result<Self, DomainError> {
        for (setting, value, range) in [
            (
                "waiting_minutes",
                self.waiting_minutes,
                STALE_WAITING_MINUTES,
            ),
            (
                "snoozed_minutes",
                self.snoozed_minutes,
                STALE_SNOOZED_MINUTES,
            ),
        ] {
            if !range.contains(&value) {
                return Err(DomainError::InvalidSetting {
                    setting,
                    min: *range.start(),
                    max: *range.end(),
                    unit: "",
                });
            }
        }
        Ok(self)
    }
}

/// Why a conversation is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaleReason {
    /// Snoozed longer than the snoozed threshold.
    Snoozed,
    /// The visitor wrote last and no expert has answered for longer than the waiting
    /// threshold.
    AwaitingExpert,
    /// An expert wrote last and the visitor has not answered for longer than the waiting
    /// threshold.
    AwaitingVisitor,
}

/// A stale conversation's reason and since when that holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Staleness {
    /// Why.
    pub reason: StaleReason,
    /// Since when (the snooze, or the message waiting for an answer).
    pub since: Instant,
}

/// Whether `conv` is stale at `now` under `thresholds`; `snoozed_at` is when its current
/// snooze began (only read while it is snoozed). Closed conversations are never stale.
pub fn staleness(
    conv: &Conversation,
    snoozed_at: Option<Instant>,
    thresholds: StaleThresholds,
    now: Instant,
) -> Option<Staleness> {
    let (reason, since, limit) = match conv.state {
        ConversationState::Closed { .. } => return None,
        ConversationState::Snoozed { .. } => (
            StaleReason::Snoozed,
            snoozed_at?,
            thresholds.snoozed_minutes,
        ),
        ConversationState::Queued { .. } | ConversationState::Assigned { .. } => {
            match conv.last_author? {
                Author::Visitor(_) => (
                    StaleReason::AwaitingExpert,
                    conv.last_message_at?,
                    thresholds.waiting_minutes,
                ),
                Author::Expert(_) => (
                    StaleReason::AwaitingVisitor,
                    conv.awaiting_since.or(conv.last_message_at)?,
                    thresholds.waiting_minutes,
                ),
                Author::System => return None,
            }
        }
    };
    (now - since >= Duration::minutes(limit)).then_some(Staleness { reason, since })
}

#[cfg(test)]
mod tests;
