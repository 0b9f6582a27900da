//! Property tests: random sequences of visitor, expert, admin and clock operations,
//! routed like the server routes them, must keep the domain's invariants.

use std::collections::{HashMap, HashSet};

use ebb_core::routing::{ExpertLoad, Waiting, next_for_expert, pick_expert};
use ebb_core::slots::Slots;
use ebb_core::{
    Actor, AdminId, Author, BrandId, Command, Conversation, ConversationId, ConversationState,
    Entry, Event, ExpertId, ExpertStatus, Instant, MessageBody, SnoozeBudget, SnoozeChoice, Status,
    VisitorId,
};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

#[derive(Clone, Debug)]
enum Op {
    Start,
    VisitorPost(usize),
    ExpertPost(usize),
    Snooze(usize, u8),
    Close(usize, u8),
    SetStatus(usize, u8),
    Advance(u32),
    FireDueTimers,
    /// A racing assignment that bypasses routing, as a second node might attempt.
    ForceAssign(usize, usize),
    /// Its expert stayed offline too long: back to the brand queue.
    Release(usize),
    /// An admin moves a conversation to an expert, or back to the queue.
    Admin(usize, Option<usize>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Start),
        3 => any::<usize>().prop_map(Op::VisitorPost),
        2 => any::<usize>().prop_map(Op::ExpertPost),
        3 => (any::<usize>(), 0u8..4).prop_map(|(i, c)| Op::Snooze(i, c)),
        2 => (any::<usize>(), 0u8..4).prop_map(|(i, w)| Op::Close(i, w)),
        2 => (any::<usize>(), 0u8..3).prop_map(|(i, s)| Op::SetStatus(i, s)),
        2 => (1u32..2000).prop_map(Op::Advance),
        2 => Just(Op::FireDueTimers),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(c, e)| Op::ForceAssign(c, e)),
        1 => any::<usize>().prop_map(Op::Release),
        2 => (any::<usize>(), prop::option::of(any::<usize>())).prop_map(|(c, e)| Op::Admin(c, e)),
    ]
}

/// A brand desk run entirely in memory, the way the server drives core.
struct Desk {
    now: Instant,
    experts: Vec<(ExpertId, u32, ExpertStatus)>,
    convs: Vec<Conversation>,
    queued_at: HashMap<ConversationId, Instant>,
    /// Slots held per expert, counted from the events only.
    ledger: HashMap<ExpertId, i64>,
    timelines: HashMap<ConversationId, Vec<u64>>,
    closed_by_command: HashSet<ConversationId>,
}

impl Desk {
    fn new(capacities: &[u32]) -> Self {
        let experts = capacities
            .iter()
            .map(|c| (ExpertId::new(), *c, ExpertStatus::Available))
            .collect();
        Self {
            now: T0,
            experts,
            convs: Vec::new(),
            queued_at: HashMap::new(),
            ledger: HashMap::new(),
            timelines: HashMap::new(),
            closed_by_command: HashSet::new(),
        }
    }

    fn held(&self, expert: ExpertId) -> u32 {
        let n = self
            .convs
            .iter()
            .filter(|c| c.state.slot_holder() == Some(expert))
            .count();
        u32::try_from(n).expect("small")
    }

    fn load(&self, i: usize) -> ExpertLoad {
        let (id, capacity, status) = self.experts[i];
        ExpertLoad {
            id,
            status,
            slots: Slots {
                held: self.held(id),
                capacity,
            },
            offline_since: None,
            async_cap: None,
            async_held: 0,
            off_hours: false,
        }
    }

    fn record(&mut self, conv: &Conversation, entries: &[Entry]) {
        for entry in entries {
            match &entry.event {
                Event::Assigned { expert, .. } => *self.ledger.entry(*expert).or_default() += 1,
                Event::Snoozed { expert, .. } => *self.ledger.entry(*expert).or_default() -= 1,
                Event::Unassigned { from, .. } | Event::Released { from } => {
                    if self.prev_holder(conv.id) == Some(*from) {
                        *self.ledger.entry(*from).or_default() -= 1;
                    }
                    self.queued_at.insert(conv.id, entry.at);
                }
                Event::Closed { .. } => {
                    // Only a conversation that held a slot gives one back.
                    if let Some(e) = self.prev_holder(conv.id) {
                        *self.ledger.entry(e).or_default() -= 1;
                    }
                }
                Event::Woken { .. } => {
                    self.queued_at.insert(conv.id, entry.at);
                }
                _ => {}
            }
            self.timelines.entry(conv.id).or_default().push(entry.seq);
        }
    }

