//! What the emails say: a follow-up carrying the unseen replies, and a transcript. Both are
//! multipart text + HTML, every visitor or expert text escaped in the HTML (core's
//! transcript escaping), with a stable Message-ID per batch, In-Reply-To/References to the
//! conversation's previous email, List-Unsubscribe (one-click) and the signed Reply-To.

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::{MailError, Mailer};
use ebb_core::transcript::escape;

/// One reply in a follow-up.
#[derive(Clone, Debug)]
pub struct ShownReply {
    /// Who wrote it.
    pub who: String,
    /// What they wrote.
    pub text: String,
}

/// Everything an email of a conversation carries besides its content.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The visitor's address.
    pub to: String,
    /// The brand's name.
    pub brand: String,
    /// The batch id's Message-ID (`<id@reply-domain>`).
    pub message_id: String,
    /// The conversation's previous email, if any.
    pub previous: Option<String>,
    /// The signed reply address (local part).
    pub reply_local: String,
    /// The signed link reopening the conversation.
    pub resume_url: String,
    /// The signed unsubscribe link.
    pub unsubscribe_url: String,
}

/// The Message-ID of a batch.
pub fn message_id(batch: uuid::Uuid, domain: &str) -> String {
    format!("<{}@{domain}>", batch.simple())
}

/// A follow-up email with `replies`.
pub fn follow_up(
    mailer: &Mailer,
    env: &Envelope,
    replies: &[ShownReply],
) -> Result<Message, MailError> {
    let subject = format!("New reply from {}", one_line(&env.brand));
    let mut text = format!("You have a new reply from {}:\n\n", env.brand);
    let mut html = format!("<p>You have a new reply from {}:</p>\n", escape(&env.brand));
    for r in replies {
        text.push_str(&format!("{}:\n{}\n\n", r.who, r.text));
        html.push_str(&format!(
            "<p><strong>{}</strong></p><blockquote style=\"white-space:pre-wrap\">{}</blockquote>\n",
            escape(&r.who),
            escape(&r.text)
        ));
    }
    text.push_str(&format!(
        "Continue the conversation: {}\nOr simply reply to this email.\n\n\
         Stop these emails: {}\n",
        env.resume_url, env.unsubscribe_url
    ));
    html.push_str(&format!(
        "<p><a href=\"{}\">Continue the conversation</a>, or simply reply to this email.</p>\n\
         <p style=\"color:#777;font-size:12px\"><a href=\"{}\">Stop these emails</a></p>\n",
        escape(&env.resume_url),
        escape(&env.unsubscribe_url)
    ));
    build(mailer, env, &subject, text, html)
}

/// A transcript email.
pub fn transcript(
    mailer: &Mailer,
    env: &Envelope,
    text_transcript: &str,
    html_transcript: &str,
) -> Result<Message, MailError> {
    let subject = format!("Your conversation with {}", one_line(&env.brand));
    let text = format!(
        "{text_transcript}\nContinue the conversation: {}\n\nStop follow-up emails: {}\n",
        env.resume_url, env.unsubscribe_url
    );
    let footer = format!(
        "<p><a href=\"{}\">Continue the conversation</a></p>\
         <p style=\"color:#777;font-size:12px\"><a href=\"{}\">Stop follow-up emails</a></p></body>",
        escape(&env.resume_url),
        escape(&env.unsubscribe_url)
    );
    let html = html_transcript.replacen("</body>", &footer, 1);
    build(mailer, env, &subject, text, html)
}

fn build(
    mailer: &Mailer,
    env: &Envelope,
    subject: &str,
    text: String,
    html: String,
) -> Result<Message, MailError> {
    let bad = |e: lettre::address::AddressError| MailError::Message(e.to_string());
    let to: Mailbox = env.to.parse().map_err(bad)?;
    let reply_to: Mailbox = format!("{}@{}", env.reply_local, mailer.reply_domain)
        .parse()
        .map_err(bad)?;
    let from = Mailbox::new(Some(one_line(&env.brand)), mailer.from.email.clone());
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .reply_to(reply_to)
        .subject(subject)
        .message_id(Some(env.message_id.clone()))
        .raw_header(raw(
            "List-Unsubscribe",
            format!("<{}>", env.unsubscribe_url),
        )?)
        .raw_header(raw(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".to_owned(),
        )?)
        .raw_header(raw("Auto-Submitted", "auto-generated".to_owned())?);
    if let Some(previous) = &env.previous {
        builder = builder
            .in_reply_to(previous.clone())
            .references(previous.clone());
    }
    builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| MailError::Message(e.to_string()))
}

fn raw(name: &'static str, value: String) -> Result<HeaderValue, MailError> {
    let name = HeaderName::new_from_ascii_str(name);
    Ok(HeaderValue::new(name, value))
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}
