use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::ExpertStatus;
use crate::routing::{Waiting, plan};
use crate::schedule::{ALL_DAYS, Day, ScheduleSpec, WeeklyHours};
use crate::slots::Slots;

/// `days` from `start` to `end`, UTC.
fn every(days: &[Day], start: &str, end: &str) -> Schedule {
    let weekly = days
        .iter()
        .map(|d| WeeklyHours {
            day: *d,
            start: start.into(),
            end: end.into(),
        })
        .collect();
    Schedule::parse(ScheduleSpec {
        zone: "UTC".into(),
        weekly,
        exceptions: vec![],
    })
    .expect("valid")
}

/// Monday to Friday 09:00-17:00 UTC.
fn office() -> Schedule {
    every(&ALL_DAYS[..5], "09:00", "17:00")
}

/// Always open.
fn always() -> Schedule {
    every(&ALL_DAYS, "00:00", "24:00")
}

fn load(id: u128, free: u32) -> ExpertLoad {
    ExpertLoad {
        id: ExpertId(uuid::Uuid::from_u128(id)),
        status: ExpertStatus::Available,
        slots: Slots {
            held: 0,
            capacity: free,
        },
        offline_since: None,
        async_cap: None,
        async_held: 0,
        off_hours: false,
    }
}

#[test]
fn own_schedule_wins_over_the_brand_one() {
    let night = datetime!(2026-12-01 22:00 UTC);
    let mut loads = [load(1, 2), load(2, 2), load(3, 2)];
    let own = vec![(loads[1].id, always())];
    mark_off_hours(&mut loads, Some(&office()), &own, night);
    assert_eq!(loads.map(|l| l.off_hours), [true, false, true]);
    mark_off_hours(&mut loads, None, &[], night);
    assert!(loads.iter().all(|l| !l.off_hours));
    let ids: Vec<ExpertId> = loads.iter().map(|l| l.id).collect();
    let next = next_opening(&ids, Some(&office()), &[], night);
    assert_eq!(next, Some(datetime!(2026-12-02 09:00 UTC)));
}

proptest! {
    /// Whatever the hours and the queue, routing never hands a conversation (new or woken)
    /// to an expert outside their hours, and fills in-hours experts as before.
    #[test]
    fn nobody_out_of_hours_gets_a_conversation(
        experts in proptest::collection::vec((1u32..4, any::<bool>(), any::<bool>()), 1..6),
        queue in proptest::collection::vec((proptest::option::of(0usize..6), 0i64..100), 0..12),
        hour in 0i64..(24 * 7),
    ) {
        let now = datetime!(2026-11-30 00:00 UTC) + time::Duration::hours(hour);
        let mut loads: Vec<ExpertLoad> =
            experts.iter().enumerate().map(|(i, (cap, _, _))| load(i as u128 + 1, *cap)).collect();
        let own: Vec<(ExpertId, Schedule)> = experts
            .iter()
            .zip(&loads)
            .filter(|((_, has_own, _), _)| *has_own)
            .map(|((_, _, open), l)| (l.id, if *open { always() } else { office() }))
            .collect();
        mark_off_hours(&mut loads, Some(&office()), &own, now);
        let waiting: Vec<Waiting> = queue
            .iter()
            .enumerate()
            .map(|(i, (owner, minute))| Waiting {
                id: crate::ConversationId(uuid::Uuid::from_u128(1000 + i as u128)),
                for_expert: owner.and_then(|o| loads.get(o)).map(|l| l.id),
                queued_at: now - time::Duration::minutes(*minute),
                priority: false,
                realtime: true,
            })
            .collect();
        let planned = plan(&loads, &waiting);
        for (_, expert) in &planned {
            let l = loads.iter().find(|l| l.id == *expert).expect("known");
            prop_assert!(!l.off_hours);
        }
        let open_capacity: u32 = loads.iter().filter(|l| !l.off_hours).map(|l| l.slots.capacity).sum();
        let new = waiting.iter().filter(|w| w.for_expert.is_none()).count();
        let new_planned = planned
            .iter()
            .filter(|(c, _)| waiting.iter().any(|w| w.id == *c && w.for_expert.is_none()))
            .count() as u32;
        let reserved_planned = planned.len() as u32 - new_planned;
        prop_assert_eq!(new_planned, (new as u32).min(open_capacity - reserved_planned));
    }
}

#[test]
fn woken_conversations_of_an_expert_out_of_hours_wait_then_move_on() {
    use crate::routing::reservation::{ReservationPolicy, lapsed};
    let night = datetime!(2026-12-01 22:00 UTC);
    let mut loads = [load(1, 2)];
    mark_off_hours(&mut loads, Some(&office()), &[], night);
    let woken = Waiting {
        id: crate::ConversationId(uuid::Uuid::from_u128(99)),
        for_expert: Some(loads[0].id),
        queued_at: night,
        priority: false,
        realtime: true,
    };
    assert_eq!(plan(&loads, &[woken]), vec![]);
    let policy = ReservationPolicy::from_minutes(120, 60);
    let minutes = time::Duration::minutes;
    assert!(!lapsed(
        &woken,
        Some(&loads[0]),
        policy,
        night + minutes(59)
    ));
    assert!(lapsed(&woken, Some(&loads[0]), policy, night + minutes(60)));
    mark_off_hours(
        &mut loads,
        Some(&office()),
        &[],
        datetime!(2026-12-02 09:00 UTC),
    );
    assert_eq!(plan(&loads, &[woken]), vec![(woken.id, loads[0].id)]);
    assert!(!lapsed(
        &woken,
        Some(&loads[0]),
        policy,
        night + minutes(600)
    ));
}
