//! Personal data rules: what erasing one visitor removes and keeps (GDPR article 17), and
//! when a brand's retention period removes the text of an ended conversation.
//!
//! Erasing a visitor removes every free text of their conversations (messages by anyone,
//! since replies quote and address them, and CSAT comments), the token that identified
//! their browser, and their id, replaced by a fresh pseudonym everywhere it was stored.
//! It keeps the money ledger whole: purchases, contact fees, commissions and payouts keep
//! their amounts, currencies, times and expert attribution, pointing at the pseudonym;
//! timelines keep their shape (every entry, seq and time) with erased message text; CSAT
//! ratings stay (they rate the expert, not the visitor).

use std::ops::RangeInclusive;

use time::Duration;

use crate::{Author, DomainError, Event, Instant, MessageBody, VisitorId};

/// The text an erased message shows instead of what was written.
pub const ERASED_TEXT: &str = "[erased]";

/// Allowed retention period, in days after a conversation was closed (0: keep forever;
/// at most 10 years).
pub const RETENTION_DAYS: RangeInclusive<i64> = 0..=3650;

/// The kinds of timeline events that may hold personal data ([`holds_personal_data`]):
/// the only ones erasure and retention read and rewrite.
pub const PERSONAL_KINDS: [&str; 3] = ["message", "started", "transferred"];

/// The body every erased message gets.
pub fn erased_body() -> MessageBody {
    MessageBody::from_static(ERASED_TEXT)
}

/// `event` with its personal data erased: a message's text becomes [`ERASED_TEXT`], the
/// visitor who started it or wrote it becomes `pseudonym`; every other field (authors, experts,
/// times, the client's message id) is kept.
pub fn erase_event(event: Event, pseudonym: VisitorId) -> Event {
    match erase_text(event) {
        Event::Started { .. } => Event::Started { visitor: pseudonym },
        Event::Message {
            author: Author::Visitor(_),
            body,
            client_msg_id,
        } => Event::Message {
            author: Author::Visitor(pseudonym),
            body,
            client_msg_id,
        },
        other => other,
    }
}

/// `event` with its free text erased (what the retention period removes): a message's
/// text becomes [`ERASED_TEXT`], a transfer's note is dropped; everything else is kept.
pub fn erase_text(event: Event) -> Event {
    match event {
        Event::Transferred { from, to, .. } => Event::Transferred {
            from,
            to,
            note: None,
        },
        Event::Message {
            author,
            client_msg_id,
            ..
        } => Event::Message {
            author,
            body: erased_body(),
            client_msg_id,
        },
        other => other,
    }
}

/// Whether `event` still holds personal data that [`erase_event`] removes.
pub fn holds_personal_data(event: &Event, pseudonym: VisitorId) -> bool {
    match event {
        Event::Message { body, author, .. } => {
            body.as_str() != ERASED_TEXT || matches!(author, Author::Visitor(v) if *v != pseudonym)
        }
        Event::Started { visitor } => *visitor != pseudonym,
        Event::Transferred { note, .. } => note.is_some(),
        _ => false,
    }
}

/// The retention period `days` as a checked setting.
pub fn check_retention_days(days: i64) -> Result<(), DomainError> {
    if RETENTION_DAYS.contains(&days) {
        return Ok(());
    }
    Err(DomainError::InvalidSetting {
        setting: "retention_days",
        min: *RETENTION_DAYS.start(),
        max: *RETENTION_DAYS.end(),
        unit: "",
    })
}

/// Conversations closed at or before this instant have outlived a retention of `days` at
/// `now`; `None` when the brand keeps everything (`days` is 0 or negative).
pub fn retention_cutoff(days: i64, now: Instant) -> Option<Instant> {
    (days > 0).then(|| now - Duration::days(days))
}

