//! Office hours: weekly opening intervals in an IANA time zone plus dated exceptions
//! (closed days, special hours). Answers whether it is open at an instant, when it opens
//! next, and how much open time lies between two instants (for reply-time statistics).
//! Zones come from the tz database bundled by `jiff` (no file is read at run time).

mod spec;
pub mod wording;

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{DomainError, Instant};
pub use spec::{
    ALL_DAYS, Day, Exception, Hours, MAX_EXCEPTIONS, MAX_INTERVALS_PER_DAY, ScheduleSpec,
    WeeklyHours,
};
use spec::{DAY_MINUTES, Span, invalid, normalized, parse_spans};

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

pub(crate) fn to_ts(at: Instant) -> Timestamp {
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

#[cfg(test)]
mod tests;
