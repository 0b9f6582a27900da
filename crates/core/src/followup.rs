//! Email follow-up rules: when the widget asks for an address, which expert replies form
//! the next follow-up batch and when it is due, and how often a transcript may be emailed.
//! Pure: the caller passes the replies, the read marker, what was sent and `now`.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{DomainError, Instant};

/// When the widget asks the visitor for an email address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AskEmail {
    /// Never: no email field, no follow-up.
    #[default]
    Never,
    /// After the visitor's first message, when no expert is online.
    AfterFirstMessageWhenNoExpertOnline,
    /// Always offered, never required.
    AlwaysOptional,
}

impl AskEmail {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::AfterFirstMessageWhenNoExpertOnline => {
                "after_first_message_when_no_expert_online"
            }
            Self::AlwaysOptional => "always_optional",
        }
    }

    /// Reads the stored text form (unknown text reads as `Never`).
    pub fn parse(text: &str) -> Self {
        match text {
            "after_first_message_when_no_expert_online" => {
                Self::AfterFirstMessageWhenNoExpertOnline
            }
            "always_optional" => Self::AlwaysOptional,
            _ => Self::Never,
        }
    }

    /// Whether the widget shows the email field now: after the first message (when
    /// `has_written`) with no expert online, or always.
    pub fn shows_field(self, has_written: bool, expert_online: bool) -> bool {
        match self {
            Self::Never => false,
            Self::AfterFirstMessageWhenNoExpertOnline => has_written && !expert_online,
            Self::AlwaysOptional => true,
        }
    }
}

/// The shortest follow-up delay, in minutes.
pub const MIN_DELAY_MINUTES: u32 = 1;
/// The longest follow-up delay, in minutes (one week).
pub const MAX_DELAY_MINUTES: u32 = 7 * 24 * 60;
/// The default follow-up delay, in minutes.
pub const DEFAULT_DELAY_MINUTES: u32 = 5;
/// The longest consent text, in characters.
pub const MAX_CONSENT_CHARS: usize = 500;
/// The longest site URL, in bytes.
pub const MAX_SITE_URL: usize = 2000;

/// A brand's email settings, checked by `EmailSettings::validate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// When the widget asks for an email address.
    pub ask: AskEmail,
    /// Minutes an expert reply may stay unseen before it is emailed (1 to 10080).
    pub delay_minutes: u32,
    /// The consent text shown under the email field, in English (at most 500 characters).
    pub consent_en: String,
    /// The consent text in French (empty: the English one).
    pub consent_fr: String,
    /// The page of the brand's site that carries the widget, opened by the link in each
    /// email (http or https; empty: the page the conversation started on).
    pub site_url: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            ask: AskEmail::Never,
            delay_minutes: DEFAULT_DELAY_MINUTES,
            consent_en: "We will email you the replies you have not seen. You can stop these emails at any time.".to_owned(),
            consent_fr: "Nous vous enverrons par email les réponses que vous n'avez pas vues. Vous pouvez arrêter ces emails à tout moment.".to_owned(),
            site_url: String::new(),
        }
    }
}

impl EmailSettings {
    /// Trims the texts and checks every range.
    pub fn validate(mut self) -> Result<Self, DomainError> {
        if !(MIN_DELAY_MINUTES..=MAX_DELAY_MINUTES).contains(&self.delay_minutes) {
            return Err(setting(
                "delay_minutes",
                MIN_DELAY_MINUTES as usize,
                MAX_DELAY_MINUTES as usize,
                "",
            ));
        }
        for (name, text) in [
            ("consent_en", &mut self.consent_en),
            ("consent_fr", &mut self.consent_fr),
        ] {
            *text = text.trim().to_owned();
            if text.chars().count() > MAX_CONSENT_CHARS {
                return Err(setting(name, 0, MAX_CONSENT_CHARS, " characters"));
            }
        }
        self.site_url = self.site_url.trim().to_owned();
        let url = &self.site_url;
        let web = url.starts_with("https://") || url.starts_with("http://");
        let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !url.is_empty() && (!web || !clean || url.len() > MAX_SITE_URL) {
            return Err(DomainError::InvalidSiteUrl);
        }
        Ok(self)
    }

    /// The follow-up delay.
    pub fn delay(&self) -> Duration {
        Duration::minutes(i64::from(self.delay_minutes))
    }

    /// The consent text for a language tag (`fr` gets the French one when set).
    pub fn consent(&self, lang: &str) -> &str {
        match lang {
            "fr" if !self.consent_fr.is_empty() => &self.consent_fr,
            _ => &self.consent_en,
        }
    }
}

fn setting(name: &'static str, min: usize, max: usize, unit: &'static str) -> DomainError {
    DomainError::InvalidSetting {
        setting: name,
        min: min as i64,
        max: max as i64,
        unit,
    }
}

/// An expert's reply in a conversation's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Its seq.
    pub seq: u64,
    /// When it was written.
    pub at: Instant,
}

/// The replies a follow-up email carries: all unseen replies not yet emailed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Their seqs, in order.
    pub seqs: Vec<u64>,
}

impl Batch {
    /// The highest seq in the batch (what "sent up to" becomes once it is sent).
    pub fn last_seq(&self) -> u64 {
        self.seqs.last().copied().unwrap_or(0)
    }
}

/// What the follow-up rule says for a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUp {
    /// Nothing to email: every reply was seen or already emailed.
    Nothing,
    /// Unseen replies wait; look again at this instant.
    At(Instant),
    /// Email this batch now.
    Send(Batch),
}

/// The follow-up rule. A reply is pending when its seq is above both the visitor's read
/// marker (`read`) and the last seq already emailed (`sent_up_to`). The batch is due
/// `delay` after the oldest pending reply; then every pending reply goes in it, so one
/// email carries them all and a later reply starts the next batch.
pub fn follow_up(
    replies: &[Reply],
    read: u64,
    sent_up_to: u64,
    delay: Duration,
    now: Instant,
) -> FollowUp {
    let floor = read.max(sent_up_to);
    let mut pending: Vec<Reply> = replies.iter().copied().filter(|r| r.seq > floor).collect();
    pending.sort_by_key(|r| r.seq);
    let Some(oldest) = pending.iter().map(|r| r.at).min() else {
        return FollowUp::Nothing;
    };
    let due = oldest + delay;
    if now < due {
        return FollowUp::At(due);
    }
    FollowUp::Send(Batch {
        seqs: pending.iter().map(|r| r.seq).collect(),
    })
}

/// The least time between two transcript emails of one conversation.
pub const TRANSCRIPT_EVERY: Duration = Duration::minutes(10);

/// Whether a transcript may be emailed now, given when the last one was asked for;
/// `Err(seconds)` to wait otherwise.
pub fn transcript_allowed(last: Option<Instant>, now: Instant) -> Result<(), u64> {
    match last {
        Some(at) if now < at + TRANSCRIPT_EVERY => {
            let wait = (at + TRANSCRIPT_EVERY - now).whole_seconds().max(1);
            Err(u64::try_from(wait).unwrap_or(1))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
