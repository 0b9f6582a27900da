use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

use super::*;
use crate::schedule::{Day, ScheduleSpec, WeeklyHours};
use crate::{Actor, AdminId, Author, MessageBody, VisitorId};

// 2026-12-01 is a Tuesday; Paris is UTC+1 in winter.
const NOW: Instant = datetime!(2026-12-01 08:00 UTC);

fn paris_office(start: &str) -> Schedule {
    let weekly = [
        Day::Monday,
        Day::Tuesday,
        Day::Wednesday,
        Day::Thursday,
        Day::Friday,
    ]
    .iter()
    .map(|d| WeeklyHours {
        day: *d,
        start: start.into(),
        end: "17:00".into(),
    })
    .collect();
    let spec = ScheduleSpec {
        zone: "Europe/Paris".into(),
        weekly,
        exceptions: vec![],
    };
    Schedule::parse(spec).expect("valid")
}

fn paris() -> &'static str {
    "Europe/Paris"
}

fn entry(seq: u64, event: Event) -> Entry {
    Entry {
        seq,
        at: NOW,
        event,
    }
}

fn snoozed(expert: ExpertId, until: Instant) -> Event {
    Event::Snoozed {
        expert,
        until,
        count: 1,
        until_return: false,
    }
}

fn message(author: Author) -> Event {
    Event::Message {
        author,
        body: MessageBody::parse("hi").expect("body"),
        client_msg_id: None,
    }
}

fn snoozed_state(expert: ExpertId, until: Instant) -> ConversationState {
    ConversationState::Snoozed {
        expert,
        until,
        until_return: false,
    }
}

#[test]
fn a_snooze_promises_its_end_by_its_expert() {
    let ada = ExpertId::new();
    let until = datetime!(2026-12-01 09:00 UTC);
    let got = standing(
        &[entry(4, snoozed(ada, until))],
        &snoozed_state(ada, until),
        NOW,
    );
    assert_eq!(
        got,
        Some(Standing {
            until,
            until_return: false,
            holder: Some(ada)
        })
    );
    let text = wording(Some("Ada"), until, false, paris(), NOW, Lang::En);
    assert_eq!(text, "Ada will get back to you by 10:00 today");
    let text = wording(Some("Ada"), until, false, paris(), NOW, Lang::Fr);
    assert_eq!(
        text,
        "Ada vous répondra d'ici aujourd'hui à 10\u{a0}h\u{a0}00"
    );
}

#[test]
fn the_holder_now_is_named_and_the_queue_is_the_team() {
    let (ada, bob) = (ExpertId::new(), ExpertId::new());
    let until = datetime!(2026-12-02 09:00 UTC);
    let admin = Actor::Admin(AdminId::new());
    let moved = [
        entry(4, snoozed(ada, until)),
        entry(
            5,
            Event::Unassigned {
                from: ada,
                by: admin,
            },
        ),
        entry(
            6,
            Event::Assigned {
                expert: bob,
                reason: crate::AssignReason::Manual,
            },
        ),
    ];
    let bob_holds = ConversationState::Assigned {
        expert: bob,
        wake: None,
    };
    assert_eq!(
        standing(&moved, &bob_holds, NOW).and_then(|s| s.holder),
        Some(bob)
    );
    let queued = ConversationState::Queued {
        for_expert: None,
        wake: None,
    };
    let got = standing(&moved[..2], &queued, NOW).expect("still promised");
    assert_eq!(got.holder, None);
    let text = wording(None, until, false, paris(), NOW, Lang::En);
    assert_eq!(text, "The team will get back to you by 10:00 tomorrow");
}

#[test]
fn a_message_a_wake_a_close_or_the_time_passing_ends_it() {
    let ada = ExpertId::new();
    let until = datetime!(2026-12-02 09:00 UTC);
    let state = snoozed_state(ada, until);
    let first = entry(4, snoozed(ada, until));
    let enders = [
        message(Author::Visitor(VisitorId::new())),
        message(Author::Expert(ada)),
        Event::Woken {
            expert: ada,
            reason: crate::WakeReason::SnoozeExpired,
        },
        Event::Closed {
            by: Actor::Expert(ada),
        },
    ];
    for ender in enders {
        assert_eq!(
            standing(&[first.clone(), entry(5, ender.clone())], &state, NOW),
            None,
            "{ender:?}"
        );
    }
    let closed = ConversationState::Closed {
        by: Actor::Expert(ada),
        at: NOW,
    };
    assert_eq!(standing(std::slice::from_ref(&first), &closed, NOW), None);
    assert_eq!(
        standing(std::slice::from_ref(&first), &state, until),
        None,
        "due: no longer a promise"
    );
    assert_eq!(standing(&[], &state, NOW), None);
}

