//! The event bus: after each commit the desk publishes a hint ("conversation X of brand B
//! reached seq N"). Subscribers (WebSocket connections) read the entries from the database;
//! a hint is never the only copy, so a lost or duplicated one changes nothing users see.
//! Ephemeral signals (presence, typing, read markers) travel beside the hints; they are
//! not replayed (read markers are stored, presence is re-readable over HTTP).
//! One interface, two implementations: [`Bus::Local`] (one node, in-process broadcast) and
//! [`Bus::Nats`] (many nodes: every message also crosses NATS). Either way a node's own
//! subscribers hear its own messages at once, so a node without NATS keeps serving its
//! clients; remote ones arrive from NATS. Presence travels as [`Lease`]s, from which every
//! node derives its own presence signals.

pub mod local;
pub mod nats;

use ebb_core::{BrandId, Conversation, ConversationId, ExpertId, VisitorId};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

pub use local::LocalBus;
pub use nats::{NatsBus, NatsOptions};

/// How many hints a slow subscriber may lag before it must resync from the database.
pub const BUS_CAPACITY: usize = 4096;

/// "This conversation changed": enough to decide who should look, nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    /// The brand.
    pub brand: BrandId,
    /// The conversation.
    pub conversation: ConversationId,
    /// Its visitor.
    pub visitor: VisitorId,
    /// The expert who owns it now, if any.
    pub owner: Option<ExpertId>,
    /// The expert who owned it before this change, if different (e.g. reassigned).
    pub previous_owner: Option<ExpertId>,
    /// The seq it reached.
    pub seq: u64,
}

impl Hint {
    /// The hint for `conv`'s current state.
    pub fn of(conv: &Conversation, previous_owner: Option<ExpertId>) -> Self {
        let owner = conv.state.owner();
        Self {
            brand: conv.brand_id,
            conversation: conv.id,
            visitor: conv.visitor_id,
            owner,
            previous_owner: previous_owner.filter(|p| Some(*p) != owner),
            seq: conv.last_seq,
        }
    }
}

/// Which side of a conversation a typing or read signal comes from.
pub use ebb_store::reads::Side;

/// A live, unstored signal about a brand's visitors or conversations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    /// A visitor came online or went away.
    Presence {
        /// The brand.
        brand: BrandId,
        /// The visitor.
        visitor: VisitorId,
        /// Online now?
        online: bool,
    },
    /// Someone in a conversation started or stopped typing.
    Typing {
        /// Who may see the conversation (its hint at the time).
        at: Hint,
        /// Which side types.
        from: Side,
        /// Typing now?
        typing: bool,
    },
    /// A read marker moved.
    Read {
        /// Who may see the conversation (its hint at the time).
        at: Hint,
        /// Which side read.
        by: Side,
        /// Up to which seq.
        seq: u64,
    },
}

/// A node's claim that a visitor has a widget connection open on it, valid for `ttl_ms`
/// unless renewed; `online: false` withdraws it at once. Only crosses nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The node holding the connection(s).
    pub node: uuid::Uuid,
    /// The brand.
    pub brand: BrandId,
    /// The visitor.
    pub visitor: VisitorId,
    /// Connected (renewed) or gone (withdrawn).
    pub online: bool,
    /// How long the claim holds without renewal, in milliseconds.
    pub ttl_ms: u64,
}

/// Something about the bus itself that subscribers must act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Control {
    /// Hints may have been missed (the link to other nodes came back): reread the database.
    Resync,
    /// Another node moved the test clock: reload the offset and look for due jobs.
    ClockMoved,
}

/// Whether this node hears the other nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusStatus {
    /// A single node: there is nobody else to hear.
    Local,
    /// Connected to NATS.
    Connected,
    /// NATS is configured but unreachable: own clients are served, other nodes are not heard.
    Disconnected,
}

/// Publishes hints and signals to this node's subscribers and, with NATS, to every node.
#[derive(Clone, Debug)]
pub enum Bus {
    /// One node, in-process only.
    Local(LocalBus),
    /// Many nodes over NATS.
    Nats(NatsBus),
}

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    /// An in-process bus.
    pub fn new() -> Self {
        Self::Local(LocalBus::new())
    }

    /// Connects to NATS (in the background: a node starts even while NATS is down).
    pub async fn nats(options: NatsOptions) -> Result<Self, nats::BusError> {
        Ok(Self::Nats(NatsBus::connect(options).await?))
    }

    /// This node's subscribers.
    fn here(&self) -> &LocalBus {
        match self {
            Self::Local(local) => local,
            Self::Nats(nats) => nats.here(),
        }
    }

    /// This node's identity on the bus.
    pub fn node(&self) -> uuid::Uuid {
        self.here().node()
    }

    /// Publishes a hint; having no subscriber is fine.
    pub fn publish(&self, hint: Hint) {
        metrics::counter!("ebb_conversation_changes_total").increment(1);
        if let Self::Nats(nats) = self {
            nats.send(nats::Wire::Hint(hint.clone()));
        }
        self.here().deliver(hint);
    }

    /// A new subscription to every hint published from now on (by any node).
    pub fn subscribe(&self) -> broadcast::Receiver<Hint> {
        self.here().receiver()
    }

    /// Publishes a signal to every node; having no subscriber is fine.
    pub fn signal(&self, signal: Signal) {
        if let Self::Nats(nats) = self {
            nats.send(nats::Wire::Signal(signal.clone()));
        }
        self.here().deliver(signal);
    }

    /// Publishes a signal to this node's subscribers only (presence: each node derives
    /// its own from [`Lease`]s).
    pub fn signal_here(&self, signal: Signal) {
        self.here().deliver(signal);
    }

    /// A new subscription to every signal published from now on.
    pub fn subscribe_signals(&self) -> broadcast::Receiver<Signal> {
        self.here().receiver()
    }

    /// Announces a presence lease to the other nodes (nobody else to tell on one node).
    pub fn lease(&self, lease: Lease) {
        if let Self::Nats(nats) = self {
            nats.send(nats::Wire::Lease(lease));
        }
    }

    /// Leases announced by other nodes.
    pub fn subscribe_leases(&self) -> broadcast::Receiver<Lease> {
        self.here().receiver()
    }

    /// Tells the other nodes the test clock moved.
    pub fn clock_moved(&self) {
        if let Self::Nats(nats) = self {
            nats.send(nats::Wire::Clock);
        }
    }

    /// Bus events subscribers must act on.
    pub fn subscribe_controls(&self) -> broadcast::Receiver<Control> {
        self.here().receiver()
    }

    /// Whether other nodes are heard.
    pub fn status(&self) -> BusStatus {
        match self {
            Self::Local(_) => BusStatus::Local,
            Self::Nats(nats) => nats.status(),
        }
    }
}

#[cfg(test)]
mod tests;
