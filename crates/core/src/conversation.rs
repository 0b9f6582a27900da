//! The conversation state machine: queued -> assigned -> snoozed -> (woken) -> assigned ...
//! -> closed. A command either yields the next state and its timeline entries or a typed
//! error. Conversations never close on their own and a visitor cannot close one.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::slots::Slots;
use crate::{
    Actor, AssignReason, Author, BrandId, ConversationId, DomainError, Entry, Event, ExpertId,
    Instant, MessageBody, SnoozeChoice, VisitorId, WakeReason,
};

/// Where a conversation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ConversationState {
    /// Waiting for a slot: in the brand queue, or reserved for the expert it woke up for.
    Queued {
        /// The expert whose next free slot it waits for (a woken conversation).
        for_expert: Option<ExpertId>,
        /// Why it woke, when it did.
        wake: Option<WakeReason>,
    },
    /// Holds one of the expert's slots.
    Assigned {
        /// The expert.
        expert: ExpertId,
        /// Set when it came back from a snooze and the expert has not acted yet.
        wake: Option<WakeReason>,
    },
    /// Snoozed by its expert: no slot held.
    Snoozed {
        /// The expert who keeps it.
        expert: ExpertId,
        /// When the snooze ends.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: Instant,
    },
    /// Closed for good.
    Closed {
        /// Who closed it.
        by: Actor,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        at: Instant,
    },
}

/// The status alone, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// See [`ConversationState::Queued`].
    Queued,
    /// See [`ConversationState::Assigned`].
    Assigned,
    /// See [`ConversationState::Snoozed`].
    Snoozed,
    /// See [`ConversationState::Closed`].
    Closed,
}

impl Status {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Assigned => "assigned",
            Self::Snoozed => "snoozed",
            Self::Closed => "closed",
        }
    }
}

impl ConversationState {
    /// True for a conversation waiting in the brand queue after it woke up: it goes ahead
    /// of new conversations.
    pub fn has_priority(&self) -> bool {
        matches!(
            self,
            Self::Queued {
                for_expert: None,
                wake: Some(_)
            }
        )
    }

    /// The status alone.
    pub fn status(&self) -> Status {
        match self {
            Self::Queued { .. } => Status::Queued,
            Self::Assigned { .. } => Status::Assigned,
            Self::Snoozed { .. } => Status::Snoozed,
            Self::Closed { .. } => Status::Closed,
        }
    }

    /// The expert holding a slot for this conversation, if any.
    pub fn slot_holder(&self) -> Option<ExpertId> {
        match self {
            Self::Assigned { expert, .. } => Some(*expert),
            _ => None,
        }
    }

    /// The expert the conversation belongs to (assigned, snoozed or woken for), if any.
    pub fn owner(&self) -> Option<ExpertId> {
        match self {
            Self::Assigned { expert, .. } | Self::Snoozed { expert, .. } => Some(*expert),
            Self::Queued { for_expert, .. } => *for_expert,
            Self::Closed { .. } => None,
        }
    }
}

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
    },
    /// The snooze timer fired.
    ExpireSnooze,
    /// The expert it woke up for stayed offline too long: back to the brand queue.
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
}

/// A conversation and everything the domain needs to decide on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    /// Identity.
    pub id: ConversationId,
    /// Its brand.
    pub brand_id: BrandId,
    /// Its visitor.
    pub visitor_id: VisitorId,
    /// Where it stands.
    pub state: ConversationState,
    /// How many times it was snoozed.
    pub snooze_count: u32,
    /// The seq of its last timeline entry.
    pub last_seq: u64,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
    /// Who wrote the last message (system messages excluded).
    pub last_author: Option<Author>,
    /// When the last message (system messages excluded) was written.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_message_at: Option<Instant>,
    /// Since when the expert has been waiting for the visitor's answer: the time of the
    /// expert's first message after the visitor last wrote.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub awaiting_since: Option<Instant>,
}

/// The result of a command: the new conversation and the entries to append.
pub type Decision = (Conversation, Vec<Entry>);

impl Conversation {
    /// Opens a conversation with the visitor's first message, followed by the brand's
    /// automatic message when there is one. It starts in the brand queue.
    pub fn start(
        id: ConversationId,
        brand_id: BrandId,
        visitor_id: VisitorId,
        first: MessageBody,
        client_msg_id: Option<String>,
        auto_message: Option<MessageBody>,
        now: Instant,
    ) -> Decision {
        let mut conv = Self {
            id,
            brand_id,
            visitor_id,
            state: ConversationState::Queued {
                for_expert: None,
                wake: None,
            },
            snooze_count: 0,
            last_seq: 0,
            created_at: now,
            last_author: None,
            last_message_at: None,
            awaiting_since: None,
        };
        let mut entries = Vec::new();
        conv.push(
            &mut entries,
            now,
            Event::Started {
                visitor: visitor_id,
            },
        );
        let author = Author::Visitor(visitor_id);
        conv.post(&mut entries, now, author, first, client_msg_id);
        if let Some(body) = auto_message {
            conv.post(&mut entries, now, Author::System, body, None);
        }
        (conv, entries)
    }

