//! The JSON frames of the WebSocket protocol, both directions (see `docs/api.md`).

use std::collections::HashMap;

use ebb_core::{BrandId, Conversation, ConversationId, Entry, VisitorId};
use ebb_store::reads::Side;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::expert::lifecycle::SuggestionView;
use crate::auth::Principal;
use crate::error::Problem;

/// Who the connection belongs to, as told in `hello`.
#[derive(Serialize, Debug)]
pub struct PrincipalInfo {
    /// `visitor`, `expert` or `admin`.
    pub kind: &'static str,
    /// Their id.
    pub id: Uuid,
    /// Their brand.
    pub brand: BrandId,
}

impl From<&Principal> for PrincipalInfo {
    fn from(p: &Principal) -> Self {
        let (kind, id) = match p {
            Principal::Visitor { visitor, .. } => ("visitor", visitor.0),
            Principal::Expert(e) => ("expert", e.id.0),
            Principal::Admin(a) => ("admin", a.id.0),
        };
        Self {
            kind,
            id,
            brand: p.brand_id(),
        }
    }
}

/// A frame from the server.
#[derive(Serialize, Debug)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame of every connection.
    Hello {
        /// Who is connected.
        principal: PrincipalInfo,
        /// Seconds between server pings.
        heartbeat_secs: u64,
    },
    /// A timeline entry.
    Entry {
        /// Its conversation.
        conversation: ConversationId,
        /// The entry.
        entry: Entry,
    },
    /// A conversation's current state.
    Conversation {
        /// The conversation.
        conversation: Conversation,
    },
    /// A visitor came online or went offline.
    Presence {
        /// The visitor.
        visitor: VisitorId,
        /// Online now?
        online: bool,
        /// For an expert: the playbook's suggestion for each of their assigned
        /// conversations with this visitor, decided with this presence (absent for admins,
        /// or when it could not be read: then ask `GET /suggestions`).
        #[serde(skip_serializing_if = "Option::is_none")]
        suggestions: Option<HashMap<ConversationId, SuggestionView>>,
    },
    /// A side started or stopped typing.
    Typing {
        /// The conversation.
        conversation: ConversationId,
        /// Which side.
        from: Side,
        /// Typing now?
        typing: bool,
    },
    /// A read marker moved.
    Read {
        /// The conversation.
        conversation: ConversationId,
        /// Which side read.
        by: Side,
        /// Up to which seq.
        seq: u64,
    },
    /// To a visitor: the snooze promise on their conversation, when it appears, changes or
    /// ends (`null`).
    Promise {
        /// The conversation.
        conversation: ConversationId,
        /// The promise standing now, if any.
        promise: Option<crate::promise::SnoozePromise>,
    },
    /// Answer to a client `ping`.
    Pong,
    /// A client message was refused.
    Error {
        /// Why.
        problem: Problem,
    },
}

/// A frame from the client.
#[derive(Deserialize, Debug)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Replay what was missed after these seqs, then go live.
    Resume {
        /// Last seq held per conversation.
        conversations: HashMap<ConversationId, u64>,
    },
    /// The user started or stopped typing.
    Typing {
        /// The conversation.
        conversation: ConversationId,
        /// Typing now?
        typing: bool,
    },
    /// The user read up to `seq`.
    Read {
        /// The conversation.
        conversation: ConversationId,
        /// Up to which seq.
        seq: u64,
    },
    /// Liveness check; answered with `pong`.
    Ping,
}
