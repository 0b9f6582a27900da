//! Brand settings the domain needs (the automatic message, snooze limits and budget, the
//! offline grace, how long woken conversations wait for their expert, purchase windows)
//! and the one place their allowed ranges are checked.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::snooze::{BudgetMode, DEFAULT_SNOOZE_BUDGET, SnoozeBudget};
use crate::{BrandId, DomainError};

/// A brand: the tenant that owns experts, visitors and conversations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Brand {
    /// Identity.
    pub id: BrandId,
    /// URL-safe short name, used by the widget (`data-brand`).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Domain settings.
    pub settings: BrandSettings,
}

/// The placeholder replaced by the brand's typical reply time in the automatic message.
pub const TYPICAL_REPLY_TIME_PLACEHOLDER: &str = "{typical_reply_time}";

/// Default automatic message shown after a visitor's first message.
pub const DEFAULT_AUTO_MESSAGE: &str = "Thanks for your message! Nobody may be free right this minute, \
but you don't need to wait here: leave us your question and come back whenever suits you. \
The team typically replies in {typical_reply_time}.";

/// A brand's configuration as the domain sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrandSettings {
    /// Automatic message template; may contain `{typical_reply_time}`.
    pub auto_message: String,
    /// Human wording of the usual reply delay, e.g. "a few hours".
    pub typical_reply_time: String,
    /// Longest custom snooze allowed, in days.
    pub max_snooze_days: i64,
    /// How long an expert may stay offline before conversations that woke up for them go
    /// back to the brand queue (with priority) instead of waiting, in minutes.
    pub offline_grace_minutes: i64,
    /// How long a woken conversation waits for its own expert while they are full or away
    /// before it goes back to the brand queue (with priority), in minutes.
    pub woken_wait_minutes: i64,
    /// How long after a conversation ends a purchase still earns its expert a commission,
    /// in hours.
    pub purchase_window_hours: i64,
    /// How many times in a row a conversation may come back from a snooze without a word
    /// from the visitor before closing is due.
    pub snooze_budget: u32,
    /// Whether a snooze beyond the budget is only advised against or refused.
    pub snooze_budget_mode: BudgetMode,
    /// Days after a conversation closed after which its text (messages, CSAT comment) is
    /// erased; 0 keeps everything (see [`crate::privacy`]).
    #[serde(default)]
    pub retention_days: i64,
    /// Whether experts see the visitor's country, as a trusted proxy of the operator
    /// reports it (no lookups; off by default).
    #[serde(default)]
    pub share_visitor_country: bool,
}

/// Allowed length of the automatic message template, in characters.
pub const AUTO_MESSAGE_CHARS: RangeInclusive<i64> = 1..=2000;
/// Allowed length of the typical reply time wording, in characters.
pub const TYPICAL_REPLY_TIME_CHARS: RangeInclusive<i64> = 1..=100;
/// Allowed longest custom snooze, in days.
pub const MAX_SNOOZE_DAYS: RangeInclusive<i64> = 1..=365;
/// Allowed offline grace, in minutes (up to a week).
pub const OFFLINE_GRACE_MINUTES: RangeInclusive<i64> = 0..=10_080;
/// Allowed wait of a woken conversation for its full or away expert, in minutes (up to a week).
pub const WOKEN_WAIT_MINUTES: RangeInclusive<i64> = 0..=10_080;
/// Allowed purchase window, in hours (up to 30 days).
pub const PURCHASE_WINDOW_HOURS: RangeInclusive<i64> = 0..=720;
/// Allowed snooze budget, in silent returns in a row.
pub const SNOOZE_BUDGET: RangeInclusive<i64> = 1..=10;
/// Most allowed widget origins per brand.
pub const MAX_ORIGINS: usize = 50;

/// `Ok` when `value` lies in `range`, else the setting's range error.
fn in_range(
    setting: &'static str,
    value: i64,
    range: &RangeInclusive<i64>,
    unit: &'static str,
) -> Result<(), DomainError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(DomainError::InvalidSetting {
        setting,
        min: *range.start(),
        max: *range.end(),
        unit,
    })
}

