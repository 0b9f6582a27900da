//! The store's SQL agrees with core's rules: for conversations in every state, the slot
//! counts, the queue (who waits, in which order), the windows routing reads (each head in
//! core's order) and the reservations the store fetches are exactly what core's
//! definitions say.

use ebb_core::routing::reservation::{LapsedBy, Owner};
use ebb_core::routing::{Waiting, sort_queue};
use ebb_core::{
    Actor, AdminId, BrandId, Conversation, ConversationId, ConversationState, ExpertId,
    ExpertStatus, MessageBody, VisitorId, WakeReason,
};
use ebb_store::{Store, conversations, experts, visitors};
use time::Duration;
use uuid::Uuid;

use crate::helpers::{T0, backends, brand, expert};

/// A small deterministic generator (the store tests take no RNG dependency).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn random_state(rng: &mut Lcg, experts: &[ExpertId]) -> ConversationState {
    let pick = |rng: &mut Lcg| experts[usize::try_from(rng.below(3)).unwrap_or(0)];
    let wake = |rng: &mut Lcg| match rng.below(4) {
        0 => None,
        1 => Some(WakeReason::VisitorReplied),
        2 => Some(WakeReason::SnoozeExpired),
        _ => Some(WakeReason::PassedOn),
    };
    match rng.below(6) {
        0 => ConversationState::Queued {
            for_expert: None,
            wake: wake(rng),
        },
        1 => ConversationState::Queued {
            for_expert: Some(pick(rng)),
            wake: wake(rng),
        },
        2 | 3 => ConversationState::Assigned {
            expert: pick(rng),
            wake: wake(rng),
        },
        4 => ConversationState::Snoozed {
            expert: pick(rng),
            until: T0 + Duration::hours(3),
            until_return: false,
        },
        _ => ConversationState::Closed {
            by: Actor::Admin(AdminId(Uuid::from_u128(1))),
            at: T0,
        },
    }
}

/// Stores `n` conversations in random states (ties in arrival time included) and returns them.
async fn store_random(
    store: &Store,
    brand: BrandId,
    experts: &[ExpertId],
    seed: u64,
) -> Vec<Conversation> {
    let mut rng = Lcg(seed);
    let mut out = Vec::new();
    let mut tx = store.begin().await.expect("begin");
    for i in 0..60u128 {
        let visitor = VisitorId(Uuid::from_u128(seed as u128 * 1000 + i + 1));
        visitors::insert(&mut tx, visitor, brand, &visitor.0.as_bytes()[..], T0)
            .await
            .expect("visitor");
        let (mut conv, _) = Conversation::start(
            ConversationId(ebb_store::ids::new_uuid()),
            brand,
            visitor,
            MessageBody::parse("hi").expect("body"),
            None,
            None,
            T0 + Duration::minutes(i64::try_from(rng.below(20)).unwrap_or(0)),
        );
        conv.state = random_state(&mut rng, experts);
        conversations::insert(&mut tx, &conv).await.expect("insert");
        out.push(conv);
    }
    tx.commit().await.expect("commit");
    out
}

#[tokio::test]
async fn slot_counts_queue_order_and_reservations_agree_with_core() {
    for db in backends().await {
        let b = db.name;
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let mut ids = Vec::new();
        for email in ["ada@acme.test", "bob@acme.test", "cy@acme.test"] {
            ids.push(expert(store, acme.id, email, 50).await.id);
        }
        let mut tx = store.begin().await.expect("begin");
        experts::set_status(&mut tx, acme.id, ids[1], ExpertStatus::Offline, T0)
            .await
            .expect("offline");
        experts::set_disabled(&mut tx, acme.id, ids[2], Some(T0))
            .await
            .expect("disabled");
        tx.commit().await.expect("commit");
        for seed in [1, 2, 3] {
            let convs = store_random(store, acme.id, &ids, seed).await;
            let mut conn = store.conn().await.expect("conn");
            let all = conversations::for_brand(&mut conn, acme.id, None, 1000)
                .await
                .expect("all");
            assert!(all.len() >= convs.len(), "{b}");

            let held = experts::held_counts(&mut conn, acme.id)
                .await
                .expect("held");
            for id in &ids {
                let core = all
                    .iter()
                    .filter(|c| c.state.slot_holder() == Some(*id))
                    .count();
                let sql = experts::held_by(&held, *id);
                assert_eq!(u32::try_from(core).ok(), Some(sql), "{b}: slots of {id}");
            }

            let mut core_queue: Vec<Waiting> = all
                .iter()
                .filter_map(|c| Waiting::of(c, c.created_at))
                .collect();
            sort_queue(&mut core_queue);
            let queue = conversations::queue(&mut conn, acme.id)
                .await
                .expect("queue");
            assert_eq!(
                queue, core_queue,
                "{b}: queue membership, priority and order"
            );

            check_windows(&mut conn, acme.id, &ids, &core_queue, b).await;
            check_oldest_reserved(&mut conn, &ids, &core_queue, b).await;

            let loads = experts::loads_locked(&mut conn, acme.id)
                .await
                .expect("loads");
            assert!(
                loads.iter().all(|l| l.id != ids[2]),
                "{b}: disabled experts are gone"
            );
            for l in &loads {
                assert_eq!(l.slots.held, experts::held_by(&held, l.id), "{b}");
            }
        }
        db.finish().await;
    }
}

