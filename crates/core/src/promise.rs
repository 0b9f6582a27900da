//! The snooze promise: what a visitor is told after an expert snoozes their conversation
//! ("Ada will get back to you by Tuesday 10:00"). It stands from the last snooze until the
//! visitor or an expert writes, the snooze wakes, or the conversation closes; whoever holds
//! the conversation now is named (the team while it waits in the queue). A snooze that
//! ends out of office hours promises the next opening instead.

use jiff::tz::TimeZone;

use crate::conversation::ConversationState;
use crate::schedule::wording::{Lang, day_and_time};
use crate::schedule::{Schedule, to_ts};
use crate::{Entry, Event, ExpertId, Instant};

/// A promise still standing, before it is worded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// When the snooze ends.
    pub until: Instant,
    /// True for a snooze until the visitor is back (`until` is then the at-most deadline).
    pub until_return: bool,
    /// Who holds the conversation now (`None`: the team's queue).
    pub holder: Option<ExpertId>,
}

/// The promise standing after `entries` (the timeline from its last snooze on, in seq
/// order) for a conversation now in `state`: none when nothing was snoozed, when someone
/// wrote or the snooze woke since, when it is closed, or when the promised time is past.
pub fn standing(entries: &[Entry], state: &ConversationState, now: Instant) -> Option<Standing> {
    let mut promise = None;
    for entry in entries {
        match &entry.event {
            Event::Snoozed {
                until,
                until_return,
                ..
            } => promise = Some((*until, *until_return)),
            Event::Message { .. } | Event::Woken { .. } | Event::Closed { .. } => promise = None,
            _ => {}
        }
    }
    let (until, until_return) = promise?;
    let holder = match state {
        ConversationState::Closed { .. } => return None,
        ConversationState::Queued { for_expert, .. } => *for_expert,
        ConversationState::Assigned { expert, .. } | ConversationState::Snoozed { expert, .. } => {
            Some(*expert)
        }
    };
    (until > now).then_some(Standing {
        until,
        until_return,
        holder,
    })
}

/// When the promise falls due: the snooze end, or, when `hours` are closed then, their
/// next opening (a snooze ending at 22:00 promises 9:00 the next open day, not 22:00).
pub fn due_at(until: Instant, hours: Option<&Schedule>) -> Instant {
    match hours {
        Some(h) if !h.is_open(until) => h.next_open(until).unwrap_or(until),
        _ => until,
    }
}

/// Whether `zone` is an IANA time zone name Ebb knows.
pub fn known_zone(zone: &str) -> bool {
    TimeZone::get(zone).is_ok()
}

/// The promise as the visitor reads it, in `lang`, the due time shown in the IANA `zone`
/// (UTC when unknown) as seen from `now`. `name` is the holder's display name (`None`:
/// "the team").
pub fn wording(
    name: Option<&str>,
    due: Instant,
    until_return: bool,
    zone: &str,
    now: Instant,
    lang: Lang,
) -> String {
    let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let (day, time) = day_and_time(&zone, to_ts(now), to_ts(due), lang);
    let who = name.unwrap_or(match lang {
        Lang::En => "The team",
        Lang::Fr => "L'équipe",
        Lang::De => "Das Team",
        Lang::Es => "El equipo",
    });
    // English reads "by 10:00 today" but "by Tuesday 10:00".
    let en = if matches!(day.as_str(), "today" | "tomorrow") {
        format!("{time} {day}")
    } else {
        format!("{day} {time}")
    };
    match (lang, until_return) {
        (Lang::En, false) => format!("{who} will get back to you by {en}"),
        (Lang::En, true) => {
            format!("{who} will get back to you as soon as you're back, and by {en} at the latest")
        }
        (Lang::Fr, false) => format!("{who} vous répondra d'ici {day} à {time}"),
        (Lang::Fr, true) => {
            format!("{who} vous répondra dès votre retour, et au plus tard {day} à {time}")
        }
        (Lang::De, false) => format!("{who} meldet sich bis {day} {time} Uhr bei Ihnen"),
        (Lang::De, true) => {
            format!("{who} meldet sich, sobald Sie zurück sind, spätestens {day} {time} Uhr")
        }
        (Lang::Es, false) => format!("{who} te responderá antes de {day} a las {time}"),
        (Lang::Es, true) => {
            format!("{who} te responderá en cuanto vuelvas, a más tardar {day} a las {time}")
        }
    }
}

#[cfg(test)]
mod tests;
