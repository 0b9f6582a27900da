//! Routing rules: which queued conversation an expert takes next, and which expert a new
//! conversation goes to. Woken conversations come before new ones for their own expert;
//! [`reservation`] says when they stop waiting for that expert; [`async_cap`] keeps some
//! slots for real-time visitors; [`window`] says how much of the queue routing must read.

pub mod async_cap;
pub mod hours;
pub mod reservation;
pub mod window;

use serde::{Deserialize, Serialize};

use crate::slots::Slots;
use crate::{Conversation, ConversationId, ConversationState, ExpertId, ExpertStatus, Instant};

/// A conversation waiting for a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Waiting {
    /// The conversation.
    pub id: ConversationId,
    /// The expert it is reserved for (woken conversations), if any.
    pub for_expert: Option<ExpertId>,
    /// When it entered the queue.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub queued_at: Instant,
    /// Woke up and was released to the brand queue: goes before new conversations.
    pub priority: bool,
    /// The visitor is online right now (a real-time conversation); `false` for an async
    /// one. The store cannot know: the server marks it from presence before routing.
    #[serde(default)]
    pub realtime: bool,
}

/// An expert as routing sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertLoad {
    /// The expert.
    pub id: ExpertId,
    /// Whether they take new conversations.
    pub status: ExpertStatus,
    /// Their slots.
    pub slots: Slots,
    /// Since when they are offline, if they are.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub offline_since: Option<Instant>,
    /// At most this many of their slots may hold async conversations (`None`: no cap).
    #[serde(default)]
    pub async_cap: Option<u32>,
    /// Assigned conversations whose visitor is not online right now.
    #[serde(default)]
    pub async_held: u32,
    /// Outside their office hours right now: they take nothing, like a full expert (see
    /// [`hours`]); their woken conversations wait the brand's woken wait, then move on.
    #[serde(default)]
    pub off_hours: bool,
}

impl Waiting {
    /// The queue entry of `conv`, which entered the queue at `queued_at`, or `None` when it
    /// does not wait for a slot. Released woken conversations have priority.
    pub fn of(conv: &Conversation, queued_at: Instant) -> Option<Self> {
        match conv.state {
            ConversationState::Queued { for_expert, .. } => Some(Self {
                id: conv.id,
                for_expert,
                queued_at,
                priority: conv.state.has_priority(),
                realtime: false,
            }),
            _ => None,
        }
    }

    /// Where it stands in its queue (lower first): priority, then arrival, then id.
    pub fn rank(&self) -> (bool, Instant, ConversationId) {
        (!self.priority, self.queued_at, self.id)
    }
}

/// Puts a queue in the order conversations are served (see [`Waiting::rank`]).
pub fn sort_queue(queue: &mut [Waiting]) {
    queue.sort_by_key(Waiting::rank);
}

/// The conversation `expert` should take next, if they have room for it (see
/// [`ExpertLoad::can_take`]): first the oldest one reserved for them (woken), then, only if
/// they are available, the oldest in the brand queue (released woken conversations first).
pub fn next_for_expert(expert: &ExpertLoad, queue: &[Waiting]) -> Option<ConversationId> {
    let oldest = |pred: &dyn Fn(&Waiting) -> bool| {
        queue
            .iter()
            .filter(|w| pred(w) && expert.can_take(w))
            .min_by_key(|w| w.rank())
            .map(|w| w.id)
    };
    oldest(&|w| w.for_expert == Some(expert.id)).or_else(|| {
        (expert.status == ExpertStatus::Available)
            .then(|| oldest(&|w| w.for_expert.is_none()))
            .flatten()
    })
}

/// The expert a new conversation goes to: an available expert within their office hours
/// with the most free slots (ties broken by id, so the choice is deterministic), or none.
pub fn pick_expert(experts: &[ExpertLoad]) -> Option<ExpertId> {
    experts
        .iter()
        .filter(|e| e.status == ExpertStatus::Available && !e.off_hours && e.slots.free() > 0)
        .max_by(|a, b| a.slots.free().cmp(&b.slots.free()).then(b.id.cmp(&a.id)))
        .map(|e| e.id)
}

/// Like [`pick_expert`], among the experts with room for `waiting` (an async conversation
/// skips experts whose async cap is reached).
pub fn pick_expert_for(experts: &[ExpertLoad], waiting: &Waiting) -> Option<ExpertId> {
    let fit: Vec<ExpertLoad> = experts
        .iter()
        .filter(|e| e.can_take(waiting))
        .copied()
        .collect();
    pick_expert(&fit)
}

