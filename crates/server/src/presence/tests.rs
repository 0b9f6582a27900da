//! Presence across nodes, driven by hand-made leases: online while any node vouches,
//! offline when the last withdraws or its lease runs out.

use std::time::Duration;

use ebb_core::{BrandId, VisitorId};

use super::Presence;
use crate::bus::{Bus, Lease, Signal};

fn lease(node: uuid::Uuid, brand: BrandId, visitor: VisitorId, online: bool) -> Lease {
    Lease {
        node,
        brand,
        visitor,
        online,
        ttl_ms: 150,
    }
}

fn presence_signals(rx: &mut tokio::sync::broadcast::Receiver<Signal>) -> Vec<bool> {
    let mut seen = Vec::new();
    while let Ok(Signal::Presence { online, .. }) = rx.try_recv() {
        seen.push(online);
    }
    seen
}

/// A registry on a fresh bus (no offline grace), its signal receiver and one visitor.
fn fixture() -> (
    Presence,
    tokio::sync::broadcast::Receiver<Signal>,
    BrandId,
    VisitorId,
) {
    let bus = Bus::new();
    let presence = Presence::with_lease(bus.clone(), Duration::ZERO, Duration::from_secs(5));
    let signals = bus.subscribe_signals();
    (presence, signals, BrandId::new(), VisitorId::new())
}

#[tokio::test]
async fn online_until_every_node_withdraws() {
    let (presence, mut signals, brand, visitor) = fixture();
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    presence.on_lease(&lease(a, brand, visitor, true));
    presence.on_lease(&lease(b, brand, visitor, true));
    assert!(presence.is_online(brand, visitor));
    presence.on_lease(&lease(a, brand, visitor, false));
    assert!(
        presence.is_online(brand, visitor),
        "the tab on node b is open"
    );
    presence.on_lease(&lease(b, brand, visitor, false));
    assert!(!presence.is_online(brand, visitor));
    assert_eq!(presence_signals(&mut signals), [true, false]);
}

#[tokio::test]
async fn a_silent_node_s_visitors_expire() {
    let (presence, mut signals, brand, visitor) = fixture();
    presence.on_lease(&lease(uuid::Uuid::new_v4(), brand, visitor, true));
    presence.sweep();
    assert!(presence.is_online(brand, visitor));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!presence.is_online(brand, visitor), "the lease ran out");
    presence.sweep();
    assert_eq!(presence_signals(&mut signals), [true, false]);
}

#[tokio::test]
async fn a_local_tab_keeps_a_visitor_online_after_a_remote_lease_ends() {
    let (presence, mut signals, brand, visitor) = fixture();
    let remote = uuid::Uuid::new_v4();
    presence.on_lease(&lease(remote, brand, visitor, true));
    let guard = presence.connect(brand, visitor);
    presence.on_lease(&lease(remote, brand, visitor, false));
    assert!(presence.is_online(brand, visitor));
    drop(guard);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!presence.is_online(brand, visitor));
    assert_eq!(presence_signals(&mut signals), [true, false]);
}
