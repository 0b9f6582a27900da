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

    /// Delivers a message to this node's subscribers of its kind; having none is fine.
    pub fn deliver<M: Carried>(&self, message: M) {
        let _ = M::channel(self).send(message);
    }

    /// Subscribes to the messages of one kind delivered from now on.
    pub fn receiver<M: Carried>(&self) -> broadcast::Receiver<M> {
        M::channel(self).subscribe()
    }
}

/// A kind of message the local bus carries, each kind on its own broadcast channel.
pub trait Carried: Clone + Send + Sized + 'static {
    /// The channel of this kind on `bus`.
    fn channel(bus: &LocalBus) -> &broadcast::Sender<Self>;
}

/// Ties each message kind to its channel field.
macro_rules! carried {
    ($($kind:ty => $field:ident),+ $(,)?) => {$(
        impl Carried for $kind {
            fn channel(bus: &LocalBus) -> &broadcast::Sender<Self> {
                &bus.$field
            }
        }
    )+};
}

carried!(Hint => hints, Signal => signals, Lease => leases, Control => controls);
