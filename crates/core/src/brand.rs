//! Brand settings the domain needs: the automatic message and snooze limits.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::BrandId;

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
    /// How long after a conversation ends a purchase still earns its expert a commission,
    /// in hours.
    pub purchase_window_hours: i64,
}

impl Default for BrandSettings {
    fn default() -> Self {
        Self {
            auto_message: DEFAULT_AUTO_MESSAGE.to_owned(),
            typical_reply_time: "a few hours".to_owned(),
            max_snooze_days: 30,
            offline_grace_minutes: 120,
            purchase_window_hours: 48,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_message_fills_the_placeholder() {
        let settings = BrandSettings {
            auto_message: "Back in {typical_reply_time}, promise.".into(),
            typical_reply_time: "two hours".into(),
            ..BrandSettings::default()
        };
        assert_eq!(
            settings.render_auto_message(),
            "Back in two hours, promise."
        );
    }

    #[test]
    fn default_message_mentions_the_reply_time() {
        let text = BrandSettings::default().render_auto_message();
        assert!(text.contains("a few hours"));
        assert!(!text.contains('{'));
    }
}