    fn prev_holder(&self, id: ConversationId) -> Option<ExpertId> {
        self.convs
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.state.slot_holder())
    }

    fn apply(&mut self, idx: usize, cmd: Command) {
        if let Ok((next, entries)) = self.convs[idx].decide(cmd, self.now) {
            self.record(&next, &entries);
            self.convs[idx] = next;
        }
    }

    /// Fills every free slot the way the server does after each change.
    fn route(&mut self) {
        loop {
            let mut progressed = false;
            for i in 0..self.experts.len() {
                let load = self.load(i);
                let queue: Vec<Waiting> = self
                    .convs
                    .iter()
                    .filter_map(|c| match c.state {
                        ConversationState::Queued { for_expert, .. } => Some(Waiting {
                            id: c.id,
                            for_expert,
                            queued_at: self.queued_at[&c.id],
                            priority: c.state.has_priority(),
                            realtime: false,
                        }),
                        _ => None,
                    })
                    .collect();
                if let Some(id) = next_for_expert(&load, &queue) {
                    let idx = self.index(id);
                    self.apply(
                        idx,
                        Command::Assign {
                            expert: load.id,
                            slots: load.slots,
                        },
                    );
                    progressed = true;
                }
            }
            if !progressed {
                return;
            }
        }
    }

    fn index(&self, id: ConversationId) -> usize {
        self.convs.iter().position(|c| c.id == id).expect("known")
    }

    fn pick(&self, i: usize) -> Option<usize> {
        (!self.convs.is_empty()).then(|| i % self.convs.len())
    }

    fn step(&mut self, op: Op) {
        let body = MessageBody::parse("hello").expect("valid");
        match op {
            Op::Start => {
                let (conv, entries) = Conversation::start(
                    ConversationId::new(),
                    BrandId::new(),
                    VisitorId::new(),
                    body.clone(),
                    None,
                    Some(body),
                    self.now,
                );
                self.queued_at.insert(conv.id, self.now);
                self.record(&conv, &entries);
                self.convs.push(conv);
                let loads: Vec<_> = (0..self.experts.len()).map(|i| self.load(i)).collect();
                let _ = pick_expert(&loads);
            }
            Op::VisitorPost(i) => {
                if let Some(idx) = self.pick(i) {
                    let author = Author::Visitor(self.convs[idx].visitor_id);
                    let cmd = Command::Post {
                        author,
                        body,
                        client_msg_id: None,
                    };
                    self.apply(idx, cmd);
                }
            }
            Op::ExpertPost(i) => {
                if let Some(idx) = self.pick(i) {
                    let Some(expert) = self.convs[idx].state.owner() else {
                        return;
                    };
                    let cmd = Command::Post {
                        author: Author::Expert(expert),
                        body,
                        client_msg_id: None,
                    };
                    self.apply(idx, cmd);
                }
            }
            Op::Snooze(i, c) => {
                if let Some(idx) = self.pick(i) {
                    let Some(expert) = self.convs[idx].state.owner() else {
                        return;
                    };
                    let choice = match c {
                        0 => SnoozeChoice::ThreeHours,
                        1 => SnoozeChoice::OneDay,
                        2 => SnoozeChoice::Until {
                            until: self.now + Duration::minutes(90),
                        },
                        _ => SnoozeChoice::Until {
                            until: self.now - Duration::minutes(1),
                        },
                    };
                    let max = Duration::days(30);
                    self.apply(
                        idx,
                        Command::Snooze {
                            expert,
                            choice,
                            max,
                            budget: SnoozeBudget::default(),
                        },
                    );
                }
            }
            Op::Close(i, who) => {
                if let Some(idx) = self.pick(i) {
                    let conv = &self.convs[idx];
                    let by = match who {
                        0 => Actor::Visitor(conv.visitor_id),
                        1 => Actor::System,
                        2 => Actor::Admin(AdminId::new()),
                        _ => match conv.state.owner() {
                            Some(e) => Actor::Expert(e),
                            None => Actor::Expert(ExpertId::new()),
                        },
                    };
                    let id = conv.id;
                    let before = conv.state.status();
                    self.apply(idx, Command::Close { by });
                    if before != Status::Closed && self.convs[idx].state.status() == Status::Closed
                    {
                        self.closed_by_command.insert(id);
                    }
                }
            }
            Op::SetStatus(i, s) => {
                let n = self.experts.len();
                self.experts[i % n].2 = match s {
                    0 => ExpertStatus::Available,
                    1 => ExpertStatus::Away,
                    _ => ExpertStatus::Offline,
                };
            }
            Op::Advance(minutes) => self.now += Duration::minutes(i64::from(minutes)),
            Op::ForceAssign(c, e) => {
                if let Some(idx) = self.pick(c) {
                    let load = self.load(e % self.experts.len());
                    self.apply(
                        idx,
                        Command::Assign {
                            expert: load.id,
                            slots: load.slots,
                        },
                    );
                }
            }
            Op::Admin(c, target) => {
                if let Some(idx) = self.pick(c) {
                    let by = Actor::Admin(AdminId::new());
                    let cmd = match target {
                        Some(e) => {
                            let load = self.load(e % self.experts.len());
                            Command::Reassign {
                                by,
                                to: load.id,
                                slots: load.slots,
                            }
                        }
                        None => Command::Unassign { by },
                    };
                    self.apply(idx, cmd);
                }
            }
            Op::Release(i) => {
                if let Some(idx) = self.pick(i) {
                    self.apply(idx, Command::Release);
                }
            }
            Op::FireDueTimers => {
                for idx in 0..self.convs.len() {
                    self.apply(idx, Command::ExpireSnooze);
                }
            }
        }
        self.route();
    }

    fn check(&self) -> Result<(), TestCaseError> {
        for (id, capacity, _) in &self.experts {
            let held = self.held(*id);
            prop_assert!(
                held <= *capacity,
                "expert over capacity: {held} > {capacity}"
            );
            let ledger = self.ledger.get(id).copied().unwrap_or(0);
            prop_assert_eq!(ledger, i64::from(held), "event ledger disagrees with slots");
        }
        for conv in &self.convs {
            if matches!(
                conv.state.status(),
                Status::Snoozed | Status::Closed | Status::Queued
            ) {
                prop_assert_eq!(conv.state.slot_holder(), None);
            }
            if conv.state.status() == Status::Closed {
                prop_assert!(self.closed_by_command.contains(&conv.id));
            }
            let seqs = &self.timelines[&conv.id];
            let expected: Vec<u64> = (1..=conv.last_seq).collect();
            prop_assert_eq!(seqs, &expected, "timeline must be 1..=n without gaps");
            // The visitor waits exactly while they wrote last, and since no later than that.
            let visitor_last = matches!(conv.last_author, Some(Author::Visitor(_)));
            prop_assert_eq!(conv.visitor_waiting_since.is_some(), visitor_last);
            prop_assert!(conv.visitor_waiting_since <= conv.last_message_at);
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_operations_keep_the_invariants(
        capacities in prop::collection::vec(0u32..4, 1..4),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let mut desk = Desk::new(&capacities);
        for op in ops {
            desk.step(op);
            desk.check()?;
        }
    }

    #[test]
    fn nothing_closes_by_itself_however_much_time_passes(
        ops in prop::collection::vec(op(), 1..60),
        days in 1i64..400,
    ) {
        let mut desk = Desk::new(&[2, 1]);
        for op in ops.into_iter().filter(|o| !matches!(o, Op::Close(..))) {
            desk.step(op);
        }
        desk.now += Duration::days(days);
        desk.step(Op::FireDueTimers);
        desk.check()?;
        prop_assert!(desk.convs.iter().all(|c| c.state.status() != Status::Closed));
    }
}
