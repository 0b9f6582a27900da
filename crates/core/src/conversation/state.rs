//! Where a conversation stands: its state with data, and the bare status.

use serde::{Deserialize, Serialize};

use crate::{Actor, ExpertId, Instant, WakeReason};

/// Where a conversation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ConversationState {
    /// Waiting for a slot: in the brand queue, or reserved for the expert it woke up for.
    Queued {
        /// The expert whose next free slot it waits for (a woken conversation).
        for_expert: Option<ExpertId>,
        /// Why it woke, when it did.
        wake: Option<WakeReason>,
    },
    /// Holds one of the expert's slots.
    Assigned {
        /// The expert.
        expert: ExpertId,
        /// Set when it came back from a snooze and the expert has not acted yet.
        wake: Option<WakeReason>,
    },
    /// Snoozed by its expert: no slot held.
    Snoozed {
        /// The expert who keeps it.
        expert: ExpertId,
        /// When the snooze ends.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: Instant,
        /// True when it also wakes as soon as the visitor is back (then `until` is the
        /// at-most deadline).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        until_return: bool,
    },
    /// Closed for good.
    Closed {
        /// Who closed it.
        by: Actor,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        at: Instant,
    },
}

/// The status alone, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// See [`ConversationState::Queued`].
    Queued,
    /// See [`ConversationState::Assigned`].
    Assigned,
    /// See [`ConversationState::Snoozed`].
    Snoozed,
    /// See [`ConversationState::Closed`].
    Closed,
}

impl Status {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Assigned => "assigned",
            Self::Snoozed => "snoozed",
            Self::Closed => "closed",
        }
    }
}

impl ConversationState {
    /// True for a conversation waiting in the brand queue: queued and reserved for nobody.
    pub fn in_brand_queue(&self) -> bool {
        matches!(
            self,
            Self::Queued {
                for_expert: None,
                ..
            }
        )
    }

    /// True for a conversation waiting in the brand queue after it woke up: it goes ahead
    /// of new conversations.
    pub fn has_priority(&self) -> bool {
        self.in_brand_queue() && matches!(self, Self::Queued { wake: Some(_), .. })
    }

    /// The status alone.
    pub fn status(&self) -> Status {
        match self {
            Self::Queued { .. } => Status::Queued,
            Self::Assigned { .. } => Status::Assigned,
            Self::Snoozed { .. } => Status::Snoozed,
            Self::Closed { .. } => Status::Closed,
        }
    }

    /// The expert holding a slot for this conversation, if any.
    pub fn slot_holder(&self) -> Option<ExpertId> {
        match self {
            Self::Assigned { expert, .. } => Some(*expert),
            _ => None,
        }
    }

    /// True for a snooze that ends as soon as the visitor is back.
    pub fn waits_for_return(&self) -> bool {
        matches!(
            self,
            Self::Snoozed {
                until_return: true,
                ..
            }
        )
    }

    /// The expert the conversation belongs to (assigned, snoozed or woken for), if any.
    pub fn owner(&self) -> Option<ExpertId> {
        match self {
            Self::Assigned { expert, .. } | Self::Snoozed { expert, .. } => Some(*expert),
            Self::Queued { for_expert, .. } => *for_expert,
            Self::Closed { .. } => None,
        }
    }
}
