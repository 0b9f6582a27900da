//! One function per [`Command`](super::Command): each checks its rule on the current
//! state, then moves `self` to the next state and appends the entries it produced.

use time::Duration;

use super::{Conversation, ConversationState, Status};
use crate::slots::Slots;
use crate::snooze::SnoozeBudget;
use crate::{
    Actor, AssignReason, Author, DomainError, Entry, Event, ExpertId, Instant, MessageBody,
    SnoozeChoice, VisitorId, WakeReason,
};

type Entries<'a> = &'a mut Vec<Entry>;

impl Conversation {
    /// A message: the visitor's wakes a snoozed conversation; an expert must own it.
    pub(super) fn on_post(
        &mut self,
        entries: Entries<'_>,
        author: Author,
        body: MessageBody,
        client_msg_id: Option<String>,
        now: Instant,
    ) -> Result<(), DomainError> {
        match author {
            Author::Visitor(visitor) if visitor != self.visitor_id => {
                return Err(DomainError::Forbidden("another visitor"));
            }
            Author::Visitor(_) => {
                self.post(entries, now, author, body, client_msg_id);
                if let ConversationState::Snoozed { expert, .. } = self.state {
                    self.wake(entries, now, expert, WakeReason::VisitorReplied);
                }
            }
            Author::Expert(expert) => {
                match self.state {
                    ConversationState::Assigned { expert: e, .. } if e == expert => {
                        self.state = ConversationState::Assigned { expert, wake: None };
                    }
                    ConversationState::Snoozed { expert: e, .. } if e == expert => {}
                    _ => return Err(DomainError::NotAssignedToExpert),
                }
                self.post(entries, now, author, body, client_msg_id);
            }
            Author::System => self.post(entries, now, author, body, client_msg_id),
        }
        Ok(())
    }

    /// A queued conversation takes one of `expert`'s free slots (a woken one only theirs).
    pub(super) fn on_assign(
        &mut self,
        entries: Entries<'_>,
        expert: ExpertId,
        slots: Slots,
        now: Instant,
    ) -> Result<(), DomainError> {
        let ConversationState::Queued { for_expert, wake } = self.state else {
            return Err(self.invalid("assign"));
        };
        if for_expert.is_some_and(|owner| owner != expert) {
            return Err(DomainError::NotAssignedToExpert);
        }
        slots.take(expert)?;
        self.state = ConversationState::Assigned { expert, wake };
        let reason = AssignReason::from(wake);
        self.push(entries, now, Event::Assigned { expert, reason });
        Ok(())
    }

    /// Its expert snoozes it until a valid time, unless the brand refuses a snooze beyond
    /// its budget and the conversation already came back silent that often in a row.
    pub(super) fn on_snooze(
        &mut self,
        entries: Entries<'_>,
        expert: ExpertId,
        choice: SnoozeChoice,
        (max, budget): (Duration, SnoozeBudget),
        now: Instant,
    ) -> Result<(), DomainError> {
        self.check_holder(expert, "snooze")?;
        let until = choice.resolve(now, max)?;
        budget.check(self.silent_expiries)?;
        self.snooze_count += 1;
        let until_return = choice.wakes_on_return();
        self.state = ConversationState::Snoozed {
            expert,
            until,
            until_return,
        };
        let count = self.snooze_count;
        self.push(
            entries,
            now,
            Event::Snoozed {
                expert,
                until,
                count,
                until_return,
            },
        );
        Ok(())
    }

    /// The snooze timer fired: it wakes for its expert, one more silent return in a row.
    pub(super) fn on_expire_snooze(
        &mut self,
        entries: Entries<'_>,
        now: Instant,
    ) -> Result<(), DomainError> {
        match self.state {
            ConversationState::Snoozed { expert, until, .. } if until <= now => {
                self.silent_expiries += 1;
                self.wake(entries, now, expert, WakeReason::SnoozeExpired);
                Ok(())
            }
            _ => Err(self.invalid("expire the snooze of")),
        }
    }

