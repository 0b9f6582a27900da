//! The written form of a schedule (what admins send and the store keeps) and its checks:
//! `HH:MM` times, intervals that end after they start and do not overlap, valid dates.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Minutes in a day: `24:00`, the latest end of an interval.
pub(super) const DAY_MINUTES: u16 = 24 * 60;
/// Most intervals one day may have.
pub const MAX_INTERVALS_PER_DAY: usize = 12;
/// Most dated exceptions a schedule may have.
pub const MAX_EXCEPTIONS: usize = 366;

/// A day of the week, as the API writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Day {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Day {
    /// Monday = 0 ... Sunday = 6.
    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// The day of a civil date.
    pub(super) fn of(date: Date) -> Self {
        use jiff::civil::Weekday as W;
        match date.weekday() {
            W::Monday => Self::Monday,
            W::Tuesday => Self::Tuesday,
            W::Wednesday => Self::Wednesday,
            W::Thursday => Self::Thursday,
            W::Friday => Self::Friday,
            W::Saturday => Self::Saturday,
            W::Sunday => Self::Sunday,
        }
    }
}

/// Opening hours on one weekday, local time `HH:MM` (end may be `24:00`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    /// The weekday.
    pub day: Day,
    /// Opening time, `HH:MM`.
    pub start: String,
    /// Closing time, `HH:MM` after `start` (`24:00` for midnight).
    pub end: String,
}

/// Opening hours within a day, local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Opening time, `HH:MM`.
    pub start: String,
    /// Closing time, `HH:MM` after `start` (`24:00` for midnight).
    pub end: String,
}

/// A date whose hours replace the weekly ones: no hours means closed all day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// The hours that day (empty: closed).
    #[serde(default)]
    pub hours: Vec<Hours>,
}

/// A schedule as clients write it; `Schedule::parse` checks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// IANA time zone name, e.g. `Europe/Paris`.
    pub zone: String,
    /// Weekly opening hours (a weekday without any is closed).
    #[serde(default)]
    pub weekly: Vec<WeeklyHours>,
    /// Dated exceptions.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// One open interval of a local day, in minutes from local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Span {
    pub(super) start: u16,
    pub(super) end: u16,
}

pub(super) fn invalid(why: String) -> DomainError {
    DomainError::InvalidSchedule(why)
}

/// `HH:MM` (00:00 to 24:00) as minutes from midnight.
fn parse_time(text: &str) -> Result<u16, DomainError> {
    let bad = || invalid(format!("{text:?} is not a time like 09:30"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    let minutes = h * 60 + m;
    if m >= 60 || minutes > DAY_MINUTES {
        return Err(bad());
    }
    Ok(minutes)
}

fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Checked, sorted spans of one day: each ends after it starts, none overlap.
pub(super) fn parse_spans<'a>(
    label: &str,
    hours: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Span>, DomainError> {
    let mut spans = hours
        .map(|(start, end)| {
            let span = Span {
                start: parse_time(start)?,
                end: parse_time(end)?,
            };
            if span.end <= span.start {
                return Err(invalid(format!(
                    "{label}: {end} must be after {start} (use 24:00 for midnight)"
                )));
            }
            Ok(span)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if spans.len() > MAX_INTERVALS_PER_DAY {
        return Err(invalid(format!(
            "{label}: at most {MAX_INTERVALS_PER_DAY} intervals a day"
        )));
    }
    spans.sort();
    if let Some(pair) = spans.windows(2).find(|w| w[1].start < w[0].end) {
        return Err(invalid(format!(
            "{label}: {}-{} overlaps {}-{}",
            format_time(pair[0].start),
            format_time(pair[0].end),
            format_time(pair[1].start),
            format_time(pair[1].end)
        )));
    }
    Ok(spans)
}

/// Every weekday, Monday first.
pub const ALL_DAYS: [Day; 7] = [
    Day::Monday,
    Day::Tuesday,
    Day::Wednesday,
    Day::Thursday,
    Day::Friday,
    Day::Saturday,
    Day::Sunday,
];

/// The canonical spec: weekly hours by day then time, exceptions by date.
pub(super) fn normalized(
    tz: &TimeZone,
    weekly: &[Vec<Span>; 7],
    exceptions: &BTreeMap<Date, Vec<Span>>,
) -> ScheduleSpec {
    let hours = |s: &Span| Hours {
        start: format_time(s.start),
        end: format_time(s.end),
    };
    ScheduleSpec {
        zone: tz.iana_name().unwrap_or("UTC").to_owned(),
        weekly: ALL_DAYS
            .iter()
            .flat_map(|day| {
                weekly[day.index()].iter().map(|s| WeeklyHours {
                    day: *day,
                    start: format_time(s.start),
                    end: format_time(s.end),
                })
            })
            .collect(),
        exceptions: exceptions
            .iter()
            .map(|(date, spans)| Exception {
                date: date.to_string(),
                hours: spans.iter().map(hours).collect(),
            })
            .collect(),
    }
}
