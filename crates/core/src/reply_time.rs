//! The brand's measured reply time ("Typically replies in about 2 hours"): the median
//! first-response time of recent conversations, counted in office hours only, or nothing
//! when there are too few to say (the brand's fixed wording is shown instead).

use time::Duration;

use crate::Instant;
use crate::schedule::Schedule;

/// How far back first responses are counted.
pub const WINDOW: Duration = Duration::days(7);
/// The fewest first responses that make a median worth showing.
pub const MIN_SAMPLES: usize = 5;

/// A conversation's first visitor message and the first expert reply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstResponse {
    /// When the visitor wrote first.
    pub asked_at: Instant,
    /// When an expert first answered.
    pub answered_at: Instant,
}

/// The first responses of the conversations whose events these are (core's definition of
/// a first response, [`crate::reports::Timeline::first_response`]).
pub fn first_responses<'a>(
    events: impl IntoIterator<Item = &'a crate::reports::ReportEvent>,
) -> Vec<FirstResponse> {
    crate::reports::timelines(events)
        .values()
        .filter_map(|t| {
            Some(FirstResponse {
                asked_at: t.first_visitor_message?,
                answered_at: t.first_expert_reply?,
            })
        })
        .collect()
}

/// How long the visitor waited for `r`: open time only when the brand has office hours.
pub fn wait(r: FirstResponse, hours: Option<&Schedule>) -> Duration {
    match hours {
        Some(s) => s.open_duration(r.asked_at, r.answered_at),
        None => (r.answered_at - r.asked_at).max(Duration::ZERO),
    }
}

/// The median wait of the first responses asked in the [`WINDOW`] before `now`, or `None`
/// with fewer than [`MIN_SAMPLES`] of them. An even count takes the mean of the middle two.
pub fn typical(
    responses: &[FirstResponse],
    hours: Option<&Schedule>,
    now: Instant,
) -> Option<Duration> {
    let mut waits: Vec<Duration> = responses
        .iter()
        .filter(|r| r.asked_at >= now - WINDOW && r.answered_at <= now)
        .map(|r| wait(*r, hours))
        .collect();
    if waits.len() < MIN_SAMPLES {
        return None;
    }
    waits.sort();
    let mid = waits.len() / 2;
    Some(if waits.len() % 2 == 1 {
        waits[mid]
    } else {
        (waits[mid - 1] + waits[mid]) / 2
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::schedule::{Day, ScheduleSpec, WeeklyHours};

    fn asked(at: Instant, minutes: i64) -> FirstResponse {
        FirstResponse {
            asked_at: at,
            answered_at: at + Duration::minutes(minutes),
        }
    }

    #[test]
    fn the_median_needs_enough_recent_responses() {
        let now = datetime!(2026-12-04 12:00 UTC);
        let t = now - Duration::days(1);
        let four: Vec<_> = [10, 20, 30, 40].iter().map(|m| asked(t, *m)).collect();
        assert_eq!(typical(&four, None, now), None);
        let mut five = four.clone();
        five.push(asked(now - Duration::days(8), 1));
        assert_eq!(
            typical(&five, None, now),
            None,
            "an old response does not count"
        );
        five.push(asked(t, 500));
        assert_eq!(typical(&five, None, now), Some(Duration::minutes(30)));
        five.push(asked(t, 600));
        assert_eq!(typical(&five, None, now), Some(Duration::minutes(35)));
    }

    #[test]
    fn closed_time_does_not_count() {
        let spec = ScheduleSpec {
            zone: "UTC".into(),
            weekly: [Day::Thursday, Day::Friday]
                .iter()
                .map(|d| WeeklyHours {
                    day: *d,
                    start: "09:00".into(),
                    end: "17:00".into(),
                })
                .collect(),
            exceptions: vec![],
        };
        let hours = Schedule::parse(spec).expect("valid");
        // Asked Thursday 16:00, answered Friday 10:00: one hour before closing, one after.
        let overnight = asked(datetime!(2026-12-03 16:00 UTC), 18 * 60);
        assert_eq!(wait(overnight, Some(&hours)), Duration::hours(2));
        assert_eq!(wait(overnight, None), Duration::hours(18));
        let all = vec![overnight; 5];
        let now = datetime!(2026-12-04 12:00 UTC);
        assert_eq!(typical(&all, Some(&hours), now), Some(Duration::hours(2)));
    }
}
