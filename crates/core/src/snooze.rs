//! Snooze rules: the choices (three hours, a day, a date, or until the visitor is back with
//! an at-most date), the limits on a date, and the brand's snooze budget (how many silent
//! returns in a row before closing is due).

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
        #[serde(with = "crate::instant::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: Instant,
    },
    /// Until the visitor is back on the site, or at the latest `at_most` (bounded like a
    /// chosen instant).
    UntilReturn {
        /// When the snooze ends if the visitor has not come back by then.
        #[serde(with = "crate::instant::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        at_most: Instant,
    },
}

impl SnoozeChoice {
    /// When a snooze chosen at `now` ends, checked against the brand's `max` length.
    pub fn resolve(self, now: Instant, max: Duration) -> Result<Instant, DomainError> {
        let until = match self {
            Self::ThreeHours => now + Duration::hours(3),
            Self::OneDay => now + Duration::days(1),
            Self::Until { until } | Self::UntilReturn { at_most: until } => until,
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

    /// True when the snooze also ends as soon as the visitor is back.
    pub fn wakes_on_return(self) -> bool {
        matches!(self, Self::UntilReturn { .. })
    }
}

/// What a brand does once a conversation has used up its snooze budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BudgetMode {
    /// Only the suggestion changes: the playbook says "close with a goodbye".
    #[default]
    Suggest,
    /// A snooze beyond the budget is refused.
    Refuse,
}

impl BudgetMode {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suggest => "suggest",
            Self::Refuse => "refuse",
        }
    }

    /// The mode named by its text form, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "suggest" => Some(Self::Suggest),
            "refuse" => Some(Self::Refuse),
            _ => None,
        }
    }
}

/// A brand's snooze budget: how many times in a row a conversation may come back from a
/// snooze without a word from the visitor before closing is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnoozeBudget {
    /// Silent returns in a row allowed.
    pub budget: u32,
    /// Suggest closing only, or also refuse a further snooze.
    pub mode: BudgetMode,
}

impl Default for SnoozeBudget {
    fn default() -> Self {
        Self {
            budget: DEFAULT_SNOOZE_BUDGET,
            mode: BudgetMode::Suggest,
        }
    }
}

/// The snooze budget a brand starts with.
pub const DEFAULT_SNOOZE_BUDGET: u32 = 2;

/// Where a conversation stands against its brand's snooze budget (sent with suggestions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetState {
    /// Silent returns in a row so far.
    pub used: u32,
    /// Silent returns in a row allowed.
    pub budget: u32,
    /// True when a snooze beyond the budget is refused, not just advised against.
    pub enforced: bool,
    /// False when core would refuse a snooze now (enforced and spent).
    pub snooze_allowed: bool,
}

impl SnoozeBudget {
    /// True once the conversation came back silent `budget` times in a row.
    pub fn spent(self, silent_expiries: u32) -> bool {
        silent_expiries >= self.budget
    }

    /// Refuses a snooze beyond the budget when the brand enforces it.
    pub fn check(self, silent_expiries: u32) -> Result<(), DomainError> {
        if self.mode == BudgetMode::Refuse && self.spent(silent_expiries) {
            return Err(DomainError::SnoozeBudgetSpent {
                budget: self.budget,
            });
        }
        Ok(())
    }

    /// The budget state for a conversation with `silent_expiries` silent returns in a row.
    pub fn state(self, silent_expiries: u32) -> BudgetState {
        BudgetState {
            used: silent_expiries,
            budget: self.budget,
            enforced: self.mode == BudgetMode::Refuse,
            snooze_allowed: self.check(silent_expiries).is_ok(),
        }
    }
}

/// How many due wake-ups each of `brands` brands may claim in one batch of `batch`: an
/// equal share (rounded up, at least one), so one brand's storm delays another brand's
/// wake-up by one batch at most.
pub fn wake_share(batch: u32, brands: usize) -> u32 {
    let brands = u32::try_from(brands.max(1)).unwrap_or(u32::MAX);
    batch.div_ceil(brands).max(1)
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

    #[test]
    fn until_return_is_bounded_like_a_date_and_wakes_on_return() {
        let max = Duration::days(30);
        let at_most = |at_most| SnoozeChoice::UntilReturn { at_most }.resolve(NOW, max);
        assert_eq!(at_most(NOW), Err(DomainError::SnoozeInPast));
        assert_eq!(
            at_most(NOW + Duration::days(2)),
            Ok(NOW + Duration::days(2))
        );
        assert_eq!(
            at_most(NOW + Duration::days(30) + Duration::seconds(1)),
            Err(DomainError::SnoozeTooFar { max_days: 30 })
        );
        let back = SnoozeChoice::UntilReturn { at_most: NOW };
        assert!(back.wakes_on_return());
        assert!(!SnoozeChoice::OneDay.wakes_on_return());
        assert!(!SnoozeChoice::Until { until: NOW }.wakes_on_return());
    }

    #[test]
    fn the_budget_is_spent_after_budget_silent_returns() {
        let suggest = SnoozeBudget::default();
        let refuse = SnoozeBudget {
            mode: BudgetMode::Refuse,
            ..suggest
        };
        assert!(!suggest.spent(1));
        assert!(suggest.spent(2));
        assert_eq!(suggest.check(5), Ok(()), "suggest never refuses");
        assert_eq!(refuse.check(1), Ok(()));
        assert_eq!(
            refuse.check(2),
            Err(DomainError::SnoozeBudgetSpent { budget: 2 })
        );
        let state = refuse.state(1);
        assert_eq!((state.used, state.budget, state.enforced), (1, 2, true));
        assert!(state.snooze_allowed);
        assert!(!refuse.state(2).snooze_allowed);
        assert!(suggest.state(2).snooze_allowed);
    }

    #[test]
    fn budget_modes_round_trip_their_text() {
        for mode in [BudgetMode::Suggest, BudgetMode::Refuse] {
            assert_eq!(BudgetMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(BudgetMode::parse("never"), None);
    }

    proptest::proptest! {
        /// Every due brand gets a share, the shares together fill a batch, and no brand's
        /// share is more than its equal part (rounded up).
        #[test]
        fn wake_shares_are_equal_and_fill_the_batch(batch in 1u32..5000, brands in 1usize..3000) {
            let share = wake_share(batch, brands);
            let n = u64::try_from(brands).unwrap_or(u64::MAX);
            proptest::prop_assert!(share >= 1);
            proptest::prop_assert!(u64::from(share) * n >= u64::from(batch));
            proptest::prop_assert!(u64::from(share - 1) * n < u64::from(batch));
        }
    }
}