/// The length of `text` in characters, for range checks.
fn chars(text: &str) -> i64 {
    i64::try_from(text.chars().count()).unwrap_or(i64::MAX)
}

impl Default for BrandSettings {
    fn default() -> Self {
        Self {
            auto_message: DEFAULT_AUTO_MESSAGE.to_owned(),
            typical_reply_time: "a few hours".to_owned(),
            max_snooze_days: 30,
            offline_grace_minutes: 120,
            woken_wait_minutes: 120,
            purchase_window_hours: 48,
            snooze_budget: DEFAULT_SNOOZE_BUDGET,
            snooze_budget_mode: BudgetMode::Suggest,
            retention_days: 0,
            share_visitor_country: false,
        }
    }
}

impl BrandSettings {
    /// The automatic message with its placeholder filled in.
    pub fn render_auto_message(&self) -> String {
        self.auto_message
            .replace(TYPICAL_REPLY_TIME_PLACEHOLDER, &self.typical_reply_time)
    }

    /// The longest custom snooze allowed.
    pub fn max_snooze(&self) -> Duration {
        Duration::days(self.max_snooze_days)
    }

    /// How long after a conversation ends a purchase still counts for it.
    pub fn purchase_window(&self) -> Duration {
        Duration::hours(self.purchase_window_hours)
    }

    /// How long an expert may be offline before their woken conversations are released.
    pub fn offline_grace(&self) -> Duration {
        Duration::minutes(self.offline_grace_minutes)
    }

    /// How long a woken conversation waits for its full or away expert.
    pub fn woken_wait(&self) -> Duration {
        Duration::minutes(self.woken_wait_minutes)
    }

    /// The brand's snooze budget and how it is enforced.
    pub fn budget(&self) -> SnoozeBudget {
        SnoozeBudget {
            budget: self.snooze_budget,
            mode: self.snooze_budget_mode,
        }
    }

    /// These settings with the reply time wording trimmed, provided every one lies in its
    /// allowed range (a blank automatic message or reply time is too short).
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.typical_reply_time = self.typical_reply_time.trim().to_owned();
        let message = if self.auto_message.trim().is_empty() {
            0
        } else {
            chars(&self.auto_message)
        };
        let texts = " characters";
        in_range("auto_message", message, &AUTO_MESSAGE_CHARS, texts)?;
        let reply = chars(&self.typical_reply_time);
        in_range(
            "typical_reply_time",
            reply,
            &TYPICAL_REPLY_TIME_CHARS,
            texts,
        )?;
        in_range(
            "max_snooze_days",
            self.max_snooze_days,
            &MAX_SNOOZE_DAYS,
            "",
        )?;
        let grace = self.offline_grace_minutes;
        in_range("offline_grace_minutes", grace, &OFFLINE_GRACE_MINUTES, "")?;
        let wait = self.woken_wait_minutes;
        in_range("woken_wait_minutes", wait, &WOKEN_WAIT_MINUTES, "")?;
        let window = self.purchase_window_hours;
        in_range("purchase_window_hours", window, &PURCHASE_WINDOW_HOURS, "")?;
        let budget = i64::from(self.snooze_budget);
        in_range("snooze_budget", budget, &SNOOZE_BUDGET, "")?;
        crate::privacy::check_retention_days(self.retention_days)?;
        Ok(self)
    }
}

/// The allowed widget origins, each checked to be `scheme://host[:port]` (http or https,
/// nothing after the authority), lower-cased and without a trailing slash.
pub fn parse_origins(origins: &[String]) -> Result<Vec<String>, DomainError> {
    if origins.len() > MAX_ORIGINS {
        return Err(DomainError::TooManyOrigins { max: MAX_ORIGINS });
    }
    origins
        .iter()
        .map(|text| {
            let origin = text.trim_end_matches('/');
            if is_origin(origin) {
                Ok(origin.to_ascii_lowercase())
            } else {
                Err(DomainError::InvalidOrigin(text.clone()))
            }
        })
        .collect()
}

/// `scheme://host[:port]` with scheme http or https and nothing after the authority.
fn is_origin(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|host| {
        !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    })
}

#[cfg(test)]
mod tests;
