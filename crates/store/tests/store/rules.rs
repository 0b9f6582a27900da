//! The store's SQL agrees with core's rules: for conversations in every state, the slot
//! counts, the queue (who waits, in which order) and the reservations the store fetches
//! are exactly what core's definitions say.

use ebb_core::routing::reservation::Owner;
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

            let reserved = conversations::reserved(&mut conn).await.expect("reserved");
            let core_reserved: Vec<ConversationId> = core_queue
                .iter()
                .filter(|w| w.for_expert.is_some())
                .map(|w| w.id)
                .collect();
            let mut got: Vec<ConversationId> = reserved.iter().map(|r| r.waiting.id).collect();
            got.sort();
            let mut want = core_reserved.clone();
            want.sort();
            assert_eq!(got, want, "{b}: reserved conversations");
            for r in &reserved {
                let expected = match r.waiting.for_expert {
                    Some(e) if e == ids[1] => Owner::OfflineSince(T0),
                    Some(e) if e == ids[2] => Owner::Gone,
                    _ => Owner::Present,
                };
                assert_eq!(r.owner, expected, "{b}: owner of {}", r.waiting.id);
            }

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
