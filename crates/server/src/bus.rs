//! The event bus: after each commit the desk publishes a hint ("conversation X of brand B
//! reached seq N"). Subscribers (WebSocket connections) read the entries from the database;
//! a hint is never the only copy, so a lost or duplicated one changes nothing users see.
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

/// Publishes hints to every subscriber of this process.
#[derive(Clone, Debug)]
pub struct Bus {
    tx: broadcast::Sender<Hint>,
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
        Self { tx }
    }

    /// Publishes a hint; having no subscriber is fine.
    pub fn publish(&self, hint: Hint) {
        let _ = self.tx.send(hint);
    }

    /// A new subscription to every hint published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Hint> {
        self.tx.subscribe()
    }
}