    /// The visitor is back during a snooze until their return: it wakes for its expert like
    /// an expiry (the visitor has not written yet, so it is one more silent return).
    pub(super) fn on_visitor_returned(
        &mut self,
        entries: Entries<'_>,
        visitor: VisitorId,
        now: Instant,
    ) -> Result<(), DomainError> {
        if visitor != self.visitor_id {
            return Err(DomainError::Forbidden("another visitor"));
        }
        match self.state {
            ConversationState::Snoozed {
                expert,
                until_return: true,
                ..
            } => {
                self.silent_expiries += 1;
                self.wake(entries, now, expert, WakeReason::VisitorReturned);
                Ok(())
            }
            _ => Err(self.invalid("wake on the visitor's return")),
        }
    }

    /// Its expert cannot take it (a woken reservation lapsed, or they were disabled while
    /// holding it): it joins the brand queue ahead of new ones, freeing the slot it held.
    pub(super) fn on_release(
        &mut self,
        entries: Entries<'_>,
        now: Instant,
    ) -> Result<(), DomainError> {
        let (from, wake) = match self.state {
            ConversationState::Queued {
                for_expert: Some(from),
                wake,
            } => (from, wake),
            ConversationState::Assigned { expert, wake } => {
                (expert, Some(wake.unwrap_or(WakeReason::PassedOn)))
            }
            _ => return Err(self.invalid("release")),
        };
        self.state = ConversationState::Queued {
            for_expert: None,
            wake,
        };
        self.push(entries, now, Event::Released { from });
        Ok(())
    }

    /// An admin takes it from its owner: back to the brand queue.
    pub(super) fn on_unassign(
        &mut self,
        entries: Entries<'_>,
        by: Actor,
        now: Instant,
    ) -> Result<(), DomainError> {
        if !matches!(by, Actor::Admin(_)) {
            return Err(DomainError::Forbidden("only an admin"));
        }
        let from = self.state.owner().ok_or(DomainError::InvalidTransition {
            action: "unassign",
            status: "unowned",
        })?;
        self.state = ConversationState::Queued {
            for_expert: None,
            wake: None,
        };
        self.push(entries, now, Event::Unassigned { from, by });
        Ok(())
    }

    /// An admin gives it to another expert, who must have a free slot.
    pub(super) fn on_reassign(
        &mut self,
        entries: Entries<'_>,
        by: Actor,
        to: ExpertId,
        slots: Slots,
        now: Instant,
    ) -> Result<(), DomainError> {
        if !matches!(by, Actor::Admin(_)) {
            return Err(DomainError::Forbidden("only an admin"));
        }
        if self.state.owner() == Some(to) {
            return Err(self.invalid("reassign to its own expert"));
        }
        slots.take(to)?;
        if let Some(from) = self.state.owner() {
            self.push(entries, now, Event::Unassigned { from, by });
        }
        self.state = ConversationState::Assigned {
            expert: to,
            wake: None,
        };
        let reason = AssignReason::Manual;
        self.push(entries, now, Event::Assigned { expert: to, reason });
        Ok(())
    }

    /// Its expert (not while it waits in the queue) or an admin closes it for good.
    pub(super) fn on_close(
        &mut self,
        entries: Entries<'_>,
        by: Actor,
        now: Instant,
    ) -> Result<(), DomainError> {
        match by {
            Actor::Visitor(_) => return Err(DomainError::VisitorCannotClose),
            Actor::System => return Err(DomainError::Forbidden("Ebb itself never closes; it")),
            Actor::Expert(expert) if self.state.owner() != Some(expert) => {
                return Err(DomainError::NotAssignedToExpert);
            }
            Actor::Expert(_) if self.state.status() == Status::Queued => {
                return Err(self.invalid("close"));
            }
            Actor::Expert(_) | Actor::Admin(_) => {}
        }
        self.state = ConversationState::Closed { by, at: now };
        self.push(entries, now, Event::Closed { by });
        Ok(())
    }
}
