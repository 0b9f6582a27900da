//! The playbook: the next step to suggest to an expert on an assigned conversation, from
//! the visitor's presence, who wrote last and when, and how often it was snoozed. It
//! follows the async best practice: nudge an unresponsive visitor, announce the snooze and
//! snooze 24 h, snooze at most once more, then close with a goodbye and the survey.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{Author, Conversation, ConversationState, Instant, SnoozeChoice, WakeReason};

/// How long an online visitor gets to answer before a nudge is suggested.
pub const NUDGE_AFTER: Duration = Duration::minutes(2);
/// How long an online visitor gets in all before snoozing is suggested.
pub const SNOOZE_AFTER: Duration = Duration::minutes(10);
/// Snoozes after which closing is suggested instead of snoozing again.
pub const MAX_SNOOZES: u32 = 2;

/// The step suggested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The visitor is waiting for an answer.
    Reply,
    /// The visitor is here and may answer any moment.
    Wait,
    /// Remind the visitor you are still here.
    Nudge,
    /// Tell the visitor you will snooze, then snooze 24 hours.
    AnnounceAndSnooze,
    /// It came back without an answer: snooze once more for 24 hours.
    SnoozeAgain,
    /// Say goodbye, ask for the satisfaction survey, and close.
    CloseWithGoodbye,
}

/// A suggestion: the step, the saved reply to send for it, the snooze to choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// What to do.
    pub step: Step,
    /// Key of the saved reply that goes with it.
    pub saved_reply: Option<&'static str>,
    /// The snooze to pick.
    pub snooze: Option<SnoozeChoice>,
}

impl Step {
    fn suggestion(self) -> Suggestion {
        let (saved_reply, snooze) = match self {
            Self::Reply | Self::Wait => (None, None),
            Self::Nudge => (Some(NUDGE), None),
            Self::AnnounceAndSnooze => (Some(ANNOUNCE_SNOOZE), Some(SnoozeChoice::OneDay)),
            Self::SnoozeAgain => (None, Some(SnoozeChoice::OneDay)),
            Self::CloseWithGoodbye => (Some(GOODBYE_SURVEY), None),
        };
        Suggestion {
            step: self,
            saved_reply,
            snooze,
        }
    }
}

/// Key of the nudge saved reply.
pub const NUDGE: &str = "nudge";
/// Key of the saved reply announcing a snooze.
pub const ANNOUNCE_SNOOZE: &str = "announce_snooze";
/// Key of the goodbye saved reply that asks for the survey.
pub const GOODBYE_SURVEY: &str = "goodbye_survey";

/// The saved replies a brand starts with: key, title, text.
pub const DEFAULT_SAVED_REPLIES: [(&str, &str, &str); 3] = [
    (
        NUDGE,
        "Nudge",
        "Are you still there? I'm here whenever you're ready to carry on.",
    ),
    (
        ANNOUNCE_SNOOZE,
        "Announce snooze",
        "Looks like you've stepped away, no problem at all! I'll pause our chat for now. \
         Just write here whenever you're back and I'll pick it up again.",
    ),
    (
        GOODBYE_SURVEY,
        "Goodbye + survey",
        "I haven't heard back, so I'll close our conversation for now. Thank you for reaching \
         out, and feel free to write again anytime! Would you mind rating this conversation?",
    ),
];

/// The next step for `conv` at `now`, or `None` when it is not assigned.
pub fn suggest(conv: &Conversation, visitor_online: bool, now: Instant) -> Option<Suggestion> {
    let ConversationState::Assigned { wake, .. } = conv.state else {
        return None;
    };
    let after_snoozes = || {
        if conv.snooze_count == 0 {
            Step::AnnounceAndSnooze
        } else if conv.snooze_count < MAX_SNOOZES {
            Step::SnoozeAgain
        } else {
            Step::CloseWithGoodbye
        }
    };
    let step = match (wake, conv.last_author, conv.awaiting_since) {
        (Some(WakeReason::SnoozeExpired), _, _) => after_snoozes(),
        (_, Some(Author::Expert(_)), Some(since)) => {
            let waited = now - since;
            let nudged = conv.last_message_at.is_some_and(|last| last > since);
            if !visitor_online || waited >= SNOOZE_AFTER {
                after_snoozes()
            } else if waited >= NUDGE_AFTER && !nudged {
                Step::Nudge
            } else {
                Step::Wait
            }
        }
        _ => Step::Reply,
    };
    Some(step.suggestion())
}

#[cfg(test)]
mod tests;
