//! Visitor presence: online while at least one of their widget WebSocket connections is
//! open on any node; offline only after a grace period once the last one closes, so a page
//! reload does not flicker. Each node counts its own connections and announces them to the
//! others as [`Lease`]s renewed every third of their lifetime, so a node that dies stops
//! renewing and its visitors go offline when their leases run out. Every node derives the
//! [`Signal::Presence`] changes its own subscribers see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ebb_core::{BrandId, VisitorId};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::bus::{Bus, Lease, Signal};

/// The default grace period before a disconnected visitor counts as offline.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);
/// The default lifetime of a presence lease announced to other nodes.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);

type Key = (BrandId, VisitorId);

#[derive(Default)]
struct Entry {
    /// Open connections.
    connections: usize,
    /// Bumped on every connect, so a stale offline timer knows it lost.
    generation: u64,
}

#[derive(Default)]
struct Registry {
    /// This node's visitors (connected, or within the grace period).
    local: HashMap<Key, Entry>,
    /// Other nodes' leases: until when each node vouches for the visitor.
    remote: HashMap<Key, HashMap<uuid::Uuid, Instant>>,
}

impl Registry {
    fn online(&self, key: &Key, now: Instant) -> bool {
        self.local.contains_key(key)
            || self
                .remote
                .get(key)
                .is_some_and(|nodes| nodes.values().any(|until| *until > now))
    }
}

/// Who is online; cheap to clone.
#[derive(Clone)]
pub struct Presence {
    inner: Arc<Mutex<Registry>>,
    grace: Duration,
    lease: Duration,
    bus: Bus,
}

impl Presence {
    /// A tracker publishing on `bus`, waiting `grace` before announcing a visitor offline,
    /// with leases of [`DEFAULT_LEASE`].
    pub fn new(bus: Bus, grace: Duration) -> Self {
        Self::with_lease(bus, grace, DEFAULT_LEASE)
    }

    /// Like [`Presence::new`] with leases lasting `lease` (at least 30 ms).
    pub fn with_lease(bus: Bus, grace: Duration, lease: Duration) -> Self {
        Self {
            inner: Arc::default(),
            grace,
            lease: lease.max(Duration::from_millis(30)),
            bus,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Is the visitor online (a connection open on some node, or closed less than the
    /// grace ago)?
    pub fn is_online(&self, brand: BrandId, visitor: VisitorId) -> bool {
        self.lock().online(&(brand, visitor), Instant::now())
    }

    fn announce(&self, key: Key, online: bool) {
        self.bus.signal_here(Signal::Presence {
            brand: key.0,
            visitor: key.1,
            online,
        });
    }

    fn lease_of(&self, key: Key, online: bool) -> Lease {
        Lease {
            node: self.bus.node(),
            brand: key.0,
            visitor: key.1,
            online,
            ttl_ms: u64::try_from(self.lease.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// A widget connection opened; the guard marks it closed when dropped.
    pub fn connect(&self, brand: BrandId, visitor: VisitorId) -> PresenceGuard {
        let key = (brand, visitor);
        let (came_online, first_here) = {
            let mut registry = self.lock();
            let was = registry.online(&key, Instant::now());
            let entry = registry.local.entry(key).or_default();
            entry.connections += 1;
            entry.generation += 1;
            (!was, entry.connections == 1 && entry.generation == 1)
        };
        if first_here {
            self.bus.lease(self.lease_of(key, true));
        }
        if came_online {
            self.announce(key, true);
        }
        PresenceGuard {
            presence: self.clone(),
            key,
        }
    }

    fn disconnect(&self, key: Key) {
        let generation = {
            let mut registry = self.lock();
            let Some(entry) = registry.local.get_mut(&key) else {
                return;
            };
            entry.connections = entry.connections.saturating_sub(1);
            if entry.connections > 0 {
                return;
            }
            entry.generation
        };
        let this = self.clone();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            tokio::time::sleep(this.grace).await;
            this.expire(key, generation);
        });
    }

    /// Forgets the visitor here unless they reconnected during the grace period.
    fn expire(&self, key: Key, generation: u64) {
        let went_offline = {
            let mut registry = self.lock();
            match registry.local.get(&key) {
                Some(e) if e.connections == 0 && e.generation == generation => {
                    registry.local.remove(&key);
                }
                _ => return,
            }
            !registry.online(&key, Instant::now())
        };
        self.bus.lease(self.lease_of(key, false));
        if went_offline {
            self.announce(key, false);
        }
    }

    /// Records another node's lease.
    pub fn on_lease(&self, lease: &Lease) {
        if lease.node == self.bus.node() {
            return;
        }
        let key = (lease.brand, lease.visitor);
        let now = Instant::now();
        let (was, is) = {
            let mut registry = self.lock();
            let was = registry.online(&key, now);
            let nodes = registry.remote.entry(key).or_default();
            if lease.online {
                nodes.insert(lease.node, now + Duration::from_millis(lease.ttl_ms));
            } else {
                nodes.remove(&lease.node);
                if nodes.is_empty() {
                    registry.remote.remove(&key);
                }
            }
            (was, registry.online(&key, now))
        };
        if was != is {
            self.announce(key, is);
        }
    }

    /// Drops leases that ran out (their node stopped renewing) and announces who left.
    pub fn sweep(&self) {
        let now = Instant::now();
        let gone: Vec<Key> = {
            let mut registry = self.lock();
            let mut gone = Vec::new();
            let keys: Vec<Key> = registry.remote.keys().copied().collect();
            // A key still listed was last announced online.
            for key in keys {
                if let Some(nodes) = registry.remote.get_mut(&key) {
                    nodes.retain(|_, until| *until > now);
                    if nodes.is_empty() {
                        registry.remote.remove(&key);
                    }
                }
                if !registry.online(&key, now) {
                    gone.push(key);
                }
            }
            gone
        };
        for key in gone {
            self.announce(key, false);
        }
    }

    /// Renews the leases of this node's visitors.
    pub fn renew(&self) {
        let keys: Vec<Key> = self.lock().local.keys().copied().collect();
        for key in keys {
            self.bus.lease(self.lease_of(key, true));
        }
    }

    /// Runs forever: records other nodes' leases, renews ours, sweeps expired ones.
    pub async fn run(self) {
        let mut leases = self.bus.subscribe_leases();
        let mut tick = tokio::time::interval(self.lease / 3);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                lease = leases.recv() => match lease {
                    Ok(lease) => self.on_lease(&lease),
                    Err(RecvError::Lagged(_)) => self.renew(),
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick() => {
                    self.renew();
                    self.sweep();
                }
            }
        }
    }
}

/// Held by a visitor's connection; dropping it starts the offline grace period.
pub struct PresenceGuard {
    presence: Presence,
    key: Key,
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        self.presence.disconnect(self.key);
    }
}

#[cfg(test)]
mod tests;