/// Each window read (the brand queue's head, an expert's reserved head, their lapsed
/// reservations, the oldest per expert, the queue length) is the matching part of core's
/// sorted queue.
async fn check_windows(
    conn: &mut ebb_store::Conn,
    brand: BrandId,
    ids: &[ExpertId],
    core_queue: &[Waiting],
    b: &str,
) {
    let part = |owner: Option<ExpertId>| -> Vec<Waiting> {
        core_queue
            .iter()
            .filter(|w| w.for_expert == owner)
            .copied()
            .collect()
    };
    let waiting = |rows: Vec<conversations::Queued>| -> Vec<Waiting> {
        rows.into_iter().map(|q| q.waiting).collect()
    };
    let brand_part = part(None);
    for limit in [0u32, 1, 3, 1000] {
        let head = conversations::brand_head(conn, brand, limit)
            .await
            .expect("head");
        let want: Vec<Waiting> = brand_part.iter().take(limit as usize).copied().collect();
        assert_eq!(waiting(head), want, "{b}: brand head of {limit}");
    }
    let count = conversations::queued_count(conn, brand)
        .await
        .expect("count");
    assert_eq!(count as usize, brand_part.len(), "{b}: queue length");
    let oldest = conversations::oldest_per_expert(conn, brand)
        .await
        .expect("oldest");
    for id in ids {
        let mine = part(Some(*id));
        for limit in [1u32, 2, 1000] {
            let head = conversations::reserved_head(conn, brand, *id, limit)
                .await
                .expect("reserved head");
            let want: Vec<Waiting> = mine.iter().take(limit as usize).copied().collect();
            assert_eq!(waiting(head), want, "{b}: reserved head of {id}, {limit}");
        }
        let by = LapsedBy::QueuedBy(T0 + Duration::minutes(10));
        let lapsed = conversations::reserved_lapsed(conn, brand, *id, by)
            .await
            .expect("lapsed");
        let want: Vec<Waiting> = mine
            .iter()
            .filter(|w| by.covers(w.queued_at))
            .copied()
            .collect();
        assert_eq!(waiting(lapsed), want, "{b}: lapsed reservations of {id}");
        let all = conversations::reserved_lapsed(conn, brand, *id, LapsedBy::All)
            .await
            .expect("all lapsed");
        assert_eq!(waiting(all), mine, "{b}: every reservation of {id}");
        let first = oldest.iter().find(|(e, _)| e == id).map(|(_, at)| *at);
        assert_eq!(
            first,
            mine.first().map(|w| w.queued_at),
            "{b}: oldest of {id}"
        );
    }
}

/// The scheduler's reservations: for each expert with some, their oldest, with its owner.
async fn check_oldest_reserved(
    conn: &mut ebb_store::Conn,
    ids: &[ExpertId],
    core_queue: &[Waiting],
    b: &str,
) {
    let reserved = conversations::oldest_reserved(conn)
        .await
        .expect("reserved");
    let mut got: Vec<ConversationId> = reserved.iter().map(|r| r.waiting.id).collect();
    got.sort();
    let mut want: Vec<ConversationId> = ids
        .iter()
        .filter_map(|id| core_queue.iter().find(|w| w.for_expert == Some(*id)))
        .map(|w| w.id)
        .collect();
    want.sort();
    assert_eq!(got, want, "{b}: each expert's oldest reserved conversation");
    for r in &reserved {
        let expected = match r.waiting.for_expert {
            Some(e) if e == ids[1] => Owner::OfflineSince(T0),
            Some(e) if e == ids[2] => Owner::Gone,
            _ => Owner::Present,
        };
        assert_eq!(r.owner, expected, "{b}: owner of {}", r.waiting.id);
    }
}
