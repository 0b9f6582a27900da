//! Ebb's pure domain: the conversation state machine, availability slots, routing and
//! snooze rules. No I/O and no clock: every time-dependent function takes `now`.

pub mod account;
pub mod actor;
pub mod brand;
pub mod conversation;
pub mod earnings;
pub mod error;
pub mod event;
pub mod expert;
pub mod followup;
pub mod identity;
pub mod ids;
pub mod instant;
pub mod mail_reply;
pub mod message;
pub mod note;
pub mod playbook;
pub mod privacy;
pub mod profile;
pub mod promise;
pub mod reply_time;
pub mod reports;
pub mod routing;
pub mod schedule;
pub mod search;
pub mod slots;
pub mod snooze;
pub mod stale;
pub mod tag;
pub mod texts;
pub mod transcript;
pub mod visitor_context;

pub use account::{BrandSlug, DisplayName, Email, Password};
pub use actor::Actor;
pub use brand::{Brand, BrandSettings};
pub use conversation::{Command, Conversation, ConversationState, Status};
pub use error::DomainError;
pub use event::{AssignReason, Entry, Event, WakeReason};
pub use expert::{Expert, ExpertStatus};
pub use ids::{
    AdminId, BrandId, ConversationId, ExpertId, MissionId, NoteId, PurchaseId, VisitorId,
};
pub use message::{Author, MessageBody};
pub use snooze::{BudgetMode, BudgetState, SnoozeBudget, SnoozeChoice};

/// The instant type used across the domain: always UTC.
pub type Instant = time::OffsetDateTime;
