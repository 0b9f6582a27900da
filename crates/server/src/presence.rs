//! Visitor presence: online while at least one of their widget WebSocket connections is
//! open; offline only after a grace period once the last one closes, so a page reload does
//! not flicker. Changes are published as [`Signal::Presence`]. In memory, per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ebb_core::{BrandId, VisitorId};

use crate::bus::{Bus, Signal};

/// The default grace period before a disconnected visitor counts as offline.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Entry {
    /// Open connections.
    connections: usize,
    /// Bumped on every connect, so a stale offline timer knows it lost.
    generation: u64,
}

/// Who is online; cheap to clone.
#[derive(Clone)]
pub struct Presence {
    inner: Arc<Mutex<HashMap<(BrandId, VisitorId), Entry>>>,
    grace: Duration,
    bus: Bus,
}

impl Presence {
    /// A tracker publishing on `bus`, waiting `grace` before announcing a visitor offline.
    pub fn new(bus: Bus, grace: Duration) -> Self {
        Self {
            inner: Arc::default(),
            grace,
            bus,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(BrandId, VisitorId), Entry>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Is the visitor online (a connection open, or closed less than the grace ago)?
    pub fn is_online(&self, brand: BrandId, visitor: VisitorId) -> bool {
        self.lock().contains_key(&(brand, visitor))
    }

    /// A widget connection opened; the guard marks it closed when dropped.
    pub fn connect(&self, brand: BrandId, visitor: VisitorId) -> PresenceGuard {
        let came_online = {
            let mut map = self.lock();
            let entry = map.entry((brand, visitor)).or_default();
            entry.connections += 1;
            entry.generation += 1;
            entry.connections == 1 && entry.generation == 1
        };
        if came_online {
            self.bus.signal(Signal::Presence {
                brand,
                visitor,
                online: true,
            });
        }
        PresenceGuard {
            presence: self.clone(),
            key: (brand, visitor),
        }
    }

    fn disconnect(&self, key: (BrandId, VisitorId)) {
        let generation = {
            let mut map = self.lock();
            let Some(entry) = map.get_mut(&key) else {
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

    /// Announces the visitor offline unless they reconnected during the grace period.
    fn expire(&self, key: (BrandId, VisitorId), generation: u64) {
        {
            let mut map = self.lock();
            match map.get(&key) {
                Some(e) if e.connections == 0 && e.generation == generation => {
                    map.remove(&key);
                }
                _ => return,
            }
        }
        self.bus.signal(Signal::Presence {
            brand: key.0,
            visitor: key.1,
            online: false,
        });
    }
}

/// Held by a visitor's connection; dropping it starts the offline grace period.
pub struct PresenceGuard {
    presence: Presence,
    key: (BrandId, VisitorId),
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        self.presence.disconnect(self.key);
    }
}
