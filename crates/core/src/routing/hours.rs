//! Office hours in routing: an expert outside their hours (their own schedule, or the
//! brand's when they have none) takes no conversation, new or woken, as if full. Their
//! woken conversations wait the brand's woken wait for them, then go to the team
//! (see [`super::reservation`]). No schedule at all means always in hours.

use super::ExpertLoad;
use crate::schedule::Schedule;
use crate::{ExpertId, Instant};

/// The schedule that applies to `expert`: their own, else the brand's, else none.
pub fn schedule_of<'a>(
    expert: ExpertId,
    brand: Option<&'a Schedule>,
    experts: &'a [(ExpertId, Schedule)],
) -> Option<&'a Schedule> {
    experts
        .iter()
        .find(|(id, _)| *id == expert)
        .map(|(_, s)| s)
        .or(brand)
}

/// Marks every load whose schedule is closed at `now` as off hours.
pub fn mark_off_hours(
    loads: &mut [ExpertLoad],
    brand: Option<&Schedule>,
    experts: &[(ExpertId, Schedule)],
    now: Instant,
) {
    for load in loads {
        load.off_hours = schedule_of(load.id, brand, experts).is_some_and(|s| !s.is_open(now));
    }
}

/// The next instant after `now` when an expert's schedule opens (their hours begin),
/// so routing can run again then: `None` when nobody's hours are ahead.
pub fn next_opening(
    ids: &[ExpertId],
    brand: Option<&Schedule>,
    experts: &[(ExpertId, Schedule)],
    now: Instant,
) -> Option<Instant> {
    ids.iter()
        .filter_map(|id| schedule_of(*id, brand, experts))
        .filter(|s| !s.is_open(now))
        .filter_map(|s| s.next_open(now))
        .min()
}

#[cfg(test)]
mod tests;
