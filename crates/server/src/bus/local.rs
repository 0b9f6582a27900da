//! The in-process bus: broadcast channels that fan hints, signals, remote leases and
//! control events out to this node's subscribers. The whole bus of a single node, and the
//! local half of the NATS bus.

use tokio::sync::broadcast;

use super::{BUS_CAPACITY, Control, Hint, Lease, Signal};

/// Fans messages out to the subscribers of this process; cheap to clone.
#[derive(Clone, Debug)]
pub struct LocalBus {
    node: uuid::Uuid,
    hints: broadcast::Sender<Hint>,
    signals: broadcast::Sender<Signal>,
    leases: broadcast::Sender<Lease>,
    controls: broadcast::Sender<Control>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalBus {
    /// A bus with a fresh node identity.
    pub fn new() -> Self {
        Self {
            node: uuid::Uuid::new_v4(),
            hints: broadcast::channel(BUS_CAPACITY).0,
            signals: broadcast::channel(BUS_CAPACITY).0,
            leases: broadcast::channel(BUS_CAPACITY).0,
            controls: broadcast::channel(64).0,
        }
    }

    /// This node's identity.
    pub fn node(&self) -> uuid::Uuid {
        self.node
    }

    /// Delivers a hint to this node's subscribers.
    pub fn publish(&self, hint: Hint) {
        let _ = self.hints.send(hint);
    }

    /// Subscribes to hints.
    pub fn subscribe(&self) -> broadcast::Receiver<Hint> {
        self.hints.subscribe()
    }

    /// Delivers a signal to this node's subscribers.
    pub fn signal(&self, signal: Signal) {
        let _ = self.signals.send(signal);
    }

    /// Subscribes to signals.
    pub fn subscribe_signals(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }

    /// Delivers another node's lease to this node's presence registry.
    pub fn lease(&self, lease: Lease) {
        let _ = self.leases.send(lease);
    }

    /// Subscribes to other nodes' leases.
    pub fn subscribe_leases(&self) -> broadcast::Receiver<Lease> {
        self.leases.subscribe()
    }

    /// Delivers a control event to this node's subscribers.
    pub fn control(&self, control: Control) {
        let _ = self.controls.send(control);
    }

    /// Subscribes to control events.
    pub fn subscribe_controls(&self) -> broadcast::Receiver<Control> {
        self.controls.subscribe()
    }
}
