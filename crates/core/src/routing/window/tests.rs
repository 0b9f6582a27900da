//! The window rule: planning on what the windows read equals planning on the whole queue.

use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

use super::*;
use crate::routing::{plan, sort_queue};
use crate::slots::Slots;
use crate::{ConversationId, ExpertStatus, Instant};

const T0: Instant = datetime!(2026-11-25 08:00 UTC);

/// What the store reads for `window` from `queue`: each part's head in core's order.
fn read(queue: &[Waiting], window: &Window) -> Vec<Waiting> {
    let mut sorted = queue.to_vec();
    sort_queue(&mut sorted);
    let head = |part: Option<ExpertId>, limit: u32| {
        sorted
            .iter()
            .filter(move |w| w.for_expert == part)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .copied()
    };
    let mut out: Vec<Waiting> = window
        .reserved
        .iter()
        .flat_map(|(e, n)| head(Some(*e), *n))
        .collect();
    out.extend(head(None, window.brand));
    out
}

/// Routing as the desk runs it: widen until the window asks for nothing more; returns the
/// plan and how many rows the last window read.
fn windowed(loads: &[ExpertLoad], queue: &[Waiting]) -> (Vec<(ConversationId, ExpertId)>, usize) {
    let Some(mut window) = Window::first(loads) else {
        return (Vec::new(), 0);
    };
    loop {
        let rows = read(queue, &window);
        let assignments = plan(loads, &rows);
        match window.widen(loads, &rows, &assignments) {
            Some(wider) => window = wider,
            None => return (assignments, rows.len()),
        }
    }
}

fn load(i: u128, status: u8, held: u32, capacity: u32, cap: Option<u32>, off: bool) -> ExpertLoad {
    ExpertLoad {
        id: ExpertId(Uuid::from_u128(i)),
        status: [
            ExpertStatus::Available,
            ExpertStatus::Away,
            ExpertStatus::Offline,
        ][usize::from(status % 3)],
        slots: Slots { held, capacity },
        offline_since: None,
        async_cap: cap,
        async_held: held.min(cap.unwrap_or(0)),
        off_hours: off,
    }
}

fn arb_load(i: u128) -> impl Strategy<Value = ExpertLoad> {
    (
        0u8..3,
        0u32..3,
        0u32..4,
        proptest::option::of(0u32..3),
        proptest::bool::weighted(0.2),
    )
        .prop_map(move |(s, h, c, cap, off)| load(i, s, h, c, cap, off))
}

fn arb_waiting(i: u128) -> impl Strategy<Value = Waiting> {
    (0u8..5, 0i64..30, any::<bool>(), any::<bool>()).prop_map(move |(owner, at, prio, rt)| {
        // Owners 1..=3 are experts of the brand, 4 is gone, 0 is nobody (brand queue).
        let for_expert = (owner > 0).then(|| ExpertId(Uuid::from_u128(u128::from(owner))));
        Waiting {
            id: ConversationId(Uuid::from_u128(100 + i)),
            for_expert,
            queued_at: T0 + Duration::minutes(at),
            priority: prio && for_expert.is_none(),
            realtime: rt,
        }
    })
}

fn arb_case() -> impl Strategy<Value = (Vec<ExpertLoad>, Vec<Waiting>)> {
    let loads = (arb_load(1), arb_load(2), arb_load(3)).prop_map(|(a, b, c)| vec![a, b, c]);
    let queue =
        (0usize..40).prop_flat_map(|n| (0..n).map(|i| arb_waiting(i as u128)).collect::<Vec<_>>());
    (loads, queue)
}

proptest! {
    /// Planning on the windows' rows gives exactly the plan on the whole queue.
    #[test]
    fn the_windowed_plan_is_the_whole_plan((loads, queue) in arb_case()) {
        prop_assert_eq!(windowed(&loads, &queue).0, plan(&loads, &queue));
    }

    /// Without async caps a window reads no more than the free slots.
    #[test]
    fn without_caps_the_window_reads_at_most_the_free_slots((loads, queue) in arb_case()) {
        let loads: Vec<ExpertLoad> = loads
            .into_iter()
            .map(|l| ExpertLoad { async_cap: None, async_held: 0, ..l })
            .collect();
        let free: u32 = loads.iter().filter(|l| l.has_room()).map(|l| l.slots.free()).sum();
        let (_, rows) = windowed(&loads, &queue);
        let free_rows = usize::try_from(2 * free).unwrap_or(usize::MAX);
        prop_assert!(rows <= free_rows, "{rows} rows for {free} free slots");
    }
}

#[test]
fn nobody_with_room_reads_nothing() {
    let full = load(1, 0, 2, 2, None, false);
    let offline = load(2, 2, 0, 2, None, false);
    let closed = load(3, 0, 0, 2, None, true);
    assert_eq!(Window::first(&[full, offline, closed]), None);
    let away = load(4, 1, 0, 2, None, false);
    assert_eq!(
        Window::first(&[full, away]),
        Some(Window {
            reserved: vec![(away.id, 2)],
            brand: 0
        }),
        "an away expert reads only their own reserved conversations"
    );
}

#[test]
fn a_capped_expert_widens_past_async_rows_to_a_real_time_one() {
    let capped = load(1, 0, 1, 3, Some(1), false);
    let mut queue: Vec<Waiting> = (0..5)
        .map(|i| Waiting {
            id: ConversationId(Uuid::from_u128(100 + i)),
            for_expert: None,
            queued_at: T0 + Duration::minutes(i64::try_from(i).unwrap_or(0)),
            priority: false,
            realtime: false,
        })
        .collect();
    queue[4].realtime = true;
    let (plan, _) = windowed(&[capped], &queue);
    assert_eq!(plan, vec![(queue[4].id, capped.id)]);
}
