//! The reservation rule: when a woken conversation stops waiting for its own expert.

use proptest::prelude::*;
use time::macros::datetime;
use uuid::Uuid;

use super::*;
use crate::slots::Slots;
use crate::{BrandId, ConversationId, ConversationState, Event, ExpertId, VisitorId};

const T0: Instant = datetime!(2026-11-25 08:00 UTC);

fn policy(grace: i64, wait: i64) -> ReservationPolicy {
    ReservationPolicy {
        offline_grace: Duration::minutes(grace),
        woken_wait: Duration::minutes(wait),
    }
}

fn expert(status: ExpertStatus, held: u32, capacity: u32) -> ExpertLoad {
    ExpertLoad {
        id: ExpertId(Uuid::from_u128(7)),
        status,
        slots: Slots { held, capacity },
        offline_since: (status == ExpertStatus::Offline).then_some(T0),
        async_cap: None,
        async_held: 0,
        off_hours: false,
    }
}

fn woken_for(e: &ExpertLoad, at: Instant) -> Waiting {
    Waiting {
        id: ConversationId(Uuid::from_u128(1)),
        for_expert: Some(e.id),
        queued_at: at,
        priority: false,
        realtime: false,
    }
}

#[test]
fn a_full_or_away_expert_keeps_a_woken_conversation_for_the_woken_wait() {
    let p = policy(120, 45);
    for e in [
        expert(ExpertStatus::Available, 2, 2),
        expert(ExpertStatus::Away, 2, 2),
    ] {
        let w = woken_for(&e, T0);
        assert!(!lapsed(&w, Some(&e), p, T0 + Duration::minutes(44)));
        assert!(lapsed(&w, Some(&e), p, T0 + Duration::minutes(45)));
    }
}

#[test]
fn an_expert_who_can_take_it_keeps_it_however_long_it_waited() {
    let e = expert(ExpertStatus::Away, 0, 1);
    let w = woken_for(&e, T0);
    assert!(!lapsed(
        &w,
        Some(&e),
        policy(120, 45),
        T0 + Duration::days(3)
    ));
}

#[test]
fn offline_grace_counts_from_going_offline_and_the_earlier_limit_wins() {
    let gone = expert(ExpertStatus::Offline, 0, 1);
    let p = policy(120, 600);
    let w = woken_for(&gone, T0 + Duration::minutes(30));
    assert_eq!(
        lapses_at(&w, Owner::of(Some(&gone)), p),
        Some(T0 + Duration::minutes(120))
    );
    assert!(!lapsed(&w, Some(&gone), p, T0 + Duration::minutes(119)));
    assert!(lapsed(&w, Some(&gone), p, T0 + Duration::minutes(120)));
    let short_wait = policy(120, 20);
    assert_eq!(
        lapses_at(&w, Owner::of(Some(&gone)), short_wait),
        Some(T0 + Duration::minutes(50))
    );
}

#[test]
fn a_disabled_expert_keeps_nothing_and_unreserved_conversations_never_lapse() {
    let e = expert(ExpertStatus::Available, 0, 1);
    let w = woken_for(&e, T0);
    assert!(lapsed(&w, None, policy(120, 120), T0));
    let new = Waiting {
        for_expert: None,
        ..w
    };
    assert_eq!(lapses_at(&new, Owner::Gone, policy(0, 0)), None);
    assert!(!lapsed(&new, None, policy(0, 0), T0 + Duration::days(1)));
}

fn conversation(state: ConversationState) -> Conversation {
    let (mut conv, _) = Conversation::start(
        ConversationId(Uuid::from_u128(1)),
        BrandId(Uuid::from_u128(2)),
        VisitorId(Uuid::from_u128(3)),
        MessageBody::parse("hello").expect("valid"),
        None,
        None,
        T0,
    );
    conv.state = state;
    conv
}

#[test]
fn passing_on_queues_with_priority_and_tells_the_visitor() {
    let ada = ExpertId(Uuid::from_u128(9));
    for state in [
        ConversationState::Queued {
            for_expert: Some(ada),
            wake: Some(crate::WakeReason::VisitorReplied),
        },
        ConversationState::Assigned {
            expert: ada,
            wake: None,
        },
    ] {
        let conv = conversation(state);
        let (next, entries) = pass_on(&conv, T0).expect("passed on");
        assert!(next.state.has_priority(), "{:?}", next.state);
        assert_eq!(next.state.slot_holder(), None);
        assert_eq!(entries[0].event, Event::Released { from: ada });
        assert!(matches!(
            &entries[1].event,
            Event::Message { author: Author::System, body, .. } if body.as_str() == PASSED_ON_MESSAGE
        ));
    }
    let unowned = conversation(ConversationState::Queued {
        for_expert: None,
        wake: None,
    });
    assert!(pass_on(&unowned, T0).is_err());
}

proptest! {
    /// A reservation lapses exactly when the visitor has waited the woken wait since waking,
    /// or the expert has been offline for the grace period, whichever is first, unless the
    /// expert can take the conversation right now.
    #[test]
    fn lapses_exactly_at_the_first_limit(
        status in 0u8..3,
        held in 0u32..3,
        capacity in 0u32..3,
        grace in 0i64..60,
        wait in 0i64..60,
        woke_after in 0i64..60,
        now_after in 0i64..180,
    ) {
        let status = [ExpertStatus::Available, ExpertStatus::Away, ExpertStatus::Offline]
            [usize::from(status)];
        let e = expert(status, held, capacity);
        let w = woken_for(&e, T0 + Duration::minutes(woke_after));
        let now = T0 + Duration::minutes(now_after);
        let waited = now_after - woke_after;
        let offline = status == ExpertStatus::Offline;
        let can_take = !offline && held < capacity;
        let expected = !can_take && (waited >= wait || (offline && now_after >= grace));
        prop_assert_eq!(lapsed(&w, Some(&e), policy(grace, wait), now), expected);
    }

    /// The store reads an owner's lapsed reservations by arrival time: `LapsedBy` covers a
    /// conversation exactly when its reservation's lapse time has come.
    #[test]
    fn lapsed_by_covers_exactly_the_lapsed_reservations(
        owner in 0u8..3,
        since in 0i64..120,
        grace in 0i64..60,
        wait in 0i64..60,
        queued in 0i64..180,
        now in 0i64..240,
    ) {
        let owner = [
            Owner::Gone,
            Owner::Present,
            Owner::OfflineSince(T0 + Duration::minutes(since)),
        ][usize::from(owner)];
        let p = policy(grace, wait);
        let e = expert(ExpertStatus::Available, 0, 1);
        let w = woken_for(&e, T0 + Duration::minutes(queued));
        let now = T0 + Duration::minutes(now);
        let due = lapses_at(&w, owner, p).is_some_and(|at| at <= now);
        prop_assert_eq!(LapsedBy::of(owner, p, now).covers(w.queued_at), due);
    }
}

#[test]
fn an_expert_at_their_async_cap_keeps_an_async_wake_only_for_the_woken_wait() {
    let p = policy(120, 45);
    let capped = ExpertLoad {
        async_cap: Some(1),
        async_held: 1,
        ..expert(ExpertStatus::Available, 1, 3)
    };
    let w = woken_for(&capped, T0);
    assert!(!lapsed(&w, Some(&capped), p, T0 + Duration::minutes(44)));
    assert!(lapsed(&w, Some(&capped), p, T0 + Duration::minutes(45)));
    let online = Waiting {
        realtime: true,
        ..w
    };
    assert!(
        !lapsed(&online, Some(&capped), p, T0 + Duration::days(1)),
        "a real-time wake still fits a free slot"
    );
}
