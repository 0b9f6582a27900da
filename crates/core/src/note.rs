//! Internal notes: text an expert or admin leaves on a conversation for colleagues. A note
//! is not a timeline entry: it never reaches the visitor (widget, WebSocket, webhooks).

use serde::{Deserialize, Serialize};

use crate::{AdminId, BrandId, Conversation, ConversationId, ExpertId, Instant, NoteId};
use crate::{DomainError, MessageBody};

/// Who wrote a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum NoteAuthor {
    /// An expert of the brand.
    Expert(ExpertId),
    /// An admin of the brand.
    Admin(AdminId),
}

/// An internal note on a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    /// Identity.
    pub id: NoteId,
    /// Its brand.
    pub brand_id: BrandId,
    /// The conversation it is about.
    pub conversation_id: ConversationId,
    /// Who wrote it.
    pub author: NoteAuthor,
    /// The text (the same limits as a message body).
    pub body: MessageBody,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
}

/// May `author` read and write the notes of `conversation`? An admin may on any
/// conversation of their brand (the caller loads it by brand); an expert only on one they
/// own (assigned, snoozed, or woken and waiting for them).
pub fn may_access(conversation: &Conversation, author: NoteAuthor) -> bool {
    match author {
        NoteAuthor::Admin(_) => true,
        NoteAuthor::Expert(expert) => conversation.state.owner() == Some(expert),
    }
}

/// Writes a note: checks `author` may and validates `raw` as a body (trimmed, non-empty,
/// at most [`crate::message::MAX_MESSAGE_CHARS`]). `None` when `author` may not.
pub fn write(
    conversation: &Conversation,
    author: NoteAuthor,
    id: NoteId,
    raw: &str,
    now: Instant,
) -> Result<Option<Note>, DomainError> {
    if !may_access(conversation, author) {
        return Ok(None);
    }
    Ok(Some(Note {
        id,
        brand_id: conversation.brand_id,
        conversation_id: conversation.id,
        author,
        body: MessageBody::parse(raw)?,
        created_at: now,
    }))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;
    use crate::ConversationState;
    use crate::message::MAX_MESSAGE_CHARS;

    const T0: Instant = datetime!(2026-12-01 09:00 UTC);

    fn held_by(state: ConversationState) -> Conversation {
        let mut conv = Conversation::opened("Hello?", T0);
        conv.state = state;
        conv
    }

    #[test]
    fn the_owning_expert_and_any_admin_may_write_others_may_not() {
        let expert = ExpertId::new();
        let other = ExpertId::new();
        let conv = held_by(ConversationState::Assigned { expert, wake: None });
        let note = write(&conv, NoteAuthor::Expert(expert), NoteId::new(), " hi ", T0)
            .expect("valid")
            .expect("allowed");
        assert_eq!(note.body.as_str(), "hi");
        assert_eq!(note.conversation_id, conv.id);
        assert_eq!(note.brand_id, conv.brand_id);
        let denied = write(&conv, NoteAuthor::Expert(other), NoteId::new(), "hi", T0);
        assert_eq!(denied, Ok(None));
        let queued = held_by(ConversationState::Queued {
            for_expert: None,
            wake: None,
        });
        assert!(!may_access(&queued, NoteAuthor::Expert(expert)));
        assert!(may_access(&queued, NoteAuthor::Admin(AdminId::new())));
    }

    proptest! {
        #[test]
        fn a_note_is_accepted_exactly_when_its_trimmed_text_is_1_to_max_chars(len in 0usize..MAX_MESSAGE_CHARS + 50) {
            let admin = NoteAuthor::Admin(AdminId::new());
            let conv = held_by(ConversationState::Queued { for_expert: None, wake: None });
            let raw = "é".repeat(len);
            let result = write(&conv, admin, NoteId::new(), &raw, T0);
            prop_assert_eq!(result.is_ok(), (1..=MAX_MESSAGE_CHARS).contains(&len));
        }
    }
}