    /// Applies `command` at `now`.
    pub fn decide(&self, command: Command, now: Instant) -> Result<Decision, DomainError> {
        if let ConversationState::Closed { .. } = self.state {
            return Err(DomainError::ConversationClosed(self.id));
        }
        let mut next = self.clone();
        let mut entries = Vec::new();
        match command {
            Command::Post {
                author,
                body,
                client_msg_id,
            } => next.decide_post(&mut entries, author, body, client_msg_id, now)?,
            Command::Assign { expert, slots } => {
                let ConversationState::Queued { for_expert, wake } = self.state else {
                    return Err(self.invalid("assign"));
                };
                if for_expert.is_some_and(|owner| owner != expert) {
                    return Err(DomainError::NotAssignedToExpert);
                }
                slots.take(expert)?;
                next.state = ConversationState::Assigned { expert, wake };
                let reason = AssignReason::from(wake);
                next.push(&mut entries, now, Event::Assigned { expert, reason });
            }
            Command::Snooze {
                expert,
                choice,
                max,
            } => {
                self.check_holder(expert, "snooze")?;
                let until = choice.resolve(now, max)?;
                next.snooze_count += 1;
                next.state = ConversationState::Snoozed { expert, until };
                let count = next.snooze_count;
                next.push(
                    &mut entries,
                    now,
                    Event::Snoozed {
                        expert,
                        until,
                        count,
                    },
                );
            }
            Command::ExpireSnooze => match self.state {
                ConversationState::Snoozed { expert, until } if until <= now => {
                    next.wake(&mut entries, now, expert, WakeReason::SnoozeExpired);
                }
                _ => return Err(self.invalid("expire the snooze of")),
            },
            Command::Release => match self.state {
                ConversationState::Queued {
                    for_expert: Some(from),
                    wake,
                } => {
                    next.state = ConversationState::Queued {
                        for_expert: None,
                        wake,
                    };
                    next.push(&mut entries, now, Event::Released { from });
                }
                _ => return Err(self.invalid("release")),
            },
            Command::Unassign { by } => {
                let from = Self::admin_takes(by, &self.state)?;
                next.state = ConversationState::Queued {
                    for_expert: None,
                    wake: None,
                };
                next.push(&mut entries, now, Event::Unassigned { from, by });
            }
            Command::Reassign { by, to, slots } => {
                if !matches!(by, Actor::Admin(_)) {
                    return Err(DomainError::Forbidden("only an admin"));
                }
                if self.state.owner() == Some(to) {
                    return Err(self.invalid("reassign to its own expert"));
                }
                slots.take(to)?;
                if let Some(from) = self.state.owner() {
                    next.push(&mut entries, now, Event::Unassigned { from, by });
                }
                next.state = ConversationState::Assigned {
                    expert: to,
                    wake: None,
                };
                let reason = AssignReason::Manual;
                next.push(&mut entries, now, Event::Assigned { expert: to, reason });
            }
            Command::Close { by } => {
                match by {
                    Actor::Visitor(_) => return Err(DomainError::VisitorCannotClose),
                    Actor::System => {
                        return Err(DomainError::Forbidden("Ebb itself never closes; it"));
                    }
                    Actor::Expert(expert) if self.state.owner() != Some(expert) => {
                        return Err(DomainError::NotAssignedToExpert);
                    }
                    Actor::Expert(_) if self.state.status() == Status::Queued => {
                        return Err(self.invalid("close"));
                    }
                    Actor::Expert(_) | Actor::Admin(_) => {}
                }
                next.state = ConversationState::Closed { by, at: now };
                next.push(&mut entries, now, Event::Closed { by });
            }
        }
        Ok((next, entries))
    }

    fn decide_post(
        &mut self,
        entries: &mut Vec<Entry>,
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

    /// The expert an admin's unassign takes the conversation from.
    fn admin_takes(by: Actor, state: &ConversationState) -> Result<ExpertId, DomainError> {
        if !matches!(by, Actor::Admin(_)) {
            return Err(DomainError::Forbidden("only an admin"));
        }
        state.owner().ok_or(DomainError::InvalidTransition {
            action: "unassign",
            status: "unowned",
        })
    }

    fn check_holder(&self, expert: ExpertId, action: &'static str) -> Result<(), DomainError> {
        match self.state {
            ConversationState::Assigned { expert: e, .. } if e == expert => Ok(()),
            ConversationState::Assigned { .. } => Err(DomainError::NotAssignedToExpert),
            _ => Err(self.invalid(action)),
        }
    }

    fn wake(&mut self, entries: &mut Vec<Entry>, now: Instant, expert: ExpertId, why: WakeReason) {
        self.state = ConversationState::Queued {
            for_expert: Some(expert),
            wake: Some(why),
        };
        self.push(
            entries,
            now,
            Event::Woken {
                expert,
                reason: why,
            },
        );
    }

    fn post(
        &mut self,
        entries: &mut Vec<Entry>,
        now: Instant,
        author: Author,
        body: MessageBody,
        client_msg_id: Option<String>,
    ) {
        match author {
            Author::Visitor(_) => self.awaiting_since = None,
            Author::Expert(_) if self.awaiting_since.is_none() => self.awaiting_since = Some(now),
            _ => {}
        }
        if author != Author::System {
            self.last_author = Some(author);
            self.last_message_at = Some(now);
        }
        self.push(
            entries,
            now,
            Event::Message {
                author,
                body,
                client_msg_id,
            },
        );
    }

    fn push(&mut self, entries: &mut Vec<Entry>, at: Instant, event: Event) {
        self.last_seq += 1;
        entries.push(Entry {
            seq: self.last_seq,
            at,
            event,
        });
    }

    fn invalid(&self, action: &'static str) -> DomainError {
        DomainError::InvalidTransition {
            action,
            status: self.state.status().as_str(),
        }
    }
}

#[cfg(test)]
mod tests;
