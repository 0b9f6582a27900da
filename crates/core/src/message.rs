//! Messages: who wrote them and what a valid body is.

use serde::{Deserialize, Serialize};

use crate::{DomainError, ExpertId, VisitorId};

/// The longest message body accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Author {
    /// The visitor.
    Visitor(VisitorId),
    /// An expert.
    Expert(ExpertId),
    /// Ebb itself, e.g. the brand's automatic message.
    System,
}

impl Author {
    /// The stable text name of the author's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Visitor(_) => "visitor",
            Self::Expert(_) => "expert",
            Self::System => "system",
        }
    }

    /// Whose idempotency keys these are (`visitor:<id>`, `expert:<id>`, `system`): a client
    /// message id is unique per conversation and author, so one author's retry finds their
    /// own message and never another author's.
    pub fn key(&self) -> String {
        match self {
            Self::Visitor(id) => format!("visitor:{}", id.0),
            Self::Expert(id) => format!("expert:{}", id.0),
            Self::System => "system".to_owned(),
        }
    }
}

/// Trims `raw`; refuses text that is then empty or longer than `max` characters (the rule
/// of every written text: message bodies, transfer notes).
pub(crate) fn trimmed_text(raw: &str, max: usize) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::EmptyMessage);
    }
    if text.chars().count() > max {
        return Err(DomainError::MessageTooLong { max });
    }
    Ok(text.to_owned())
}

/// A validated message body: trimmed, non-empty, at most [`MAX_MESSAGE_CHARS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct MessageBody(String);

impl MessageBody {
    /// Validates raw text into a body.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        trimmed_text(raw, MAX_MESSAGE_CHARS).map(Self)
    }

    /// A body from a constant of core's own (e.g. the erased-message marker), which the
    /// caller knows is a valid body.
    pub(crate) fn from_static(text: &'static str) -> Self {
        Self(text.to_owned())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The longest message preview a conversation list shows, in characters.
pub const PREVIEW_CHARS: usize = 140;

/// A message's text as a list shows it: runs of whitespace (line breaks too) as one space,
/// at most [`PREVIEW_CHARS`] characters, with `…` when it was cut.
pub fn preview(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        return flat;
    }
    let mut cut: String = flat.chars().take(PREVIEW_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_one_bounded_line() {
        assert_eq!(preview("  Hello\n\n  there  "), "Hello there");
        let long = "é".repeat(PREVIEW_CHARS + 10);
        let cut = preview(&long);
        assert_eq!(cut.chars().count(), PREVIEW_CHARS);
        assert!(cut.ends_with('…'));
        let exact = "a".repeat(PREVIEW_CHARS);
        assert_eq!(preview(&exact), exact, "at the limit nothing is cut");
    }

    #[test]
    fn body_is_trimmed_and_checked() {
        assert_eq!(MessageBody::parse("  hi ").map(|b| b.0), Ok("hi".into()));
        assert_eq!(MessageBody::parse(" \n "), Err(DomainError::EmptyMessage));
        let long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(matches!(
            MessageBody::parse(&long),
            Err(DomainError::MessageTooLong { .. })
        ));
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }
}
