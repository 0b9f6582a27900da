//! Routing reads only what free slots can take: a [`Window`] on the queue (the oldest
//! conversations reserved for each expert with room, the head of the brand queue). No
//! expert with room: no window, routing reads nothing. [`plan`](super::plan) on the rows a
//! window read equals the plan on the whole queue once [`Window::widen`] asks for nothing
//! more (it only widens when async caps skipped rows and room is left for later ones).

use super::{ExpertLoad, Waiting};
use crate::{ConversationId, ExpertId, ExpertStatus};

/// How much of the queue routing reads, each part in core's order ([`Waiting::rank`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// For each expert with room: how many of the conversations reserved for them to read.
    pub reserved: Vec<(ExpertId, u32)>,
    /// How many conversations to read from the head of the brand queue (0: none).
    pub brand: u32,
}

impl Window {
    /// The first window for `loads`: each expert with room reads as many of their reserved
    /// conversations as they have free slots; the brand queue as many as the available
    /// experts with room have free slots together. `None` when nobody has room.
    pub fn first(loads: &[ExpertLoad]) -> Option<Self> {
        let reserved: Vec<(ExpertId, u32)> = loads
            .iter()
            .filter(|l| l.has_room())
            .map(|l| (l.id, l.slots.free()))
            .collect();
        if reserved.is_empty() {
            return None;
        }
        Some(Self {
            reserved,
            brand: brand_room(loads),
        })
    }

    /// The wider window to read after planning `read` (what this window read) into
    /// `assignments` on `loads`, or `None` when the unread rows cannot change the plan:
    /// every part read fewer rows than asked (nothing is left), or its experts have no room
    /// left (for reserved rows: after the reserved phase, which comes before the brand's).
    pub fn widen(
        &self,
        loads: &[ExpertLoad],
        read: &[Waiting],
        assignments: &[(ConversationId, ExpertId)],
    ) -> Option<Self> {
        let mut after = loads.to_vec();
        let reserved_phase = assignments
            .iter()
            .filter(|(id, _)| read.iter().any(|w| w.id == *id && w.for_expert.is_some()));
        take_all(&mut after, read, reserved_phase);
        let mut wider = self.clone();
        let mut widened = false;
        for (expert, limit) in &mut wider.reserved {
            let full_read = count(read, Some(*expert)) >= *limit;
            let room = after.iter().any(|l| l.id == *expert && l.has_room());
            if full_read && room {
                *limit = grow(*limit);
                widened = true;
            }
        }
        take_all(
            &mut after,
            read,
            assignments
                .iter()
                .filter(|(id, _)| read.iter().any(|w| w.id == *id && w.for_expert.is_none())),
        );
        if count(read, None) >= self.brand && brand_room(&after) > 0 {
            wider.brand = grow(self.brand);
            widened = true;
        }
        widened.then_some(wider)
    }
}

/// Free slots of the available experts with room: how many brand-queue rows they can take.
fn brand_room(loads: &[ExpertLoad]) -> u32 {
    loads
        .iter()
        .filter(|l| l.status == ExpertStatus::Available && l.has_room())
        .map(|l| l.slots.free())
        .sum()
}

/// Rows of `read` reserved for `expert` (`None`: rows of the brand queue).
fn count(read: &[Waiting], expert: Option<ExpertId>) -> u32 {
    let n = read.iter().filter(|w| w.for_expert == expert).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A limit doubled (at least one more row).
fn grow(limit: u32) -> u32 {
    limit.saturating_mul(2).max(limit.saturating_add(1))
}

/// Counts each of `assignments` as taken by its expert among `loads`.
fn take_all<'a>(
    loads: &mut [ExpertLoad],
    read: &[Waiting],
    assignments: impl Iterator<Item = &'a (ConversationId, ExpertId)>,
) {
    for (id, expert) in assignments {
        let load = loads.iter_mut().find(|l| l.id == *expert);
        if let (Some(load), Some(w)) = (load, read.iter().find(|w| w.id == *id)) {
            load.take(w);
        }
    }
}

#[cfg(test)]
mod tests;