/// Every assignment that fills free slots now: conversations woken for an expert first (to
/// that expert, oldest first, unless they are offline: then it waits for them until its
/// reservation lapses, see [`reservation`]), then the brand queue (released woken conversations first,
/// then arrival order) to the least-loaded available experts. An async conversation only
/// goes to an expert with room under their async cap ([`async_cap`]); one that finds none
/// keeps its place while real-time ones behind it are served.
pub fn plan(experts: &[ExpertLoad], queue: &[Waiting]) -> Vec<(ConversationId, ExpertId)> {
    let mut loads = experts.to_vec();
    let mut ordered = queue.to_vec();
    sort_queue(&mut ordered);
    let mut out = Vec::new();
    for w in ordered.iter().filter(|w| w.for_expert.is_some()) {
        let owner = loads
            .iter_mut()
            .find(|l| Some(l.id) == w.for_expert && l.can_take(w));
        if let Some(load) = owner {
            load.take(w);
            out.push((w.id, load.id));
        }
    }
    for w in ordered.iter().filter(|w| w.for_expert.is_none()) {
        let Some(expert) = pick_expert_for(&loads, w) else {
            continue;
        };
        if let Some(load) = loads.iter_mut().find(|l| l.id == expert) {
            load.take(w);
        }
        out.push((w.id, expert));
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn load(status: ExpertStatus, held: u32, capacity: u32) -> ExpertLoad {
        ExpertLoad {
            id: ExpertId::new(),
            status,
            slots: Slots { held, capacity },
            offline_since: None,
            async_cap: None,
            async_held: 0,
            off_hours: false,
        }
    }

    /// A conversation without priority queued `hour` hours after 08:00, reserved for
    /// `for_expert` if given.
    fn waiting(for_expert: Option<ExpertId>, hour: u8) -> Waiting {
        Waiting {
            id: ConversationId::new(),
            for_expert,
            queued_at: datetime!(2026-11-25 08:00 UTC) + time::Duration::hours(hour.into()),
            priority: false,
            realtime: false,
        }
    }

    #[test]
    fn woken_conversations_come_first_then_fifo() {
        let expert = load(ExpertStatus::Available, 0, 1);
        let early = waiting(None, 0);
        let late = waiting(None, 1);
        let woken = waiting(Some(expert.id), 2);
        assert_eq!(next_for_expert(&expert, &[late, early]), Some(early.id));
        assert_eq!(
            next_for_expert(&expert, &[late, woken, early]),
            Some(woken.id)
        );
    }

    #[test]
    fn away_experts_only_get_their_own_woken_conversations() {
        let expert = load(ExpertStatus::Away, 0, 1);
        let new = waiting(None, 0);
        assert_eq!(next_for_expert(&expert, &[new]), None);
        let woken = Waiting {
            for_expert: Some(expert.id),
            ..new
        };
        assert_eq!(next_for_expert(&expert, &[new, woken]), Some(woken.id));
        let full = ExpertLoad {
            slots: Slots {
                held: 1,
                capacity: 1,
            },
            ..expert
        };
        assert_eq!(next_for_expert(&full, &[woken]), None);
    }

    #[test]
    fn plan_fills_slots_woken_first_and_never_over_capacity() {
        let ada = load(ExpertStatus::Available, 1, 2);
        let bob = load(ExpertStatus::Away, 0, 1);
        let new1 = waiting(None, 0);
        let new2 = waiting(None, 1);
        let woken_ada = waiting(Some(ada.id), 5);
        let woken_bob = waiting(Some(bob.id), 6);
        let plan = plan(&[ada, bob], &[new2, woken_bob, new1, woken_ada]);
        assert_eq!(plan, vec![(woken_ada.id, ada.id), (woken_bob.id, bob.id)]);
        let free_ada = ExpertLoad {
            slots: Slots {
                held: 0,
                capacity: 2,
            },
            ..ada
        };
        let plan2 = super::plan(&[free_ada], &[new2, new1, woken_ada]);
        assert_eq!(plan2, vec![(woken_ada.id, ada.id), (new1.id, ada.id)]);
    }

    #[test]
    fn woken_conversations_wait_for_an_offline_expert() {
        let gone = load(ExpertStatus::Offline, 0, 2);
        let woken = waiting(Some(gone.id), 0);
        assert_eq!(plan(&[gone], &[woken]), vec![]);
        assert_eq!(next_for_expert(&gone, &[woken]), None);
        let back = ExpertLoad {
            status: ExpertStatus::Away,
            ..gone
        };
        assert_eq!(plan(&[back], &[woken]), vec![(woken.id, gone.id)]);
    }

    #[test]
    fn released_conversations_go_before_new_ones() {
        let ada = load(ExpertStatus::Available, 0, 1);
        let new = waiting(None, 0);
        let released = Waiting {
            priority: true,
            ..waiting(None, 4)
        };
        assert_eq!(plan(&[ada], &[new, released]), vec![(released.id, ada.id)]);
        assert_eq!(next_for_expert(&ada, &[new, released]), Some(released.id));
    }

    #[test]
    fn an_async_cap_skips_async_conversations_but_serves_real_time_ones() {
        let capped = ExpertLoad {
            async_cap: Some(1),
            async_held: 1,
            ..load(ExpertStatus::Available, 1, 3)
        };
        let away_visitor = waiting(None, 0);
        let online = Waiting {
            realtime: true,
            ..waiting(None, 1)
        };
        assert_eq!(
            plan(&[capped], &[away_visitor, online]),
            vec![(online.id, capped.id)],
            "the async head keeps its place, the real-time one behind it is served"
        );
        let woken = waiting(Some(capped.id), 2);
        assert_eq!(
            plan(&[capped], &[woken]),
            vec![],
            "a wake waits as for a full expert"
        );
        assert_eq!(next_for_expert(&capped, &[away_visitor, woken]), None);
        let roomy = load(ExpertStatus::Available, 2, 3);
        assert_eq!(
            plan(&[capped, roomy], &[away_visitor]),
            vec![(away_visitor.id, roomy.id)],
            "it goes to a colleague with room although they have fewer free slots"
        );
    }

    #[test]
    fn new_conversations_go_to_the_least_loaded_available_expert() {
        let busy = load(ExpertStatus::Available, 2, 3);
        let idle = load(ExpertStatus::Available, 0, 3);
        let away = load(ExpertStatus::Away, 0, 5);
        let full = load(ExpertStatus::Available, 2, 2);
        assert_eq!(pick_expert(&[busy, idle, away, full]), Some(idle.id));
        assert_eq!(pick_expert(&[away, full]), None);
    }
}
