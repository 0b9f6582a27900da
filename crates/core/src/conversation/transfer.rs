//! Transfer: the expert holding a conversation hands it to a colleague of the brand who
//! can take it (available, with a free slot), or back to the brand queue, with an optional
//! note for the receiving expert that the visitor never sees.

use serde::{Deserialize, Serialize};

use super::{Conversation, ConversationState};
use crate::slots::Slots;
use crate::{BrandId, DomainError, Entry, Event, ExpertId, ExpertStatus, Instant};

/// The longest transfer note, in characters.
pub const MAX_NOTE_CHARS: usize = 280;

/// A short note from the transferring expert to the receiving one (never to the visitor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct TransferNote(String);

impl TransferNote {
    /// Trims `raw`; refuses an empty note or one longer than [`MAX_NOTE_CHARS`].
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        crate::message::trimmed_text(raw, MAX_NOTE_CHARS).map(Self)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The colleague a conversation is transferred to, as the store found them right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferTarget {
    /// The expert.
    pub expert: ExpertId,
    /// Their brand.
    pub brand: BrandId,
    /// Their status.
    pub status: ExpertStatus,
    /// False when they are disabled.
    pub enabled: bool,
    /// Their slots.
    pub slots: Slots,
}

impl TransferTarget {
    /// Can this colleague take a conversation now: enabled, available, with a free slot?
    /// The transfer's rule, also shown by the panel's list of colleagues.
    pub fn can_take(&self) -> Result<(), DomainError> {
        if !self.enabled || self.status != ExpertStatus::Available {
            return Err(DomainError::ExpertUnavailable(self.expert));
        }
        self.slots.take(self.expert).map(|_| ())
    }
}

impl Conversation {
    /// Only the expert holding it (assigned) may transfer it: to an enabled, available
    /// expert of the same brand with a free slot, or (`to` = none) back to the brand queue.
    pub(super) fn on_transfer(
        &mut self,
        entries: &mut Vec<Entry>,
        by: ExpertId,
        to: Option<TransferTarget>,
        note: Option<TransferNote>,
        now: Instant,
    ) -> Result<(), DomainError> {
        self.check_holder(by, "transfer")?;
        let Some(target) = to else {
            self.state = ConversationState::Queued {
                for_expert: None,
                wake: None,
            };
            let event = Event::Transferred {
                from: by,
                to: None,
                note,
            };
            self.push(entries, now, event);
            return Ok(());
        };
        if target.brand != self.brand_id {
            return Err(DomainError::Forbidden("an expert of another brand"));
        }
        if target.expert == by {
            return Err(self.invalid("transfer to its own expert"));
        }
        target.can_take()?;
        self.state = ConversationState::Assigned {
            expert: target.expert,
            wake: None,
        };
        let event = Event::Transferred {
            from: by,
            to: Some(target.expert),
            note,
        };
        self.push(entries, now, event);
        Ok(())
    }
}
