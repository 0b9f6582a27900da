//! Who may open a conversation: an anonymous visitor has at most one open conversation
//! with a brand at a time (a second start while one is open is refused; the visitor
//! writes to the open one), so one visitor can hold at most one expert's slot.

use crate::earnings::Span;
use crate::{ConversationId, DomainError};

/// How many open conversations one visitor may have with a brand at once.
pub const MAX_OPEN_PER_VISITOR: usize = 1;

/// Whether a visitor whose conversations with the brand are `spans` may start another:
/// refused with the open one's id while they have [`MAX_OPEN_PER_VISITOR`] open.
pub fn may_start(spans: &[Span]) -> Result<(), DomainError> {
    let open: Vec<ConversationId> = spans
        .iter()
        .filter(|s| s.closed_at.is_none())
        .map(|s| s.id)
        .collect();
    match open.first() {
        Some(id) if open.len() >= MAX_OPEN_PER_VISITOR => {
            Err(DomainError::ConversationAlreadyOpen(*id))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    fn span(closed: bool) -> Span {
        let at = datetime!(2026-11-25 09:00 UTC);
        Span {
            id: ConversationId::new(),
            started_at: at,
            closed_at: closed.then_some(at),
            previous: None,
            closer: None,
        }
    }

    proptest! {
        /// A visitor may start exactly when none of their conversations is open.
        #[test]
        fn a_visitor_opens_one_conversation_at_a_time(closed in proptest::collection::vec(any::<bool>(), 0..6)) {
            let spans: Vec<Span> = closed.iter().map(|c| span(*c)).collect();
            let result = may_start(&spans);
            prop_assert_eq!(result.is_ok(), closed.iter().all(|c| *c));
            if let Err(DomainError::ConversationAlreadyOpen(id)) = result {
                prop_assert!(spans.iter().any(|s| s.id == id && s.closed_at.is_none()));
            }
        }
    }
}
