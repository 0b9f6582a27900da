//! A wake storm shared by two nodes over PostgreSQL and NATS: thousands of snoozes of one
//! brand end at one instant, one snooze of another brand just after them. Every
//! conversation wakes exactly once, and the other brand's wake is claimed with the first
//! batches, not after the storm (claims are shared fairly between brands).

use std::collections::HashMap;
use std::time::Duration;

use ebb_core::{
    Brand, BrandId, BrandSettings, Conversation, ConversationId, ConversationState, Event, Expert,
    ExpertId, ExpertStatus, Instant, MessageBody, VisitorId,
};
use ebb_store::{Store, brands, conversations, events, experts, jobs, visitors};

use crate::client::{PATIENCE, advance, clock, expert};
use crate::node::Cluster;

/// Snoozes in the storm.
const STORM: usize = 2000;
/// The scheduler's batch (`ebb_server::scheduler::BATCH`): a fair claim serves the other
/// brand within the first batch of each node.
const BATCH: usize = ebb_server::scheduler::BATCH as usize;

/// Stores `n` conversations of `brand` snoozed by `expert` until `until`, with their jobs.
async fn snoozed(store: &Store, brand: BrandId, expert: ExpertId, until: Instant, n: usize) {
    let now = until - time::Duration::minutes(5);
    let mut tx = store.begin().await.expect("begin");
    for i in 0..n {
        let visitor = VisitorId(uuid::Uuid::new_v4());
        visitors::insert(&mut tx, visitor, brand, visitor.0.as_bytes(), now)
            .await
            .expect("visitor");
        let body = MessageBody::parse(&format!("storm {i}")).expect("body");
        let id = ConversationId(uuid::Uuid::now_v7());
        let (mut conv, entries) = Conversation::start(id, brand, visitor, body, None, None, now);
        conv.state = ConversationState::Snoozed {
            expert,
            until,
            until_return: false,
        };
        conversations::insert(&mut tx, &conv).await.expect("conv");
        events::append(&mut tx, brand, conv.id, &entries)
            .await
            .expect("entries");
        jobs::schedule(&mut tx, brand, jobs::SNOOZE_EXPIRY, conv.id, until, now)
            .await
            .expect("job");
    }
    tx.commit().await.expect("commit");
}

/// A second brand with one available expert.
async fn solo_brand(store: &Store, now: Instant) -> (BrandId, ExpertId) {
    let brand = Brand {
        id: BrandId(uuid::Uuid::new_v4()),
        slug: "solo".into(),
        name: "Solo".into(),
        settings: BrandSettings::default(),
    };
    let sol = Expert {
        id: ExpertId(uuid::Uuid::new_v4()),
        brand_id: brand.id,
        name: "Sol".into(),
        email: "sol@solo.test".into(),
        capacity: 1,
        status: ExpertStatus::Available,
        async_cap: None,
    };
    let mut tx = store.begin().await.expect("begin");
    brands::insert(&mut tx, &brand, now).await.expect("brand");
    experts::insert(&mut tx, &sol, "hash", now)
        .await
        .expect("expert");
    tx.commit().await.expect("commit");
    (brand.id, sol.id)
}

/// The `woken` events of `brand`, in log order.
async fn wakes(store: &Store, brand: BrandId) -> Vec<events::LoggedEvent> {
    let mut conn = store.conn().await.expect("conn");
    let log = events::brand_log(&mut conn, brand, &["woken"])
        .await
        .expect("log");
    log.into_iter()
        .filter(|l| matches!(l.entry.event, Event::Woken { .. }))
        .collect()
}

#[tokio::test]
async fn two_nodes_share_a_wake_storm_exactly_once_and_fairly() {
    let Some(schema) = crate::schema(true).await else {
        return;
    };
    let cluster = Cluster::start(&schema, 2).await;
    let (n1, n2) = (cluster.base(0), cluster.base(1));
    let (_, ada) = expert(n1, "ada@demo.ebb").await;
    let ada = ExpertId(ada.parse().expect("expert id"));
    let store = schema.store().await;
    let mut conn = store.conn().await.expect("conn");
    let demo = brands::by_slug(&mut conn, "demo")
        .await
        .expect("brand")
        .expect("demo");
    drop(conn);
    let now = clock(n1).await;
    let (solo, sol) = solo_brand(&store, now).await;
    let storm_at = now + time::Duration::seconds(60);
    snoozed(&store, demo.id, ada, storm_at, STORM).await;
    snoozed(&store, solo, sol, storm_at + time::Duration::seconds(1), 1).await;

    advance(n2, 120).await;
    let deadline = tokio::time::Instant::now() + PATIENCE * 4;
    while wakes(&store, demo.id).await.len() < STORM || wakes(&store, solo).await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the storm did not all wake"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let both schedulers run a few more passes, then check nothing woke twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let storm = wakes(&store, demo.id).await;
    let mut per_conversation: HashMap<ConversationId, usize> = HashMap::new();
    for w in &storm {
        *per_conversation.entry(w.conversation).or_default() += 1;
    }
    assert_eq!(per_conversation.len(), STORM, "every snooze woke");
    assert!(
        per_conversation.values().all(|n| *n == 1),
        "each snooze woke exactly once"
    );
    let single = wakes(&store, solo).await;
    assert_eq!(single.len(), 1, "the other brand's snooze woke once");
    let before = storm.iter().filter(|w| w.pos < single[0].pos).count();
    assert!(
        before <= 2 * BATCH,
        "the other brand's wake waited for {before} of the storm's (at most one batch per node)"
    );
    let mut jobs_left = store.conn().await.expect("conn");
    assert_eq!(
        jobs::pending(&mut jobs_left).await.expect("pending"),
        0,
        "no job left"
    );
    drop(jobs_left);
    store.close().await;
}
