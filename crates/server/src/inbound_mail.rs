//! Visitors' replies by email, as the operator's mail server posts them to the inbound
//! hook: read with `mail-parser`, matched to a conversation by the signed reply address
//! among the recipients, and landed as the visitor's message through the desk (idempotent
//! per Message-ID). Machine-sent mail is ignored; anything else that cannot land is refused.

mod land;
mod read;

pub use land::{Landed, land};
pub use read::{InboundMail, read};

use axum::http::StatusCode;

/// The largest mail the hook takes, in bytes (attachments included: they are not kept).
pub const MAX_MAIL_BYTES: usize = 10 * 1024 * 1024;

/// Why a mail was refused; nothing of it landed. The mail server bounces it with this
/// reason (`ebb mail-inbound` exits with a code that says so).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    /// The body is not sent as a whole RFC 5322 message.
    #[error("the body must be a whole mail, sent as Content-Type: message/rfc822")]
    NotRfc822,
    /// The body has no mail header.
    #[error("the body is not a mail (no header could be read)")]
    NotAMail,
    /// No recipient is a reply address this server hands out.
    #[error("no recipient is a reply address of this server")]
    UnknownAddress,
    /// A recipient looks like a reply address but its signature does not match.
    #[error("the reply address is not one this server signed")]
    ForgedAddress,
    /// The address was signed, but its brand or conversation is gone.
    #[error("the conversation this reply address names no longer exists")]
    UnknownConversation,
    /// Nothing new is left once quotes and the signature are cut.
    #[error("the mail has no new text (only quoted history, a signature, or nothing)")]
    NoText,
    /// The new text is longer than one message may be.
    #[error(
        "the reply is {chars} characters long; a message holds at most {max}: please send a shorter reply"
    )]
    TooLong {
        /// The reply's length, in characters.
        chars: usize,
        /// The longest message, in characters.
        max: usize,
    },
}

impl Refusal {
    /// HTTP status and stable problem slug.
    pub fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotRfc822 => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-rfc822"),
            Self::NotAMail => (StatusCode::BAD_REQUEST, "not-a-mail"),
            Self::UnknownAddress | Self::UnknownConversation => {
                (StatusCode::NOT_FOUND, "unknown-reply-address")
            }
            Self::ForgedAddress => (StatusCode::FORBIDDEN, "forged-reply-address"),
            Self::NoText => (StatusCode::UNPROCESSABLE_ENTITY, "empty-reply"),
            Self::TooLong { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "reply-too-long"),
        }
    }
}
