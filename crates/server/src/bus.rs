//! The event bus: after each commit the desk publishes a hint ("conversation X of brand B
//! reached seq N"). Subscribers (WebSocket connections) read the entries from the database;
//! a hint is never the only copy, so a lost or duplicated one changes nothing users see.
//! Ephemeral signals (presence, typing, read markers) travel beside the hints; they are
//! not replayed (read markers are stored, presence is re-readable over HTTP).
//! Today: in-process broadcast; across nodes, NATS (same interface).

use ebb_core::{BrandId, Conversation, ConversationId, ExpertId, VisitorId};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

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

/// Publishes hints and signals to every subscriber of this process.
#[derive(Clone, Debug)]
pub struct Bus {
    tx: broadcast::Sender<Hint>,
    signals: broadcast::Sender<Signal>,
}

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    /// An in-process bus.
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        let (signals, _) = broadcast::channel(BUS_CAPACITY);
        Self { tx, signals }
    }

    /// Publishes a hint; having no subscriber is fine.
    pub fn publish(&self, hint: Hint) {
        let _ = self.tx.send(hint);
    }

    /// A new subscription to every hint published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Hint> {
        self.tx.subscribe()
    }

    /// Publishes a signal; having no subscriber is fine.
    pub fn signal(&self, signal: Signal) {
        let _ = self.signals.send(signal);
    }

    /// A new subscription to every signal published from now on.
    pub fn subscribe_signals(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }
}
