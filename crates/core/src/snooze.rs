//! Snooze rules: the three choices and the limits on a custom date.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{DomainError, Instant};

/// How long an expert snoozes a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SnoozeChoice {
    /// Three hours from now.
    ThreeHours,
    /// Twenty-four hours from now (the recommended choice).
    OneDay,
    /// A chosen instant.
    Until {
        /// When the snooze ends.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: Instant,
    },
}

impl SnoozeChoice {
    /// When a snooze chosen at `now` ends, checked against the brand's `max` length.
    pub fn resolve(self, now: Instant, max: Duration) -> Result<Instant, DomainError> {
        let until = match self {
            Self::ThreeHours => now + Duration::hours(3),
            Self::OneDay => now + Duration::days(1),
            Self::Until { until } => until,
        };
        if until <= now {
            return Err(DomainError::SnoozeInPast);
        }
        if until - now > max {
            return Err(DomainError::SnoozeTooFar {
                max_days: max.whole_days(),
            });
        }
        Ok(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: Instant = datetime!(2026-11-25 12:00 UTC);

    #[test]
    fn presets_are_three_hours_and_one_day() {
        let max = Duration::days(30);
        assert_eq!(
            SnoozeChoice::ThreeHours.resolve(NOW, max),
            Ok(datetime!(2026-11-25 15:00 UTC))
        );
        assert_eq!(
            SnoozeChoice::OneDay.resolve(NOW, max),
            Ok(datetime!(2026-11-26 12:00 UTC))
        );
    }

    #[test]
    fn custom_date_must_be_future_and_within_limit() {
        let max = Duration::days(30);
        let at = |until| SnoozeChoice::Until { until }.resolve(NOW, max);
        assert_eq!(at(NOW), Err(DomainError::SnoozeInPast));
        assert_eq!(
            at(NOW - Duration::minutes(1)),
            Err(DomainError::SnoozeInPast)
        );
        assert_eq!(at(NOW + Duration::days(30)), Ok(NOW + Duration::days(30)));
        assert_eq!(
            at(NOW + Duration::days(30) + Duration::seconds(1)),
            Err(DomainError::SnoozeTooFar { max_days: 30 })
        );
    }
}
