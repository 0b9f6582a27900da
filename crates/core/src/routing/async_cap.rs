//! The per-expert async cap: how many of an expert's slots may hold asynchronous
//! conversations (the visitor is not online), so real-time visitors still find a free slot.
//! A conversation is real-time while its visitor is online, async otherwise. The cap only
//! gates *new* async assignments (routing, wakes, an admin's reassign); a real-time
//! conversation whose visitor leaves keeps its slot, even if that puts the expert above
//! the cap, and a wake that would exceed it waits as for a full expert (see
//! [`super::reservation`]).

use super::{ExpertLoad, Waiting};
use crate::DomainError;

/// Checks an async cap an admin asks for against the expert's capacity: `None` (no cap)
/// or at most the capacity.
pub fn validate_async_cap(cap: Option<u32>, capacity: u32) -> Result<Option<u32>, DomainError> {
    match cap {
        Some(c) if c > capacity => Err(DomainError::InvalidAsyncCap { capacity }),
        _ => Ok(cap),
    }
}

impl ExpertLoad {
    /// True while the expert may take one more async conversation (no cap, or fewer
    /// async conversations assigned than the cap).
    pub fn async_room(&self) -> bool {
        self.async_cap.is_none_or(|cap| self.async_held < cap)
    }

    /// True when the expert has room for `waiting`: a free slot, not offline, within their
    /// office hours and, for an async conversation, room under their async cap. Status
    /// beyond offline (available or away) is the caller's rule.
    pub fn can_take(&self, waiting: &Waiting) -> bool {
        self.has_room() && (waiting.realtime || self.async_room())
    }

    /// True when the expert could take a real-time conversation: a free slot, not
    /// offline, within their office hours (the part of [`Self::can_take`] that does not
    /// depend on the conversation).
    pub fn has_room(&self) -> bool {
        self.slots.free() > 0 && self.status != crate::ExpertStatus::Offline && !self.off_hours
    }

    /// Counts `waiting` as assigned to this expert (one slot; one async slot when async).
    pub fn take(&mut self, waiting: &Waiting) {
        self.slots.held += 1;
        if !waiting.realtime {
            self.async_held += 1;
        }
    }

    /// Refuses a hand move of a conversation (`realtime` or not) to this expert when it
    /// is async and their async cap is reached.
    pub fn check_async_room(&self, realtime: bool) -> Result<(), DomainError> {
        match self.async_cap {
            Some(cap) if !realtime && !self.async_room() => Err(DomainError::AsyncCapReached {
                expert: self.id,
                cap,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::slots::Slots;
    use crate::{ConversationId, ExpertId, ExpertStatus};

    fn load(held: u32, async_held: u32, async_cap: Option<u32>) -> ExpertLoad {
        ExpertLoad {
            id: ExpertId::new(),
            status: ExpertStatus::Available,
            slots: Slots { held, capacity: 3 },
            offline_since: None,
            async_cap,
            async_held,
            off_hours: false,
        }
    }

    fn waiting(realtime: bool) -> Waiting {
        Waiting {
            id: ConversationId::new(),
            for_expert: None,
            queued_at: datetime!(2026-11-25 08:00 UTC),
            priority: false,
            realtime,
        }
    }

    #[test]
    fn a_cap_above_capacity_is_refused() {
        assert_eq!(validate_async_cap(Some(2), 3), Ok(Some(2)));
        assert_eq!(validate_async_cap(Some(3), 3), Ok(Some(3)));
        assert_eq!(validate_async_cap(None, 0), Ok(None));
        assert_eq!(
            validate_async_cap(Some(4), 3),
            Err(DomainError::InvalidAsyncCap { capacity: 3 })
        );
    }

    #[test]
    fn a_reached_cap_leaves_the_last_slots_to_real_time_visitors() {
        let full_async = load(2, 2, Some(2));
        assert!(!full_async.can_take(&waiting(false)));
        assert!(full_async.can_take(&waiting(true)));
        let uncapped = load(2, 2, None);
        assert!(uncapped.can_take(&waiting(false)));
        assert!(load(1, 1, Some(2)).can_take(&waiting(false)));
        assert!(!load(3, 0, None).can_take(&waiting(true)), "no free slot");
    }

    #[test]
    fn taking_counts_async_slots_only_for_async_conversations() {
        let mut l = load(0, 0, Some(1));
        l.take(&waiting(true));
        assert_eq!((l.slots.held, l.async_held), (1, 0));
        l.take(&waiting(false));
        assert_eq!((l.slots.held, l.async_held), (2, 1));
        assert!(l.check_async_room(true).is_ok());
        assert_eq!(
            l.check_async_room(false),
            Err(DomainError::AsyncCapReached {
                expert: l.id,
                cap: 1
            })
        );
    }
}
