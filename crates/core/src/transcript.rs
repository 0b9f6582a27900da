//! Transcripts: a conversation's timeline as a plain-text or HTML document. The visitor's
//! transcript holds the messages only; the desk's (experts, admins) holds the timeline's
//! events and the brand's tags too, and internal notes only when asked for, marked as such.

mod html;

pub use html::escape;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Author, Conversation, Entry, Event, ExpertId, Instant};
use crate::{note::Note, note::NoteAuthor};

/// A transcript's document format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `text/plain`: one line per entry, continuation lines indented.
    #[default]
    Text,
    /// `text/html`: a standalone page, every piece of text escaped.
    Html,
}

/// Who the transcript is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The visitor: their messages and the replies, nothing internal.
    Visitor,
    /// The brand's experts and admins: the whole timeline, tags, and the internal notes
    /// (and transfer notes) when `notes` is set.
    Desk {
        /// Include the internal notes, marked as internal.
        notes: bool,
    },
}

/// Everything a transcript is made of; the caller loads it for one brand.
#[derive(Clone, Copy, Debug)]
pub struct Transcript<'a> {
    /// The conversation.
    pub conversation: &'a Conversation,
    /// The brand's name (the author of Ebb's own messages).
    pub brand: &'a str,
    /// Its whole timeline, in seq order.
    pub entries: &'a [Entry],
    /// The display names of the brand's experts.
    pub experts: &'a BTreeMap<ExpertId, String>,
    /// The names of its tags (left out of the visitor's).
    pub tags: &'a [String],
    /// Its internal notes (left out unless the audience asks for them).
    pub notes: &'a [Note],
    /// Who reads it.
    pub audience: Audience,
}

/// One line of a transcript, before formatting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// When.
    pub at: Instant,
    /// What kind of line.
    pub kind: LineKind,
    /// Who wrote it (messages and notes) or empty (events).
    pub who: String,
    /// The text.
    pub text: String,
}

/// The kinds of lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A message the visitor sees.
    Message,
    /// Something that happened (assigned, transferred, snoozed, closed).
    Event,
    /// An internal note (or a transfer's note): never in the visitor's transcript.
    Internal,
}

/// The label that marks internal lines, in both formats.
pub const INTERNAL_LABEL: &str = "Internal note (the visitor does not see this)";

impl Transcript<'_> {
    /// Does this transcript carry internal notes?
    pub fn with_notes(&self) -> bool {
        self.audience == (Audience::Desk { notes: true })
    }

    /// The lines, oldest first (notes placed by their time among the entries).
    pub fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .entries
            .iter()
            .flat_map(|e| self.entry_lines(e))
            .collect();
        if self.with_notes() {
            lines.extend(self.notes.iter().map(|n| Line {
                at: n.created_at,
                kind: LineKind::Internal,
                who: match n.author {
                    NoteAuthor::Expert(id) => self.expert(id),
                    NoteAuthor::Admin(_) => "Admin".to_owned(),
                },
                text: n.body.as_str().to_owned(),
            }));
            lines.sort_by_key(|l| l.at);
        }
        lines
    }

    fn expert(&self, id: ExpertId) -> String {
        self.experts
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "An expert".to_owned())
    }

    fn entry_lines(&self, entry: &Entry) -> Vec<Line> {
        let line = |kind, who: String, text: String| Line {
            at: entry.at,
            kind,
            who,
            text,
        };
        if let Event::Message { author, body, .. } = &entry.event {
            let who = match author {
                Author::Visitor(_) => "Visitor".to_owned(),
                Author::Expert(id) => self.expert(*id),
                Author::System => self.brand.to_owned(),
            };
            return vec![line(LineKind::Message, who, body.as_str().to_owned())];
        }
        if self.audience == Audience::Visitor {
            return Vec::new();
        }
        let mut out = vec![line(LineKind::Event, String::new(), self.describe(entry))];
        if let Event::Transferred {
            from,
            note: Some(note),
            ..
        } = &entry.event
            && self.with_notes()
        {
            let text = note.as_str().to_owned();
            out.push(line(LineKind::Internal, self.expert(*from), text));
        }
        out
    }

    fn describe(&self, entry: &Entry) -> String {
        match &entry.event {
            Event::Started { .. } => "The visitor opened the conversation".to_owned(),
            Event::Message { .. } => String::new(),
            Event::Assigned { expert, .. } => format!("Assigned to {}", self.expert(*expert)),
            Event::Snoozed { expert, until, .. } => {
                format!(
                    "Snoozed by {} until {}",
                    self.expert(*expert),
                    stamp(*until)
                )
            }
            Event::Woken { expert, .. } => format!("Woke up for {}", self.expert(*expert)),
            Event::Released { .. } => "Back to the brand queue".to_owned(),
            Event::Unassigned { from, .. } => {
                format!("Taken from {} by an admin", self.expert(*from))
            }
            Event::Transferred { from, to, .. } => match to {
                Some(to) => format!(
                    "Transferred from {} to {}",
                    self.expert(*from),
                    self.expert(*to)
                ),
                None => format!("Transferred by {} to the queue", self.expert(*from)),
            },
            Event::Closed { .. } => "Closed".to_owned(),
        }
    }

    /// The heading lines: conversation, brand, start and (desk only) tags.
    fn header(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("Conversation", self.conversation.id.0.to_string()),
            ("Brand", self.brand.to_owned()),
            ("Started", stamp(self.conversation.created_at)),
        ];
        if self.audience != Audience::Visitor {
            out.push(("Tags", self.tags.join(", ")));
        }
        out
    }

    /// The transcript as plain text. A multi-line text is indented under its line, so no
    /// body can pass for another line.
    pub fn text(&self) -> String {
        let mut out = String::from("Transcript\n");
        for (k, v) in self.header() {
            out.push_str(&format!("{k}: {}\n", one_line(&v)));
        }
        if self.with_notes() {
            out.push_str(&format!("Marked lines: {INTERNAL_LABEL}\n"));
        }
        out.push('\n');
        for l in self.lines() {
            let text = l.text.replace("\r\n", "\n").replace(['\r', '\n'], "\n    ");
            let who = one_line(&l.who);
            out.push_str(&match l.kind {
                LineKind::Message => format!("[{}] {who}: {text}\n", stamp(l.at)),
                LineKind::Event => format!("[{}] -- {text}\n", stamp(l.at)),
                LineKind::Internal => {
                    format!("[{}] [{INTERNAL_LABEL}] {who}: {text}\n", stamp(l.at))
                }
            });
        }
        out
    }

    /// The transcript as a standalone HTML page, every text escaped.
    pub fn html(&self) -> String {
        html::page(self)
    }

    /// The transcript in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Html => self.html(),
        }
    }
}

/// `at` as RFC 3339 (UTC).
fn stamp(at: Instant) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

/// `s` with line breaks turned into spaces.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests;
