use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

use super::wording::{Lang, back_at, reply_time};
use super::*;

fn week(zone: &str, days: &[Day], start: &str, end: &str) -> ScheduleSpec {
    ScheduleSpec {
        zone: zone.to_owned(),
        weekly: days
            .iter()
            .map(|d| WeeklyHours {
                day: *d,
                start: start.into(),
                end: end.into(),
            })
            .collect(),
        exceptions: vec![],
    }
}

const WORKDAYS: [Day; 5] = [
    Day::Monday,
    Day::Tuesday,
    Day::Wednesday,
    Day::Thursday,
    Day::Friday,
];

fn paris_office() -> Schedule {
    Schedule::parse(week("Europe/Paris", &WORKDAYS, "09:00", "17:00")).expect("valid")
}

#[test]
fn open_in_local_hours_only() {
    let s = paris_office();
    // 2026-12-04 is a Friday; Paris is UTC+1 in winter.
    assert!(s.is_open(datetime!(2026-12-04 08:00 UTC)));
    assert!(!s.is_open(datetime!(2026-12-04 07:59 UTC)));
    assert!(!s.is_open(datetime!(2026-12-04 16:00 UTC)));
    assert!(!s.is_open(datetime!(2026-12-05 10:00 UTC)));
}

#[test]
fn next_open_after_the_weekend_and_its_wording() {
    let s = paris_office();
    let friday_evening = datetime!(2026-12-04 18:00 UTC);
    assert_eq!(
        s.next_open(friday_evening),
        Some(datetime!(2026-12-07 08:00 UTC))
    );
    let text = back_at(&s, friday_evening, Lang::En);
    assert_eq!(text.as_deref(), Some("We're back Monday at 9:00"));
    let fr = back_at(&s, friday_evening, Lang::Fr);
    assert_eq!(
        fr.as_deref(),
        Some("Nous serons de retour lundi à 9\u{a0}h\u{a0}00")
    );
    assert_eq!(
        back_at(&s, datetime!(2026-12-03 20:00 UTC), Lang::En).as_deref(),
        Some("We're back tomorrow at 9:00")
    );
    assert_eq!(back_at(&s, datetime!(2026-12-03 10:00 UTC), Lang::En), None);
}

#[test]
fn dst_start_shifts_the_utc_opening() {
    let s = paris_office();
    // Paris moves to UTC+2 on Sunday 2027-03-28: Monday 9:00 is 07:00 UTC.
    let sunday = datetime!(2027-03-28 12:00 UTC);
    assert_eq!(s.next_open(sunday), Some(datetime!(2027-03-29 07:00 UTC)));
    let day = s.open_duration(
        datetime!(2027-03-29 00:00 UTC),
        datetime!(2027-03-30 00:00 UTC),
    );
    assert_eq!(day, Duration::hours(8));
}

#[test]
fn hours_across_midnight_and_a_skipped_hour() {
    let mut spec = week("Europe/Paris", &[Day::Saturday], "22:00", "24:00");
    spec.weekly.push(WeeklyHours {
        day: Day::Sunday,
        start: "00:00".into(),
        end: "03:30".into(),
    });
    let s = Schedule::parse(spec).expect("valid");
    // Night of 2027-03-27/28: 02:00-03:00 does not exist in Paris.
    let from = datetime!(2027-03-27 20:00 UTC);
    let to = datetime!(2027-03-28 03:00 UTC);
    assert_eq!(s.open_duration(from, to), Duration::minutes(4 * 60 + 30));
    assert!(s.is_open(datetime!(2027-03-27 23:00 UTC)));
    assert_eq!(
        s.next_open(datetime!(2027-03-27 23:00 UTC)),
        Some(datetime!(2027-03-27 23:00 UTC))
    );
}

