//! The async cap over random days: visitors arrive (online or not), come and go, experts
//! snooze, close and wake conversations, and routing runs after every step. An expert never
//! receives an async conversation beyond their cap, never holds more than their capacity,
//! and a real-time visitor never waits in the brand queue while an available expert has a
//! free slot.

use ebb_core::routing::{ExpertLoad, Waiting, plan};
use ebb_core::slots::Slots;
use ebb_core::{ConversationId, ExpertId, ExpertStatus};
use proptest::prelude::*;
use time::macros::datetime;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Waiting; reserved for an expert (woken) or in the brand queue.
    Queued(Option<usize>),
    Assigned(usize),
    Snoozed(usize),
    Closed,
}

#[derive(Clone, Copy, Debug)]
struct Conv {
    place: Place,
    online: bool,
    queued_at: i64,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Arrive { online: bool },
    Toggle(usize),
    Snooze(usize),
    Wake(usize),
    Close(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<bool>().prop_map(|online| Step::Arrive { online }),
        (0..40usize).prop_map(Step::Toggle),
        (0..40usize).prop_map(Step::Snooze),
        (0..40usize).prop_map(Step::Wake),
        (0..40usize).prop_map(Step::Close),
    ]
}

/// Each expert: (capacity, async cap as drawn, available or away).
fn experts() -> impl Strategy<Value = Vec<(u32, Option<u32>, bool)>> {
    prop::collection::vec(
        (
            1..5u32,
            prop::option::of(0..5u32),
            prop::bool::weighted(0.8),
        ),
        1..4,
    )
}

struct Day {
    experts: Vec<(ExpertId, u32, Option<u32>, ExpertStatus)>,
    convs: Vec<Conv>,
    clock: i64,
}

impl Day {
    fn load(&self, i: usize) -> ExpertLoad {
        let (id, capacity, async_cap, status) = self.experts[i];
        let mine = self.convs.iter().filter(|c| c.place == Place::Assigned(i));
        let held = u32::try_from(mine.clone().count()).expect("small");
        let async_held = u32::try_from(mine.filter(|c| !c.online).count()).expect("small");
        ExpertLoad {
            id,
            status,
            slots: Slots { held, capacity },
            offline_since: None,
            async_cap,
            async_held,
            off_hours: false,
        }
    }

    fn queue(&self) -> Vec<Waiting> {
        let at = |s: i64| datetime!(2026-11-25 08:00 UTC) + time::Duration::seconds(s);
        self.convs
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.place {
                Place::Queued(owner) => Some(Waiting {
                    id: ConversationId(Uuid::from_u128(i as u128 + 1)),
                    for_expert: owner.map(|o| self.experts[o].0),
                    queued_at: at(c.queued_at),
                    priority: false,
                    realtime: c.online,
                }),
                _ => None,
            })
            .collect()
    }

    fn apply(&mut self, step: Step) {
        self.clock += 1;
        let n = self.convs.len();
        let pick = |i: usize| (n > 0).then(|| i % n);
        match step {
            Step::Arrive { online } => self.convs.push(Conv {
                place: Place::Queued(None),
                online,
                queued_at: self.clock,
            }),
            Step::Toggle(i) => {
                if let Some(i) = pick(i) {
                    self.convs[i].online = !self.convs[i].online;
                }
            }
            Step::Snooze(i) | Step::Wake(i) | Step::Close(i) => {
                let Some(i) = pick(i) else { return };
                let c = &mut self.convs[i];
                c.place = match (step, c.place) {
                    (Step::Snooze(_), Place::Assigned(e)) => Place::Snoozed(e),
                    (Step::Wake(_), Place::Snoozed(e)) => {
                        c.queued_at = self.clock;
                        Place::Queued(Some(e))
                    }
                    (Step::Close(_), _) => Place::Closed,
                    (_, same) => same,
                };
            }
        }
    }

    /// Routes once and checks every assignment against the loads as they fill up.
    fn route(&mut self) -> Result<(), TestCaseError> {
        let mut loads: Vec<ExpertLoad> = (0..self.experts.len()).map(|i| self.load(i)).collect();
        let queue = self.queue();
        for (id, expert) in plan(&loads, &queue) {
            let i = loads.iter().position(|l| l.id == expert).expect("known");
            let w = queue.iter().find(|w| w.id == id).expect("queued");
            let load = &mut loads[i];
            prop_assert!(load.slots.held < load.slots.capacity, "over capacity");
            if !w.realtime
                && let Some(cap) = load.async_cap
            {
                prop_assert!(load.async_held < cap, "async beyond the cap");
            }
            load.take(w);
            let idx = usize::try_from(id.0.as_u128() - 1).expect("small");
            self.convs[idx].place = Place::Assigned(i);
        }
        for i in 0..self.experts.len() {
            let l = self.load(i);
            prop_assert!(l.slots.held <= l.slots.capacity);
            let free_for_new = l.status == ExpertStatus::Available && l.slots.free() > 0;
            let realtime_left = self
                .convs
                .iter()
                .any(|c| c.place == Place::Queued(None) && c.online);
            prop_assert!(
                !(free_for_new && realtime_left),
                "a real-time visitor waits while a slot is free"
            );
        }
        Ok(())
    }
}

proptest! {
    #[test]
    fn the_async_cap_holds_and_real_time_visitors_find_a_slot(
        drawn in experts(),
        steps in prop::collection::vec(step(), 1..80),
    ) {
        let experts = drawn
            .iter()
            .enumerate()
            .map(|(i, &(capacity, cap, available))| {
                let status = if available { ExpertStatus::Available } else { ExpertStatus::Away };
                let id = ExpertId(Uuid::from_u128(1000 + i as u128));
                (id, capacity, cap.map(|c| c.min(capacity)), status)
            })
            .collect();
        let mut day = Day { experts, convs: Vec::new(), clock: 0 };
        for s in steps {
            day.apply(s);
            day.route()?;
        }
    }
}
