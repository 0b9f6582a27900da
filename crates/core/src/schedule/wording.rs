//! What visitors read about office hours, in their language: "We're back Monday at 9:00"
//! (in the schedule's zone) and "about 2 hours" for a measured reply time. English,
//! French, German and Spanish; anything else reads English.

use jiff::Timestamp;
use time::Duration;

use super::{Schedule, to_ts};
use crate::Instant;

/// A language the visitor texts are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Lang {
    /// The first supported language of an `Accept-Language` header (English otherwise).
    pub fn from_accept_language(header: &str) -> Self {
        crate::texts::preferred_tags(header)
            .into_iter()
            .find_map(Self::of_tag)
            .unwrap_or_default()
    }

    fn of_tag(tag: &str) -> Option<Self> {
        let primary = tag.split('-').next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            "de" => Some(Self::De),
            "es" => Some(Self::Es),
            _ => None,
        }
    }

    fn weekday(self, index: usize) -> &'static str {
        const NAMES: [[&str; 7]; 4] = [
            [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            [
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            [
                "Montag",
                "Dienstag",
                "Mittwoch",
                "Donnerstag",
                "Freitag",
                "Samstag",
                "Sonntag",
            ],
            [
                "lunes",
                "martes",
                "miércoles",
                "jueves",
                "viernes",
                "sábado",
                "domingo",
            ],
        ];
        NAMES[self as usize][index % 7]
    }
}

/// When the team is back, as a sentence: `None` while open or when it never opens again.
pub fn back_at(schedule: &Schedule, now: Instant, lang: Lang) -> Option<String> {
    if schedule.is_open(now) {
        return None;
    }
    let at = schedule.next_open(now)?;
    Some(back_at_text(schedule, to_ts(now), to_ts(at), lang))
}

/// "We're back today / tomorrow / Monday / Monday 4 January at 9:00" in `lang`.
fn back_at_text(schedule: &Schedule, now: Timestamp, at: Timestamp, lang: Lang) -> String {
    let (when, time) = day_and_time(schedule.tz(), now, at, lang);
    match lang {
        Lang::En => format!("We're back {when} at {time}"),
        Lang::Fr => format!("Nous serons de retour {when} à {time}"),
        Lang::De => format!("Wir sind {when} um {time} Uhr wieder da"),
        Lang::Es => format!("Volvemos {when} a las {time}"),
    }
}

/// `at` seen from `now` in zone `tz`, in `lang`: the day ("today", "tomorrow", "Monday",
/// "Monday 4 January") and the time ("9:00", French "9 h 00").
pub(crate) fn day_and_time(
    tz: &jiff::tz::TimeZone,
    now: Timestamp,
    at: Timestamp,
    lang: Lang,
) -> (String, String) {
    let local = tz.to_datetime(at);
    let today = tz.to_datetime(now).date();
    let days = (local.date() - today).get_days();
    let time = match lang {
        Lang::Fr => format!("{}\u{a0}h\u{a0}{:02}", local.hour(), local.minute()),
        _ => format!("{}:{:02}", local.hour(), local.minute()),
    };
    let weekday = lang.weekday(
        local
            .weekday()
            .to_monday_zero_offset()
            .unsigned_abs()
            .into(),
    );
    let when = match (days, lang) {
        (0, Lang::En) => "today".to_owned(),
        (0, Lang::Fr) => "aujourd'hui".to_owned(),
        (0, Lang::De) => "heute".to_owned(),
        (0, Lang::Es) => "hoy".to_owned(),
        (1, Lang::En) => "tomorrow".to_owned(),
        (1, Lang::Fr) => "demain".to_owned(),
        (1, Lang::De) => "morgen".to_owned(),
        (1, Lang::Es) => "mañana".to_owned(),
        (2..=6, Lang::Es) => format!("el {weekday}"),
        (2..=6, _) => weekday.to_owned(),
        (_, lang) => format!("{weekday} {}", date_text(local.date(), lang)),
    };
    (when, time)
}

fn date_text(date: jiff::civil::Date, lang: Lang) -> String {
    const MONTHS: [[&str; 12]; 4] = [
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ];
    let month =
        MONTHS[lang as usize][usize::from(date.month().unsigned_abs()).saturating_sub(1) % 12];
    match lang {
        Lang::De => format!("{}. {month}", date.day()),
        Lang::Es => format!("{} de {month}", date.day()),
        _ => format!("{} {month}", date.day()),
    }
}

/// A measured reply time in words, rounded: "about 5 minutes", "about 2 hours".
pub fn reply_time(d: Duration, lang: Lang) -> String {
    let minutes = d.whole_minutes().max(1);
    let (n, unit) = if minutes < 60 {
        let n = if minutes >= 10 {
            (minutes + 2) / 5 * 5
        } else {
            minutes
        };
        (n, 0)
    } else if minutes < 36 * 60 {
        ((minutes + 30) / 60, 1)
    } else {
        ((minutes + 720) / 1440, 2)
    };
    let plural = n != 1;
    let word = match (lang, unit, plural) {
        (Lang::En, 0, false) => "minute",
        (Lang::En, 0, true) => "minutes",
        (Lang::En, 1, false) => "hour",
        (Lang::En, 1, true) => "hours",
        (Lang::En, _, false) => "day",
        (Lang::En, _, true) => "days",
        (Lang::Fr, 0, _) => "min",
        (Lang::Fr, 1, false) => "heure",
        (Lang::Fr, 1, true) => "heures",
        (Lang::Fr, _, false) => "jour",
        (Lang::Fr, _, true) => "jours",
        (Lang::De, 0, false) => "Minute",
        (Lang::De, 0, true) => "Minuten",
        (Lang::De, 1, false) => "Stunde",
        (Lang::De, 1, true) => "Stunden",
        (Lang::De, _, false) => "Tag",
        (Lang::De, _, true) => "Tagen",
        (Lang::Es, 0, false) => "minuto",
        (Lang::Es, 0, true) => "minutos",
        (Lang::Es, 1, false) => "hora",
        (Lang::Es, 1, true) => "horas",
        (Lang::Es, _, false) => "día",
        (Lang::Es, _, true) => "días",
    };
    match lang {
        Lang::En if !plural && unit == 1 => "about an hour".to_owned(),
        Lang::En if !plural => format!("about a {word}"),
        Lang::En => format!("about {n} {word}"),
        Lang::Fr => format!("environ {n} {word}"),
        Lang::De => format!("etwa {n} {word}"),
        Lang::Es => format!("unos {n} {word}"),
    }
}
