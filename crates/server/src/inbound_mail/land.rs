//! Landing a read mail: the conversation its signed reply address names (under that
//! brand's link secret, looked up with that brand's id), then the desk's visitor post, as
//! a widget send: waking a snoozed conversation for its expert, opening a follow-up of a
//! closed one, idempotent on the mail's key.

use ebb_core::mail_reply::Automatic;
use ebb_core::message::MAX_MESSAGE_CHARS;
use ebb_core::{Author, Conversation, MessageBody};
use ebb_store::{brands, conversations};

use super::{InboundMail, Refusal};
use crate::signing::{self, ReplyAddress};
use crate::{ApiError, AppState, desk};

/// What became of a mail that was not refused.
#[derive(Debug)]
pub enum Landed {
    /// Its text is the visitor's message (or was already: a replay).
    Posted(Box<desk::Outcome>),
    /// A machine sent it; nothing landed and nothing should bounce.
    Ignored(Automatic),
}

/// Lands `mail` as its conversation's visitor message, or says why not.
pub async fn land(state: &AppState, mail: InboundMail) -> Result<Landed, ApiError> {
    if let Some(why) = mail.automatic {
        tracing::info!(inbound.ignored = why.as_str(), "machine-sent mail ignored");
        return Ok(Landed::Ignored(why));
    }
    let conv = conversation_of(state, &mail.recipients).await?;
    // Any sender is taken (the signed address is the proof, and people reply from another
    // address of theirs); the log says whether it is the address the visitor left, never
    // the address itself.
    let mut conn = state.store.conn().await?;
    let left = ebb_store::mail::visitor_email(&mut conn, conv.brand_id, conv.visitor_id).await?;
    drop(conn);
    let known = match (&mail.sender, left) {
        (Some(sender), Some(left)) => sender.eq_ignore_ascii_case(&left.email),
        _ => false,
    };
    tracing::info!(
        conversation.id = %conv.id,
        inbound.sender_is_visitor_email = known,
        "reply mail for a conversation"
    );
    if mail.text.is_empty() {
        return Err(Refusal::NoText.into());
    }
    let body = MessageBody::parse(&mail.text).map_err(|_| Refusal::TooLong {
        chars: mail.text.chars().count(),
        max: MAX_MESSAGE_CHARS,
    })?;
    let author = Author::Visitor(conv.visitor_id);
    let key = Some(mail.key);
    let out = desk::post_message(state, conv.brand_id, conv.id, author, body, key).await?;
    Ok(Landed::Posted(Box::new(out)))
}

/// The conversation of the first recipient that is a reply address signed by its brand.
async fn conversation_of(
    state: &AppState,
    recipients: &[String],
) -> Result<Conversation, ApiError> {
    let candidates: Vec<ReplyAddress> =
        recipients.iter().filter_map(|r| reply_address(r)).collect();
    if candidates.is_empty() {
        return Err(Refusal::UnknownAddress.into());
    }
    let mut refusal = Refusal::ForgedAddress;
    for address in candidates {
        let mut conn = state.store.conn().await?;
        if brands::by_id(&mut conn, address.brand).await?.is_none() {
            continue;
        }
        drop(conn);
        if !address.verify(&signing::link_secret(state, address.brand).await?) {
            continue;
        }
        let mut conn = state.store.conn().await?;
        match conversations::get(&mut conn, address.brand, address.conversation).await? {
            Some(conv) => return Ok(conv),
            None => refusal = Refusal::UnknownConversation,
        }
    }
    Err(refusal.into())
}

/// The reply address in `recipient`'s local part: the whole of it, or one of its
/// `+`-separated pieces (`support+<address>@...` where the mail server uses sub-addressing).
fn reply_address(recipient: &str) -> Option<ReplyAddress> {
    let local = recipient.rsplit_once('@').map_or(recipient, |(l, _)| l);
    ReplyAddress::parse(local).or_else(|| local.split('+').find_map(ReplyAddress::parse))
}
