//! Availability slots: an expert's capacity is one number shared by every conversation
//! they hold. Only assigned conversations hold a slot; snoozed, queued and closed hold none.

use serde::{Deserialize, Serialize};

use crate::{DomainError, ExpertId};

/// An expert's slot usage at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slots {
    /// Conversations currently assigned to the expert.
    pub held: u32,
    /// The expert's capacity.
    pub capacity: u32,
}

impl Slots {
    /// How many more conversations the expert can take.
    pub fn free(self) -> u32 {
        self.capacity.saturating_sub(self.held)
    }

    /// Takes one slot for `expert`, or refuses when none is free.
    pub fn take(self, expert: ExpertId) -> Result<Self, DomainError> {
        if self.free() == 0 {
            return Err(DomainError::OverCapacity {
                expert,
                capacity: self.capacity,
            });
        }
        Ok(Self {
            held: self.held + 1,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_refuses_when_full() {
        let e = ExpertId::new();
        let s = Slots {
            held: 2,
            capacity: 3,
        };
        let s = s.take(e).expect("one slot is free");
        assert_eq!(s.free(), 0);
        assert_eq!(
            s.take(e),
            Err(DomainError::OverCapacity {
                expert: e,
                capacity: 3
            })
        );
    }

    #[test]
    fn lowered_capacity_leaves_no_free_slot() {
        assert_eq!(
            Slots {
                held: 3,
                capacity: 1
            }
            .free(),
            0
        );
    }
}
