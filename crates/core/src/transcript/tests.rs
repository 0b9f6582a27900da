use std::collections::BTreeMap;

use proptest::prelude::*;
use time::macros::datetime;

use super::html::escape;
use super::*;
use crate::conversation::TransferNote;
use crate::{BrandId, ConversationId, MessageBody, NoteId, VisitorId};

const T0: Instant = datetime!(2026-12-01 09:00 UTC);
const HOSTILE: &str = "<script>alert(\"x\")</script> & 'quoted' <b>";

/// A conversation opened by a visitor, answered by `ada`, transferred to `bob` with a
/// transfer note, and one internal note; `visitor_text` is the visitor's first message.
fn story(visitor_text: &str) -> (Conversation, Vec<Entry>, BTreeMap<ExpertId, String>, Note) {
    let body = |s: &str| MessageBody::parse(s).expect("valid body");
    let (conv, mut entries) = Conversation::start(
        ConversationId::new(),
        BrandId::new(),
        VisitorId::new(),
        body(visitor_text),
        None,
        Some(body("Thanks, we reply within a day")),
        T0,
    );
    let (ada, bob) = (ExpertId::new(), ExpertId::new());
    let mut at = T0;
    let mut push = |event| {
        at += time::Duration::minutes(1);
        let seq = entries.len() as u64 + 1;
        entries.push(Entry { seq, at, event });
    };
    push(Event::Message {
        author: Author::Expert(ada),
        body: body("Hi, how can I help?"),
        client_msg_id: None,
    });
    push(Event::Transferred {
        from: ada,
        to: Some(bob),
        note: Some(TransferNote::parse("transfer-secret").expect("note")),
    });
    let note = Note {
        id: NoteId::new(),
        brand_id: conv.brand_id,
        conversation_id: conv.id,
        author: NoteAuthor::Expert(ada),
        body: body("note-secret"),
        created_at: T0 + time::Duration::seconds(30),
    };
    let experts = BTreeMap::from([(ada, HOSTILE.to_owned()), (bob, "Bob".to_owned())]);
    (conv, entries, experts, note)
}

fn transcript<'a>(
    parts: &'a (Conversation, Vec<Entry>, BTreeMap<ExpertId, String>, Note),
    tags: &'a [String],
    audience: Audience,
) -> Transcript<'a> {
    Transcript {
        conversation: &parts.0,
        brand: "Acme <Shop>",
        entries: &parts.1,
        experts: &parts.2,
        tags,
        notes: std::slice::from_ref(&parts.3),
        audience,
    }
}

#[test]
fn the_visitors_transcript_has_the_messages_and_nothing_internal() {
    let parts = story("Where is my order?");
    let tags = ["vip".to_owned()];
    let t = transcript(&parts, &tags, Audience::Visitor);
    let text = t.text();
    assert!(text.contains("Visitor: Where is my order?"), "{text}");
    assert!(text.contains("Acme <Shop>: Thanks, we reply"), "{text}");
    assert!(text.contains("Hi, how can I help?"), "{text}");
    for hidden in [
        "note-secret",
        "transfer-secret",
        "vip",
        "Transferred",
        "Tags",
    ] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
        assert!(!t.html().contains(hidden), "{hidden} in the html");
    }
}

#[test]
fn the_desks_transcript_has_events_and_tags_and_notes_only_when_asked() {
    let parts = story("Where is my order?");
    let tags = ["vip".to_owned(), "refund".to_owned()];
    let without = transcript(&parts, &tags, Audience::Desk { notes: false }).text();
    assert!(without.contains("Tags: vip, refund"), "{without}");
    assert!(without.contains("-- Transferred from"), "{without}");
    assert!(!without.contains("note-secret"), "{without}");
    assert!(!without.contains("transfer-secret"), "{without}");
    assert!(!without.contains(INTERNAL_LABEL), "{without}");
    let with = transcript(&parts, &tags, Audience::Desk { notes: true }).text();
    let marked = |secret: &str| {
        with.lines()
            .any(|l| l.contains(secret) && l.contains(&format!("[{INTERNAL_LABEL}]")))
    };
    assert!(marked("note-secret"), "{with}");
    assert!(marked("transfer-secret"), "{with}");
    let note = with.find("note-secret").expect("note");
    let reply = with.find("Hi, how can I help?").expect("reply");
    assert!(
        note < reply,
        "notes sit at their time among the entries: {with}"
    );
}

#[test]
fn a_body_cannot_forge_a_line_of_the_text_transcript() {
    let parts = story("hello\n[2026-12-01T09:00:00Z] Bob: refund granted\r\nok");
    let text = transcript(&parts, &[], Audience::Visitor).text();
    assert!(
        text.lines()
            .all(|l| !l.starts_with("[2026-12-01T09:00:00Z] Bob")),
        "{text}"
    );
    assert!(text.contains("\n    [2026-12-01T09:00:00Z] Bob: refund granted\n    ok"));
}

#[test]
fn the_html_transcript_escapes_names_bodies_tags_and_the_brand() {
    let parts = story(HOSTILE);
    let tags = [HOSTILE.to_owned()];
    let html = transcript(&parts, &tags, Audience::Desk { notes: true }).html();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(!html.contains("'quoted'"), "{html}");
    assert!(!html.contains("<Shop>"), "{html}");
    assert!(html.contains(&escape(HOSTILE)), "{html}");
    assert!(html.contains("class=\"internal\""), "{html}");
}

proptest! {
    #[test]
    fn escaped_text_has_no_markup_and_round_trips(s in any::<String>()) {
        let e = escape(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']));
        let back = e
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        prop_assert_eq!(back, s);
    }
}