#[test]
fn exceptions_close_a_day_or_change_its_hours() {
    let mut spec = week("UTC", &WORKDAYS, "09:00", "17:00");
    spec.exceptions = vec![
        Exception {
            date: "2026-12-25".into(),
            hours: vec![],
        },
        Exception {
            date: "2026-12-24".into(),
            hours: vec![Hours {
                start: "09:00".into(),
                end: "12:00".into(),
            }],
        },
    ];
    let s = Schedule::parse(spec).expect("valid");
    assert!(!s.is_open(datetime!(2026-12-24 13:00 UTC)));
    assert_eq!(
        s.next_open(datetime!(2026-12-24 13:00 UTC)),
        Some(datetime!(2026-12-28 09:00 UTC))
    );
    let back = back_at(&s, datetime!(2026-12-24 13:00 UTC), Lang::En);
    assert_eq!(back.as_deref(), Some("We're back Monday at 9:00"));
}

#[test]
fn an_all_closed_schedule_never_opens() {
    let mut spec = week("UTC", &[], "09:00", "17:00");
    spec.exceptions.push(Exception {
        date: "2026-01-02".into(),
        hours: vec![Hours {
            start: "09:00".into(),
            end: "10:00".into(),
        }],
    });
    let s = Schedule::parse(spec).expect("valid");
    let now = datetime!(2026-12-01 12:00 UTC);
    assert_eq!(s.next_open(now), None);
    assert_eq!(back_at(&s, now, Lang::En), None);
    assert_eq!(
        s.next_open(datetime!(2026-01-01 12:00 UTC)),
        Some(datetime!(2026-01-02 09:00 UTC))
    );
}

