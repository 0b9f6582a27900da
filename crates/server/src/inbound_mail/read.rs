//! Reading a raw mail into what landing it needs: its recipients (envelope first), its
//! sender, an idempotency key from its Message-ID, its new text and whether a machine
//! sent it.

use ebb_core::mail_reply::{self, Automatic, Signals};
use mail_parser::decoders::html::html_to_text;
use mail_parser::{HeaderForm, HeaderValue, Message, MessageParser};
use sha2::{Digest, Sha256};

use super::Refusal;

/// A mail posted to the inbound hook, read.
#[derive(Debug)]
pub struct InboundMail {
    /// Where it was delivered to: the envelope recipient first, then `Delivered-To`,
    /// `X-Original-To`, `To` and `Cc`.
    pub recipients: Vec<String>,
    /// The `From` address, if any.
    pub sender: Option<String>,
    /// `mail:` and the SHA-256 of the Message-ID (of the whole mail when it has none):
    /// the visitor message's client id, so the same mail posted twice lands once.
    pub key: String,
    /// The new text (quotes and signature cut), from the text part or the HTML one.
    pub text: String,
    /// Why a machine sent it, if one did.
    pub automatic: Option<Automatic>,
}

/// Reads `raw`, delivered to `envelope` (the recipients the mail server names).
pub fn read(raw: &[u8], envelope: &[String]) -> Result<InboundMail, Refusal> {
    let message = MessageParser::default()
        .parse(raw)
        .filter(is_a_mail)
        .ok_or(Refusal::NotAMail)?;
    let automatic = mail_reply::automatic(&signals(&message));
    let mut recipients: Vec<String> = envelope.iter().map(|r| bare(r)).collect();
    for name in ["Delivered-To", "X-Original-To"] {
        for value in message.header_as(name, HeaderForm::Addresses) {
            recipients.extend(addresses(&value));
        }
    }
    for list in message.all_to().chain(message.all_cc()) {
        recipients.extend(list.iter().filter_map(|a| a.address()).map(bare));
    }
    let sender = message
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .map(bare);
    let id = message.message_id().map(str::as_bytes).unwrap_or(raw);
    let key = format!("mail:{}", hex(&Sha256::digest(id)));
    let body = text_of(&message);
    Ok(InboundMail {
        recipients,
        sender,
        key,
        text: mail_reply::new_text(&body),
        automatic,
    })
}

/// Whether the parse found a mail header (RFC 5322 wants From and Date; relays that
/// lose them keep To or Message-ID), not just a line of text.
fn is_a_mail(message: &Message<'_>) -> bool {
    ["From", "To", "Date", "Message-ID", "Subject"]
        .iter()
        .any(|h| message.header(*h).is_some())
}

/// The mail's first text part, or its HTML part (history cut, then as text).
fn text_of(message: &Message<'_>) -> String {
    let html_only = message.text_part(0).is_some_and(|p| p.is_text_html());
    match message.body_html(0) {
        Some(html) if html_only => html_to_text(&mail_reply::html_before_history(&html)),
        _ => message.body_text(0).unwrap_or_default().into_owned(),
    }
}

/// The headers core's rule looks at.
fn signals<'a>(m: &'a Message<'a>) -> Signals<'a> {
    let raw = |name: &'static str| m.header_raw(name).map(str::trim);
    Signals {
        auto_submitted: raw("Auto-Submitted"),
        precedence: raw("Precedence"),
        autoreply_header: ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
            .iter()
            .any(|h| m.header_raw(*h).is_some()),
        return_path: raw("Return-Path"),
        content_type: raw("Content-Type"),
        subject: m.subject(),
    }
}

/// The addresses of a header read as an address list.
fn addresses(value: &HeaderValue<'_>) -> Vec<String> {
    value
        .as_address()
        .map(|list| list.iter().filter_map(|a| a.address()).map(bare).collect())
        .unwrap_or_default()
}

/// An address without angle brackets or spaces, lowercased.
fn bare(address: &str) -> String {
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_ascii_lowercase()
}

/// Lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_envelope_and_every_delivery_header() {
        let raw = b"Delivered-To: d@x.test\r\nX-Original-To: <o@x.test>\r\nTo: Ebb <T@x.test>\r\nCc: c@x.test, e@x.test\r\nFrom: Bob <Bob@Example.test>\r\nMessage-ID: <1@b>\r\nSubject: Re: hi\r\n\r\nThanks!\r\n";
        let mail = read(raw, &["Env@x.test".to_owned()]).expect("a mail");
        let expected = [
            "env@x.test",
            "d@x.test",
            "o@x.test",
            "t@x.test",
            "c@x.test",
            "e@x.test",
        ];
        assert_eq!(mail.recipients, expected);
        assert_eq!(mail.sender.as_deref(), Some("bob@example.test"));
        assert_eq!(mail.text, "Thanks!");
        assert_eq!(mail.automatic, None);
        let again = read(raw, &[]).expect("a mail");
        assert_eq!(again.key, mail.key, "the key is the Message-ID's");
        assert!(mail.key.starts_with("mail:") && mail.key.len() == 69);
    }

    #[test]
    fn a_mail_without_a_message_id_is_keyed_by_its_bytes() {
        let a = read(b"To: t@x.test\r\n\r\nOne", &[]).expect("a mail");
        let b = read(b"To: t@x.test\r\n\r\nTwo", &[]).expect("a mail");
        assert_ne!(a.key, b.key);
    }

    #[test]
    fn what_is_not_a_mail_is_refused() {
        assert_eq!(read(b"", &[]).err(), Some(Refusal::NotAMail));
        assert_eq!(read(b"just some text", &[]).err(), Some(Refusal::NotAMail));
    }
}