#[test]
fn a_re_snooze_replaces_the_promise() {
    let ada = ExpertId::new();
    let (early, late) = (
        datetime!(2026-12-01 10:00 UTC),
        datetime!(2026-12-03 10:00 UTC),
    );
    let timeline = [entry(4, snoozed(ada, early)), entry(5, snoozed(ada, late))];
    let got = standing(&timeline, &snoozed_state(ada, late), NOW).expect("promise");
    assert_eq!(got.until, late);
}

#[test]
fn a_snooze_ending_out_of_hours_promises_the_next_opening() {
    let office = paris_office("09:00");
    // Tuesday 22:00 in Paris: closed; the team opens Wednesday 9:00.
    let late = datetime!(2026-12-01 21:00 UTC);
    let due = due_at(late, Some(&office));
    assert_eq!(due, datetime!(2026-12-02 08:00 UTC));
    let text = wording(Some("Ada"), due, false, paris(), NOW, Lang::En);
    assert_eq!(text, "Ada will get back to you by 9:00 tomorrow");
    // In hours, or without hours: the snooze end itself.
    let inside = datetime!(2026-12-01 10:00 UTC);
    assert_eq!(due_at(inside, Some(&office)), inside);
    assert_eq!(due_at(late, None), late);
    assert!(known_zone("Europe/Paris") && !known_zone("Mars/Olympus"));
    let utc = wording(Some("Ada"), due, false, "Mars/Olympus", NOW, Lang::En);
    assert_eq!(
        utc, "Ada will get back to you by 8:00 tomorrow",
        "unknown zone: UTC"
    );
}

#[test]
fn a_snooze_until_the_visitor_returns_says_so_with_its_deadline() {
    let until = datetime!(2026-12-04 09:00 UTC);
    let text = wording(Some("Ada"), until, true, paris(), NOW, Lang::En);
    assert_eq!(
        text,
        "Ada will get back to you as soon as you're back, and by Friday 10:00 at the latest"
    );
    let text = wording(Some("Ada"), until, true, paris(), NOW, Lang::Fr);
    assert!(
        text.starts_with("Ada vous répondra dès votre retour"),
        "{text}"
    );
}

proptest! {
    /// The promised time is never before the snooze end, and always in office hours.
    #[test]
    fn the_due_time_is_never_early_and_always_open(minutes in 0i64..(14 * 24 * 60)) {
        let office = paris_office("09:00");
        let until = NOW + Duration::minutes(minutes);
        let due = due_at(until, Some(&office));
        prop_assert!(due >= until);
        prop_assert!(office.is_open(due));
        prop_assert!(due - until <= Duration::days(4), "at most a weekend away");
    }

    /// Whatever came before, a promise stands exactly when the last snooze is followed
    /// by no message, wake or close and its end is still ahead.
    #[test]
    fn a_promise_stands_only_after_an_unanswered_snooze(kinds in proptest::collection::vec(0u8..4, 0..8)) {
        let ada = ExpertId::new();
        let until = NOW + Duration::hours(2);
        let timeline: Vec<Entry> = kinds.iter().enumerate().map(|(i, k)| entry(i as u64 + 1, match k {
            0 => snoozed(ada, until),
            1 => message(Author::Visitor(VisitorId::new())),
            2 => Event::Assigned { expert: ada, reason: crate::AssignReason::Manual },
            _ => Event::Woken { expert: ada, reason: crate::WakeReason::VisitorReplied },
        })).collect();
        let last_snooze = kinds.iter().rposition(|k| *k == 0);
        let expected = last_snooze.is_some_and(|i| kinds[i + 1..].iter().all(|k| *k == 2));
        let got = standing(&timeline, &snoozed_state(ada, until), NOW);
        prop_assert_eq!(got.is_some(), expected);
    }
}
