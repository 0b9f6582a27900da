//! One suite for both buses: what one node publishes, every subscriber hears once. The
//! NATS half runs when NATS tests are on (`CI=true`, `EBB_TEST_NATS` or `EBB_TEST_POSTGRES`).

use std::time::Duration;

use ebb_core::{BrandId, ConversationId, VisitorId};
use ebb_store::testing;
use tokio::sync::broadcast;

use super::{Bus, BusStatus, Control, Hint, Lease, NatsOptions, Side, Signal};

const WAIT: Duration = Duration::from_secs(10);

/// The NATS URL to test against, if NATS tests are on and NATS is up; a missing NATS fails
/// the test in CI or with `EBB_TEST_NATS` set, and skips the NATS half otherwise.
async fn nats_url() -> Option<String> {
    let (url, required) = testing::nats_url()?;
    if testing::reachable(&url).await {
        return Some(url);
    }
    testing::missing(
        required,
        &format!("NATS half: NATS at {url} is unreachable"),
    )
}

fn hint(brand: BrandId, seq: u64) -> Hint {
    Hint {
        brand,
        conversation: ConversationId::new(),
        visitor: VisitorId::new(),
        owner: None,
        previous_owner: None,
        seq,
    }
}

async fn next<T: Clone>(rx: &mut broadcast::Receiver<T>) -> T {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("a message in time")
        .expect("open channel")
}

fn nothing_left<T: Clone + std::fmt::Debug>(rx: &mut broadcast::Receiver<T>) {
    assert!(
        matches!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty)),
        "no duplicate"
    );
}

/// Two nodes' buses: the same bus twice for the in-process one, two NATS clients sharing
/// a fresh prefix otherwise, returned once each hears the other.
async fn pairs() -> Vec<(&'static str, Bus, Bus)> {
    let local = Bus::new();
    let mut pairs = vec![("local", local.clone(), local)];
    if let Some(url) = nats_url().await {
        let prefix = format!("ebbtest.{}", uuid::Uuid::new_v4().simple());
        let options = NatsOptions { url, prefix };
        let a = Bus::nats(options.clone()).await.expect("bus a");
        let b = Bus::nats(options).await.expect("bus b");
        let mut heard = b.subscribe();
        let probe = BrandId::new();
        loop {
            a.publish(hint(probe, 0));
            match tokio::time::timeout(Duration::from_millis(200), heard.recv()).await {
                Ok(Ok(h)) if h.brand == probe => break,
                _ => {}
            }
        }
        pairs.push(("nats", a, b));
    }
    pairs
}

#[tokio::test]
async fn hints_and_signals_reach_every_subscriber_once() {
    for (name, a, b) in pairs().await {
        let (mut on_a, mut on_b) = (a.subscribe(), b.subscribe());
        let (mut sig_a, mut sig_b) = (a.subscribe_signals(), b.subscribe_signals());
        let brand = BrandId::new();
        let sent = hint(brand, 7);
        a.publish(sent.clone());
        assert_eq!(next(&mut on_a).await, sent, "{name}: publisher's node");
        assert_eq!(next(&mut on_b).await, sent, "{name}: other node");
        let back = hint(brand, 8);
        b.publish(back.clone());
        assert_eq!(next(&mut on_a).await, back, "{name}: back");
        assert_eq!(next(&mut on_b).await, back, "{name}: back, own node");
        let typing = Signal::Typing {
            at: sent,
            from: Side::Visitor,
            typing: true,
        };
        a.signal(typing.clone());
        assert_eq!(next(&mut sig_a).await, typing, "{name}");
        assert_eq!(next(&mut sig_b).await, typing, "{name}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        nothing_left(&mut on_a);
        nothing_left(&mut on_b);
        nothing_left(&mut sig_b);
        assert_ne!(a.status(), BusStatus::Disconnected, "{name}");
    }
}

#[tokio::test]
async fn leases_and_clock_notices_reach_the_other_nodes_only() {
    for (name, a, b) in pairs().await {
        let (mut leases_a, mut leases_b) = (a.subscribe_leases(), b.subscribe_leases());
        let mut controls_b = b.subscribe_controls();
        let lease = Lease {
            node: a.node(),
            brand: BrandId::new(),
            visitor: VisitorId::new(),
            online: true,
            ttl_ms: 1000,
        };
        a.lease(lease.clone());
        a.clock_moved();
        if name == "local" {
            tokio::time::sleep(Duration::from_millis(100)).await;
            nothing_left(&mut leases_a);
            nothing_left(&mut controls_b);
            continue;
        }
        assert_eq!(next(&mut leases_b).await, lease, "{name}");
        loop {
            if next(&mut controls_b).await == Control::ClockMoved {
                break;
            }
        }
        nothing_left(&mut leases_a);
    }
}
