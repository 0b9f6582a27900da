//! Typed domain errors: every illegal transition has its own variant.

use crate::{ConversationId, ExpertId};

/// Why the domain refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A visitor tried to close a conversation; only experts and admins may.
    #[error("a visitor cannot close a conversation")]
    VisitorCannotClose,
    /// The conversation is closed; nothing more can happen to it.
    #[error("conversation {0} is closed")]
    ConversationClosed(ConversationId),
    /// The expert already holds as many conversations as their capacity allows.
    #[error("expert {expert} is at capacity ({capacity})")]
    OverCapacity {
        /// The expert that is full.
        expert: ExpertId,
        /// Their capacity.
        capacity: u32,
    },
    /// The expert already holds as many async conversations as their async cap allows;
    /// their remaining slots are kept for real-time visitors.
    #[error("expert {expert} already holds {cap} async conversations (their async cap)")]
    AsyncCapReached {
        /// The expert.
        expert: ExpertId,
        /// Their async cap.
        cap: u32,
    },
    /// An async cap larger than the expert's capacity.
    #[error("the async cap must be at most the capacity ({capacity})")]
    InvalidAsyncCap {
        /// The expert's capacity.
        capacity: u32,
    },
    /// The visitor already has an open conversation with this brand: write to that one.
    #[error("conversation {0} is still open: write to it instead of starting another")]
    ConversationAlreadyOpen(ConversationId),
    /// The snooze end is not in the future.
    #[error("a snooze must end in the future")]
    SnoozeInPast,
    /// The snooze end is further than the brand allows.
    #[error("a snooze may last at most {max_days} days")]
    SnoozeTooFar {
        /// The brand's limit, in whole days.
        max_days: i64,
    },
    /// The expert is away, offline or disabled: they take no conversation now.
    #[error("expert {0} is not available to take a conversation")]
    ExpertUnavailable(ExpertId),
    /// The actor is not the expert this conversation belongs to.
    #[error("conversation is not assigned to this expert")]
    NotAssignedToExpert,
    /// The command does not apply in the conversation's current state.
    #[error("cannot {action} a conversation that is {status}")]
    InvalidTransition {
        /// What was attempted.
        action: &'static str,
        /// The conversation's current status.
        status: &'static str,
    },
    /// This actor may not perform this command.
    #[error("{0} may not do this")]
    Forbidden(&'static str),
    /// A message body is empty after trimming.
    #[error("message is empty")]
    EmptyMessage,
    /// A message body is longer than allowed.
    #[error("message is longer than {max} characters")]
    MessageTooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// An amount or currency that is not acceptable.
    #[error("invalid money: {0}")]
    InvalidMoney(&'static str),
    /// An expert capacity outside the allowed range.
    #[error("capacity must be between 0 and {max}")]
    InvalidCapacity {
        /// The largest capacity allowed.
        max: u32,
    },
    /// The conversation came back silent as often in a row as the brand allows, and the
    /// brand refuses a further snooze: close it (with a goodbye) instead.
    #[error(
        "this conversation came back {budget} times in a row without a word from the visitor; \
         close it with a goodbye instead of snoozing again"
    )]
    SnoozeBudgetSpent {
        /// The brand's budget.
        budget: u32,
    },
    /// A tag name that is empty, too long or holds control characters.
    #[error("a tag name is 1 to {max} characters without control characters")]
    InvalidTagName {
        /// The longest name, in characters.
        max: usize,
    },
    /// The brand already defines as many tags as allowed.
    #[error("a brand defines at most {max} tags")]
    TooManyTags {
        /// The limit.
        max: usize,
    },
    /// A brand setting outside its allowed range.
    #[error("{setting} must be {min} to {max}{unit}")]
    InvalidSetting {
        /// The setting's name.
        setting: &'static str,
        /// The smallest value (or length) allowed.
        min: i64,
        /// The largest value (or length) allowed.
        max: i64,
        /// What the bounds count, e.g. `" characters"`; empty for plain numbers.
        unit: &'static str,
    },
    /// An allowed widget origin that is not `scheme://host[:port]`.
    #[error("{0} is not an origin like https://shop.example")]
    InvalidOrigin(String),
    /// More allowed widget origins than a brand may have.
    #[error("at most {max} allowed_origins")]
    TooManyOrigins {
        /// The limit.
        max: usize,
    },
    /// A slug, name, e-mail or password that breaks its rule.
    #[error("the {field} {rule}")]
    InvalidAccount {
        /// Which value, e.g. `"password"`.
        field: &'static str,
        /// The rule it breaks, e.g. `"must be 10 to 256 characters"`.
        rule: &'static str,
    },
    /// A visitor context value the widget sent that breaks its rule.
    #[error("the visitor context's {field} {rule}")]
    InvalidContext {
        /// Which value, e.g. `"page_url"`.
        field: &'static str,
        /// The rule it breaks, e.g. `"must be an http or https URL"`.
        rule: &'static str,
    },
    /// A site URL (the page follow-up emails link to) that is not an http or https URL.
    #[error("site_url must be an http or https URL without spaces, at most 2000 bytes")]
    InvalidSiteUrl,
    /// Office hours that break a rule (unknown zone, bad time, overlap, end not after start).
    #[error("invalid office hours: {0}")]
    InvalidSchedule(String),
}