/// Whether the text of a conversation closed at `closed_at` is past a retention of `days`
/// at `now` (an open conversation never is).
pub fn retention_expired(closed_at: Option<Instant>, days: i64, now: Instant) -> bool {
    match (closed_at, retention_cutoff(days, now)) {
        (Some(closed), Some(cutoff)) => closed <= cutoff,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;
    use crate::ExpertId;

    const NOW: Instant = datetime!(2026-11-25 09:00 UTC);

    #[test]
    fn erasing_a_message_pseudonymises_its_author_and_keeps_its_client_id() {
        let visitor = VisitorId::new();
        let event = Event::Message {
            author: Author::Visitor(visitor),
            body: MessageBody::parse("my address is 1 Main St").expect("body"),
            client_msg_id: Some("m1".into()),
        };
        let pseudonym = VisitorId::new();
        let erased = erase_event(event.clone(), pseudonym);
        assert!(holds_personal_data(&event, pseudonym));
        assert!(!holds_personal_data(&erased, pseudonym));
        assert_eq!(
            erased,
            Event::Message {
                author: Author::Visitor(pseudonym),
                body: erased_body(),
                client_msg_id: Some("m1".into()),
            }
        );
    }

    #[test]
    fn erasing_drops_a_transfer_note_and_keeps_who_moved_it() {
        let (from, to) = (ExpertId::new(), ExpertId::new());
        let note =
            crate::conversation::TransferNote::parse("she lives at 1 Main St").expect("note");
        let event = Event::Transferred {
            from,
            to: Some(to),
            note: Some(note),
        };
        let pseudonym = VisitorId::new();
        assert!(holds_personal_data(&event, pseudonym));
        let erased = erase_event(event, pseudonym);
        assert!(!holds_personal_data(&erased, pseudonym));
        assert_eq!(
            erased,
            Event::Transferred {
                from,
                to: Some(to),
                note: None
            }
        );
    }

    #[test]
    fn only_the_personal_kinds_hold_personal_data() {
        let (visitor, expert) = (VisitorId::new(), ExpertId::new());
        let note = crate::conversation::TransferNote::parse("a note").expect("note");
        let personal = [
            Event::Started { visitor },
            Event::Message {
                author: Author::Expert(expert),
                body: MessageBody::parse("hi").expect("body"),
                client_msg_id: None,
            },
            Event::Transferred {
                from: expert,
                to: None,
                note: Some(note),
            },
        ];
        for event in &personal {
            assert!(holds_personal_data(event, VisitorId::new()), "{event:?}");
            assert!(PERSONAL_KINDS.contains(&event.kind()), "{event:?}");
        }
    }

    #[test]
    fn erasing_keeps_events_without_personal_data() {
        let pseudonym = VisitorId::new();
        let closed = Event::Released {
            from: ExpertId::new(),
        };
        assert_eq!(erase_event(closed.clone(), pseudonym), closed);
        let reply = Event::Message {
            author: Author::Expert(ExpertId::new()),
            body: MessageBody::parse("hi").expect("body"),
            client_msg_id: None,
        };
        let erased = erase_event(reply.clone(), pseudonym);
        assert_eq!(erase_text(reply), erased, "an expert stays the author");
        let started = erase_event(
            Event::Started {
                visitor: VisitorId::new(),
            },
            pseudonym,
        );
        assert_eq!(started, Event::Started { visitor: pseudonym });
    }

    #[test]
    fn the_erased_marker_is_a_valid_body() {
        assert_eq!(MessageBody::parse(ERASED_TEXT), Ok(erased_body()));
    }

    #[test]
    fn zero_days_keeps_everything() {
        assert_eq!(retention_cutoff(0, NOW), None);
        assert!(!retention_expired(Some(NOW - Duration::days(9000)), 0, NOW));
        assert!(!retention_expired(None, 30, NOW));
    }

    #[test]
    fn the_retention_range_is_checked() {
        assert!(check_retention_days(0).is_ok());
        assert!(check_retention_days(3650).is_ok());
        assert!(check_retention_days(-1).is_err());
        assert!(check_retention_days(3651).is_err());
    }

    proptest! {
        #[test]
        fn a_conversation_expires_exactly_when_its_days_have_passed(
            days in 1i64..=3650,
            age_secs in 0i64..=(3651 * 86_400),
        ) {
            let closed = NOW - Duration::seconds(age_secs);
            let expired = retention_expired(Some(closed), days, NOW);
            prop_assert_eq!(expired, age_secs >= days * 86_400);
            let cutoff = retention_cutoff(days, NOW).expect("cutoff");
            prop_assert_eq!(expired, closed <= cutoff);
        }
    }
}
