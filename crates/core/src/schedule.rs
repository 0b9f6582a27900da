//! Office hours: weekly opening intervals in an IANA time zone plus dated exceptions
//! (closed days, special hours). Answers whether it is open at an instant, when it opens
//! next, and how much open time lies between two instants (for reply-time statistics).
//! Zones come from the tz database bundled by `jiff` (no file is read at run time).

pub mod wording;

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{DomainError, Instant};

/// Minutes in a day: `24:00`, the latest end of an interval.
const DAY_MINUTES: u16 = 24 * 60;
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
    fn index(self) -> usize {
        self as usize
    }

    /// The day of a civil date.
    fn of(date: Date) -> Self {
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

/// A schedule as clients write it; [`Schedule::parse`] checks it.
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
struct Span {
    start: u16,
    end: u16,
}

/// A checked schedule. Its serde form is the normalized [`ScheduleSpec`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "ScheduleSpec", into = "ScheduleSpec")]
pub struct Schedule {
    spec: ScheduleSpec,
    tz: TimeZone,
    weekly: [Vec<Span>; 7],
    exceptions: BTreeMap<Date, Vec<Span>>,
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Schedule {}

impl TryFrom<ScheduleSpec> for Schedule {
    type Error = DomainError;
    fn try_from(spec: ScheduleSpec) -> Result<Self, DomainError> {
        Self::parse(spec)
    }
}

impl From<Schedule> for ScheduleSpec {
    fn from(s: Schedule) -> Self {
        s.spec
    }
}

fn invalid(why: String) -> DomainError {
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
fn parse_spans<'a>(
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

fn to_ts(at: Instant) -> Timestamp {
    Timestamp::from_nanosecond(at.unix_timestamp_nanos()).unwrap_or(Timestamp::MAX)
}

fn from_ts(ts: Timestamp) -> Instant {
    Instant::from_unix_timestamp_nanos(ts.as_nanosecond()).unwrap_or(crate::instant::LATEST)
}

impl Schedule {
    /// Checks a client's schedule: a known zone, `HH:MM` times, each interval ending after
    /// it starts, no overlapping intervals on a day, valid unique exception dates.
    pub fn parse(spec: ScheduleSpec) -> Result<Self, DomainError> {
        let tz = TimeZone::get(&spec.zone)
            .map_err(|_| invalid(format!("{:?} is not a known IANA time zone", spec.zone)))?;
        let mut weekly: [Vec<Span>; 7] = Default::default();
        for day in ALL_DAYS {
            let hours = spec.weekly.iter().filter(|w| w.day == day);
            let label = format!("{day:?}").to_lowercase();
            weekly[day.index()] =
                parse_spans(&label, hours.map(|w| (w.start.as_str(), w.end.as_str())))?;
        }
        if spec.exceptions.len() > MAX_EXCEPTIONS {
            return Err(invalid(format!("at most {MAX_EXCEPTIONS} exceptions")));
        }
        let mut exceptions = BTreeMap::new();
        for e in &spec.exceptions {
            let date: Date = e
                .date
                .parse()
                .ok()
                .filter(|d: &Date| (1970..9000).contains(&d.year()) && e.date.len() == 10)
                .ok_or_else(|| invalid(format!("{:?} is not a date like 2026-12-24", e.date)))?;
            let spans = parse_spans(
                &e.date,
                e.hours.iter().map(|h| (h.start.as_str(), h.end.as_str())),
            )?;
            if exceptions.insert(date, spans).is_some() {
                return Err(invalid(format!("{} is listed twice", e.date)));
            }
        }
        let spec = normalized(&tz, &weekly, &exceptions);
        Ok(Self {
            spec,
            tz,
            weekly,
            exceptions,
        })
    }

    /// The schedule's time zone name.
    pub fn zone(&self) -> &str {
        &self.spec.zone
    }

    /// The time zone.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    fn spans_on(&self, date: Date) -> &[Span] {
        self.exceptions
            .get(&date)
            .unwrap_or(&self.weekly[Day::of(date).index()])
    }

    /// The instant of local `minute` on `date` (a time skipped by DST maps forward).
    fn at(&self, date: Date, minute: u16) -> Timestamp {
        let (date, minute) = if minute >= DAY_MINUTES {
            (date.tomorrow().unwrap_or(date), 0)
        } else {
            (date, minute)
        };
        let (h, m) = ((minute / 60) as i8, (minute % 60) as i8);
        self.tz
            .to_timestamp(DateTime::from_parts(date, jiff::civil::time(h, m, 0, 0)))
            .unwrap_or(Timestamp::MAX)
    }

    fn local_date(&self, ts: Timestamp) -> Date {
        self.tz.to_datetime(ts).date()
    }

    /// The open intervals of `date` as instants, empty ones (skipped by DST) left out.
    fn intervals(&self, date: Date) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        self.spans_on(date)
            .iter()
            .map(move |s| (self.at(date, s.start), self.at(date, s.end)))
            .filter(|(a, b)| a < b)
    }

    /// Every day from the day before `from`'s local date to the day after `to`'s.
    fn days(&self, from: Timestamp, to: Timestamp) -> impl Iterator<Item = Date> {
        let first = self.local_date(from).yesterday().ok();
        let last = self.local_date(to).tomorrow().ok();
        first.zip(last).into_iter().flat_map(|(first, last)| {
            first
                .series(jiff::Span::new().days(1))
                .take_while(move |d| *d <= last)
        })
    }

    /// Whether the schedule is open at `now`.
    pub fn is_open(&self, now: Instant) -> bool {
        let ts = to_ts(now);
        self.days(ts, ts)
            .any(|d| self.intervals(d).any(|(a, b)| a <= ts && ts < b))
    }

    /// The first instant at or after `now` when it is open: `now` itself when open, `None`
    /// when it never opens again (no weekly hours and no later exception with hours).
    pub fn next_open(&self, now: Instant) -> Option<Instant> {
        if self.is_open(now) {
            return Some(now);
        }
        let ts = to_ts(now);
        let start = self.local_date(ts).yesterday().ok()?;
        let first_after = |d: Date| {
            self.intervals(d)
                .filter(|(_, b)| *b > ts)
                .map(|(a, _)| a.max(ts))
                .min()
        };
        let days: Box<dyn Iterator<Item = Date>> = if self.weekly.iter().all(Vec::is_empty) {
            Box::new(self.exceptions.range(start..).map(|(d, _)| *d))
        } else {
            let horizon = self.exceptions.len() + 16;
            Box::new(start.series(jiff::Span::new().days(1)).take(horizon))
        };
        let mut found: Option<(Date, Timestamp)> = None;
        for d in days {
            if let Some((day, _)) = found
                && d > day.tomorrow().unwrap_or(day)
            {
                break;
            }
            if let Some(at) = first_after(d) {
                found = Some(match found {
                    Some((day, best)) => (day, best.min(at)),
                    None => (d, at),
                });
            }
        }
        found.map(|(_, at)| from_ts(at))
    }

    /// Open time between `from` and `to` (zero when `to` is not after `from`).
    pub fn open_duration(&self, from: Instant, to: Instant) -> Duration {
        if to <= from {
            return Duration::ZERO;
        }
        let (a, b) = (to_ts(from), to_ts(to));
        // Local times map to instants in order (a skipped time maps forward, a repeated one
        // to its first occurrence), so the intervals of consecutive days never overlap.
        let total: i128 = self
            .days(a, b)
            .flat_map(|d| self.intervals(d).collect::<Vec<_>>())
            .map(|(s, e)| (s.max(a), e.min(b)))
            .filter(|(s, e)| s < e)
            .map(|(s, e)| e.as_nanosecond() - s.as_nanosecond())
            .sum();
        Duration::nanoseconds_i128(total)
    }
}

/// Every weekday, Monday first (for tests elsewhere in the crate).
#[cfg(test)]
pub(crate) fn tests_days() -> [Day; 7] {
    ALL_DAYS
}

const ALL_DAYS: [Day; 7] = [
    Day::Monday,
    Day::Tuesday,
    Day::Wednesday,
    Day::Thursday,
    Day::Friday,
    Day::Saturday,
    Day::Sunday,
];

/// The canonical spec: weekly hours by day then time, exceptions by date.
fn normalized(
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

#[cfg(test)]
mod tests;
