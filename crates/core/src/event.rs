//! What happened to a conversation: the entries of its timeline. Each entry carries the
//! conversation's next sequence number, so a timeline has no gaps and clients resume by seq.

use serde::{Deserialize, Serialize};

use crate::conversation::TransferNote;
use crate::{Actor, Author, ExpertId, Instant, MessageBody, VisitorId};

/// Why a conversation came back to the queue ahead of new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WakeReason {
    /// The visitor wrote again.
    VisitorReplied,
    /// The snooze period ended.
    SnoozeExpired,
    /// Its expert was disabled while holding it: passed on to the team.
    PassedOn,
    /// It was snoozed until the visitor is back, and the visitor came back on the site.
    VisitorReturned,
}

/// Why a conversation was given to an expert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignReason {
    /// First assignment from the brand queue.
    New,
    /// The visitor replied during a snooze: back to the same expert.
    Reattributed,
    /// The snooze expired: back in the same expert's panel.
    SnoozeExpired,
    /// An admin gave it to this expert by hand.
    Manual,
    /// The visitor came back on the site during a snooze until their return.
    VisitorReturned,
}

impl From<Option<WakeReason>> for AssignReason {
    fn from(wake: Option<WakeReason>) -> Self {
        match wake {
            None | Some(WakeReason::PassedOn) => Self::New,
            Some(WakeReason::VisitorReplied) => Self::Reattributed,
            Some(WakeReason::SnoozeExpired) => Self::SnoozeExpired,
            Some(WakeReason::VisitorReturned) => Self::VisitorReturned,
        }
    }
}

/// One thing that happened to a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A visitor opened the conversation; it waits in the brand queue.
    Started {
        /// Who opened it.
        visitor: VisitorId,
    },
    /// A message was posted.
    Message {
        /// Who wrote it.
        author: Author,
        /// The text.
        body: MessageBody,
        /// The client's id for idempotent retries, if any.
        client_msg_id: Option<String>,
    },
    /// The conversation now holds one of the expert's slots.
    Assigned {
        /// The expert.
        expert: ExpertId,
        /// Why.
        reason: AssignReason,
    },
    /// The expert snoozed it; its slot is free.
    Snoozed {
        /// The expert who keeps it.
        expert: ExpertId,
        /// When it comes back by itself.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: Instant,
        /// How many times it has been snoozed, this one included.
        count: u32,
        /// True when it also wakes as soon as the visitor is back (`until` is then the
        /// at-most deadline).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        until_return: bool,
    },
    /// The snooze ended; the conversation waits for its expert's next free slot.
    Woken {
        /// The expert it goes back to.
        expert: ExpertId,
        /// Why it woke.
        reason: WakeReason,
    },
    /// Its expert could not take it (the woken conversation waited too long, or the expert
    /// was disabled): it goes back to the brand queue, ahead of new ones.
    Released {
        /// The expert it was waiting for.
        from: ExpertId,
    },
    /// An admin took it from its expert; it waits in the brand queue.
    Unassigned {
        /// The expert who had it.
        from: ExpertId,
        /// The admin.
        by: Actor,
    },
    /// Its expert handed it to a colleague (`to`) or back to the brand queue (`to` null).
    /// Visitors see it without the note (see [`Entry::for_visitor`]).
    Transferred {
        /// The expert who held it.
        from: ExpertId,
        /// The colleague who holds it now, or none: it waits in the brand queue.
        to: Option<ExpertId>,
        /// The note for the receiving expert, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<TransferNote>,
    },
    /// Closed for good by an expert or an admin.
    Closed {
        /// Who closed it.
        by: Actor,
    },
}

impl Event {
    /// The stable name of the event's kind (also its JSON `type`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Started { .. } => "started",
            Self::Message { .. } => "message",
            Self::Assigned { .. } => "assigned",
            Self::Snoozed { .. } => "snoozed",
            Self::Woken { .. } => "woken",
            Self::Released { .. } => "released",
            Self::Unassigned { .. } => "unassigned",
            Self::Closed { .. } => "closed",
            Self::Transferred { .. } => "transferred",
        }
    }
}

/// An event at its place in a conversation's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// Position in the conversation's timeline, from 1, without gaps.
    pub seq: u64,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Instant,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

impl Entry {
    /// The entry as a visitor may see it: a transfer loses its note (meant for the experts).
    pub fn for_visitor(mut self) -> Self {
        if let Event::Transferred { note, .. } = &mut self.event {
            *note = None;
        }
        self
    }
}
