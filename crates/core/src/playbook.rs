//! The playbook: the next step to suggest to an expert on an assigned conversation, from
//! the visitor's presence, who wrote last and when, and how many times in a row it came
//! back from a snooze without a word from the visitor. It follows the async best practice:
//! nudge an unresponsive visitor, announce the snooze and snooze 24 h, snooze again until
//! the brand's snooze budget is spent (2 silent returns by default), then close with a
//! goodbye and the survey.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::snooze::{BudgetState, SnoozeBudget};
use crate::{Author, Conversation, ConversationState, Instant, SnoozeChoice, WakeReason};

/// How long an online visitor gets to answer before a nudge is suggested.
pub const NUDGE_AFTER: Duration = Duration::minutes(2);
/// How long an online visitor gets in all before snoozing is suggested.
pub const SNOOZE_AFTER: Duration = Duration::minutes(10);

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

/// A suggestion: the step, the saved reply to send for it, the snooze to choose, and where
/// the conversation stands against the brand's snooze budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// What to do.
    pub step: Step,
    /// Key of the saved reply that goes with it.
    pub saved_reply: Option<&'static str>,
    /// The snooze to pick.
    pub snooze: Option<SnoozeChoice>,
    /// Silent returns in a row so far, the budget, and whether it is enforced.
    pub budget: BudgetState,
}

impl Step {
    fn suggestion(self, budget: BudgetState) -> Suggestion {
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
            budget,
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

/// The saved reply (key, title, text) a brand starts with for `key`, if it is a default.
pub fn default_saved_reply(key: &str) -> Option<(&'static str, &'static str, &'static str)> {
    DEFAULT_SAVED_REPLIES
        .into_iter()
        .find(|(k, _, _)| *k == key)
}

/// The next step for `conv` at `now` under the brand's snooze `budget`, or `None` when it
/// is not assigned.
pub fn suggest(
    conv: &Conversation,
    visitor_online: bool,
    budget: SnoozeBudget,
    now: Instant,
) -> Option<Suggestion> {
    let ConversationState::Assigned { wake, .. } = conv.state else {
        return None;
    };
    let silent = conv.silent_expiries;
    let after_snoozes = || {
        if budget.spent(silent) {
            Step::CloseWithGoodbye
        } else if silent == 0 {
            Step::AnnounceAndSnooze
        } else {
            Step::SnoozeAgain
        }
    };
    let step = match (wake, conv.last_author, conv.awaiting_since) {
        // Back from a silent snooze; once the visitor writes again the count is 0 and the
        // usual rules apply (the visitor waits for a reply).
        // Back because the visitor is on the site again: remind them you are here.
        (Some(WakeReason::VisitorReturned), _, _) if visitor_online && !budget.spent(silent) => {
            Step::Nudge
        }
        (Some(WakeReason::SnoozeExpired | WakeReason::VisitorReturned), _, _) if silent > 0 => {
            after_snoozes()
        }
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
    Some(step.suggestion(budget.state(silent)))
}

#[cfg(test)]
mod tests;
