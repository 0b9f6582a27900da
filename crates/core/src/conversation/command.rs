//! The commands a conversation accepts, with everything core needs to decide each one.

use time::Duration;

use super::{TransferNote, TransferTarget};
use crate::slots::Slots;
use crate::snooze::SnoozeBudget;
use crate::{Actor, Author, ExpertId, MessageBody, SnoozeChoice, VisitorId};

/// A command on one conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Post a message.
    Post {
        /// Who writes.
        author: Author,
        /// The text.
        body: MessageBody,
        /// The client's id for idempotent retries.
        client_msg_id: Option<String>,
    },
    /// Give the conversation one of `expert`'s slots.
    Assign {
        /// The expert.
        expert: ExpertId,
        /// The expert's slots right now.
        slots: Slots,
    },
    /// Snooze: frees the expert's slot until the chosen time.
    Snooze {
        /// The expert asking.
        expert: ExpertId,
        /// For how long.
        choice: SnoozeChoice,
        /// The brand's longest snooze.
        max: Duration,
        /// The brand's snooze budget (refuses a snooze beyond it when enforced).
        budget: SnoozeBudget,
    },
    /// The snooze timer fired.
    ExpireSnooze,
    /// The visitor is back on the site: a snooze until their return ends.
    VisitorReturned {
        /// The visitor who came back.
        visitor: VisitorId,
    },
    /// Its expert cannot take it (the reservation lapsed, or they were disabled): back to
    /// the brand queue, ahead of new conversations. Frees their slot when it held one.
    Release,
    /// An admin takes the conversation from its expert: back to the brand queue.
    Unassign {
        /// Who asks (only an admin may).
        by: Actor,
    },
    /// An admin gives the conversation to `to`, who must have a free slot.
    Reassign {
        /// Who asks (only an admin may).
        by: Actor,
        /// The new expert.
        to: ExpertId,
        /// The new expert's slots right now.
        slots: Slots,
    },
    /// End the conversation.
    Close {
        /// Who asks.
        by: Actor,
    },
    /// The expert holding it hands it to a colleague (`to`) or back to the brand queue.
    Transfer {
        /// The expert asking (must hold it).
        by: ExpertId,
        /// The colleague, or none for the brand queue.
        to: Option<TransferTarget>,
        /// A note for the receiving expert, never shown to the visitor.
        note: Option<TransferNote>,
    },
}