#[test]
fn bad_schedules_say_why() {
    let err = |spec: ScheduleSpec| match Schedule::parse(spec) {
        Err(DomainError::InvalidSchedule(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(err(week("Mars/Olympus", &WORKDAYS, "09:00", "17:00")).contains("time zone"));
    assert!(err(week("UTC", &WORKDAYS, "17:00", "09:00")).contains("after"));
    assert!(err(week("UTC", &WORKDAYS, "09:00", "09:00")).contains("after"));
    assert!(err(week("UTC", &WORKDAYS, "9am", "17:00")).contains("time"));
    assert!(err(week("UTC", &WORKDAYS, "09:00", "24:01")).contains("time"));
    let mut overlap = week("UTC", &[Day::Monday], "09:00", "13:00");
    overlap.weekly.push(WeeklyHours {
        day: Day::Monday,
        start: "12:00".into(),
        end: "18:00".into(),
    });
    assert!(err(overlap).contains("overlaps"));
    let mut bad_date = week("UTC", &WORKDAYS, "09:00", "17:00");
    bad_date.exceptions.push(Exception {
        date: "2026-02-30".into(),
        hours: vec![],
    });
    assert!(err(bad_date).contains("date"));
}

#[test]
fn the_stored_form_is_normalized_and_round_trips() {
    let mut spec = week(
        "europe/paris",
        &[Day::Friday, Day::Monday],
        "09:00",
        "12:00",
    );
    spec.weekly.push(WeeklyHours {
        day: Day::Monday,
        start: "08:00".into(),
        end: "08:30".into(),
    });
    let s = Schedule::parse(spec).expect("valid");
    let json = serde_json_like(&s);
    assert!(json.starts_with("Europe/Paris"), "{json}");
    let days: Vec<Day> = ScheduleSpec::from(s.clone())
        .weekly
        .iter()
        .map(|w| w.day)
        .collect();
    assert_eq!(days, vec![Day::Monday, Day::Monday, Day::Friday]);
    assert_eq!(
        Schedule::parse(ScheduleSpec::from(s.clone())).expect("valid"),
        s
    );
}

fn serde_json_like(s: &Schedule) -> String {
    let spec = ScheduleSpec::from(s.clone());
    format!("{}|{}", spec.zone, spec.weekly[0].start)
}

#[test]
fn languages_from_the_accept_language_header() {
    assert_eq!(
        Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
        Lang::Fr
    );
    assert_eq!(Lang::from_accept_language("nl,de;q=0.5"), Lang::De);
    assert_eq!(Lang::from_accept_language("es;q=0.2,en;q=0.9"), Lang::En);
    assert_eq!(Lang::from_accept_language(""), Lang::En);
}

#[test]
fn reply_times_read_rounded() {
    assert_eq!(
        reply_time(Duration::minutes(2 * 60 + 10), Lang::En),
        "about 2 hours"
    );
    assert_eq!(
        reply_time(Duration::minutes(50), Lang::En),
        "about 50 minutes"
    );
    assert_eq!(reply_time(Duration::minutes(62), Lang::En), "about an hour");
    assert_eq!(
        reply_time(Duration::seconds(20), Lang::En),
        "about a minute"
    );
    assert_eq!(reply_time(Duration::days(3), Lang::En), "about 3 days");
    assert_eq!(reply_time(Duration::hours(5), Lang::De), "etwa 5 Stunden");
}

const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
];

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

prop_compose! {
    /// A random valid schedule: per weekday up to three disjoint intervals on a 30-minute
    /// grid (ends may be 24:00), and a few exceptions around 2027.
    fn schedule()(
        zone in 0..ZONES.len(),
        days in proptest::collection::vec(proptest::collection::btree_set(0u16..=48, 0..6), 7),
        exceptions in proptest::collection::btree_map(0i64..400, proptest::collection::btree_set(0u16..=48, 0..4), 0..6),
    ) -> Schedule {
        let spans = |cuts: &std::collections::BTreeSet<u16>| {
            let cuts: Vec<u16> = cuts.iter().copied().collect();
            cuts.chunks_exact(2).map(|p| (hhmm(p[0] * 30), hhmm(p[1] * 30))).collect::<Vec<_>>()
        };
        let weekly = ALL_DAYS.iter().zip(&days).flat_map(|(day, cuts)| {
            spans(cuts).into_iter().map(|(start, end)| WeeklyHours { day: *day, start, end })
        }).collect();
        let base = jiff::civil::date(2026, 11, 1);
        let exceptions = exceptions.iter().map(|(offset, cuts)| Exception {
            date: base.checked_add(jiff::Span::new().days(*offset)).expect("date").to_string(),
            hours: spans(cuts).into_iter().map(|(start, end)| Hours { start, end }).collect(),
        }).collect();
        Schedule::parse(ScheduleSpec { zone: ZONES[zone].to_owned(), weekly, exceptions }).expect("valid")
    }
}

fn instant() -> impl Strategy<Value = Instant> {
    // 2026-11-01 .. 2028-01-01, to the second.
    (1_793_491_200_i64..1_830_297_600).prop_map(|s| Instant::from_unix_timestamp(s).expect("ok"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// next_open is open, and no open time lies between now and it.
    #[test]
    fn next_open_is_the_first_open_instant(s in schedule(), now in instant()) {
        match s.next_open(now) {
            Some(at) => {
                prop_assert!(at >= now);
                prop_assert!(s.is_open(at));
                prop_assert_eq!(s.open_duration(now, at), Duration::ZERO);
                prop_assert_eq!(at == now, s.is_open(now));
            }
            None => prop_assert_eq!(s.open_duration(now, now + Duration::days(30)), Duration::ZERO),
        }
    }

    /// Open time is additive over adjacent ranges and never exceeds the range.
    #[test]
    fn open_duration_is_additive(
        s in schedule(),
        a in instant(),
        x in 0i64..4 * 86_400,
        y in 0i64..4 * 86_400,
    ) {
        let b = a + Duration::seconds(x);
        let c = b + Duration::seconds(y);
        let whole = s.open_duration(a, c);
        prop_assert_eq!(whole, s.open_duration(a, b) + s.open_duration(b, c));
        prop_assert!(whole <= c - a);
    }

    /// A closed instant has no open time in the second after it; an open one has some.
    #[test]
    fn is_open_agrees_with_open_duration(s in schedule(), now in instant()) {
        let ahead = s.open_duration(now, now + Duration::seconds(1));
        prop_assert_eq!(s.is_open(now), ahead > Duration::ZERO);
    }
}
