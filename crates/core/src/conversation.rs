//! The conversation state machine: queued -> assigned -> snoozed -> (woken) -> assigned ...
//! -> closed. A command either yields the next state and its timeline entries or a typed
//! error. Conversations never close on their own and a visitor cannot close one.
//! [`Conversation::decide`] dispatches; each command has its own function in `commands`.

mod command;
mod commands;
pub mod opening;
mod state;
mod transfer;

use serde::{Deserialize, Serialize};

pub use command::Command;
pub use state::{ConversationState, Status};
pub use transfer::{MAX_NOTE_CHARS, TransferNote, TransferTarget};

use crate::{
    Author, BrandId, ConversationId, DomainError, Entry, Event, ExpertId, Instant, MessageBody,
    VisitorId, WakeReason,
};

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
    /// How many times it was snoozed, in all.
    pub snooze_count: u32,
    /// How many snoozes in a row expired without a word from the visitor: an expiry adds
    /// one, any visitor message starts again from 0. The snooze budget counts these.
    #[serde(default)]
    pub silent_expiries: u32,
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
    /// Since when the visitor has been waiting for an answer: the time of their first
    /// message after an expert last wrote (`null` once an expert answers).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub visitor_waiting_since: Option<Instant>,
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
            silent_expiries: 0,
            last_seq: 0,
            created_at: now,
            last_author: None,
            last_message_at: None,
            awaiting_since: None,
            visitor_waiting_since: None,
        };
        let mut entries = Vec::new();
        let visitor = visitor_id;
        conv.push(&mut entries, now, Event::Started { visitor });
        let author = Author::Visitor(visitor_id);
        conv.post(&mut entries, now, author, first, client_msg_id);
        if let Some(body) = auto_message {
            conv.post(&mut entries, now, Author::System, body, None);
        }
        (conv, entries)
    }

    /// For tests: a conversation of a fresh brand and visitor, started at `now` with the
    /// visitor's `first` message and no automatic message.
    ///
    /// # Panics
    /// When `first` is not a valid message body.
    #[cfg(any(test, feature = "test-ids"))]
    pub fn opened(first: &str, now: Instant) -> Self {
        let first = MessageBody::parse(first).expect("a valid first message");
        let (id, brand, visitor) = (ConversationId::new(), BrandId::new(), VisitorId::new());
        Self::start(id, brand, visitor, first, None, None, now).0
    }

    /// Applies `command` at `now`: a closed conversation refuses everything, any other
    /// command goes to its own function.
    pub fn decide(&self, command: Command, now: Instant) -> Result<Decision, DomainError> {
        if let ConversationState::Closed { .. } = self.state {
            return Err(DomainError::ConversationClosed(self.id));
        }
        let mut next = self.clone();
        let mut out = Vec::new();
        let entries = &mut out;
        match command {
            Command::Post {
                author,
                body,
                client_msg_id,
            } => next.on_post(entries, author, body, client_msg_id, now)?,
            Command::Assign { expert, slots } => next.on_assign(entries, expert, slots, now)?,
            Command::Snooze {
                expert,
                choice,
                max,
                budget,
            } => next.on_snooze(entries, expert, choice, (max, budget), now)?,
            Command::ExpireSnooze => next.on_expire_snooze(entries, now)?,
            Command::VisitorReturned { visitor } => {
                next.on_visitor_returned(entries, visitor, now)?
            }
            Command::Release => next.on_release(entries, now)?,
            Command::Unassign { by } => next.on_unassign(entries, by, now)?,
            Command::Reassign { by, to, slots } => next.on_reassign(entries, by, to, slots, now)?,
            Command::Close { by } => next.on_close(entries, by, now)?,
            Command::Transfer { by, to, note } => next.on_transfer(entries, by, to, note, now)?,
        }
        Ok((next, out))
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
        let reason = why;
        self.push(entries, now, Event::Woken { expert, reason });
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
            Author::Visitor(_) => {
                self.awaiting_since = None;
                self.silent_expiries = 0;
                self.visitor_waiting_since.get_or_insert(now);
            }
            Author::Expert(_) => {
                self.awaiting_since.get_or_insert(now);
                self.visitor_waiting_since = None;
            }
            Author::System => {}
        }
        if author != Author::System {
            self.last_author = Some(author);
            self.last_message_at = Some(now);
        }
        let event = Event::Message {
            author,
            body,
            client_msg_id,
        };
        self.push(entries, now, event);
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
