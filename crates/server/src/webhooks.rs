//! Webhooks out: maps timeline entries and other business events to webhook events, writes
//! them to the durable outbox inside the caller's transaction ([`enqueue_entries`],
//! [`enqueue_event`]); [`delivery`] POSTs them, signed as [`signature`] describes, to the
//! public addresses [`target`] allows.

pub mod delivery;
pub mod signature;
pub mod target;

use ebb_core::{BrandId, Conversation, Entry, Event, Instant};
use ebb_store::{Tx, outbox};
use serde_json::{Value, json};
use uuid::Uuid;

pub use delivery::WebhookDelivery;
pub use target::TargetPolicy;

use crate::ApiError;

/// A conversation was opened (its `started` entry).
pub const CONVERSATION_CREATED: &str = "conversation.created";
/// A conversation was given to an expert.
pub const CONVERSATION_ASSIGNED: &str = "conversation.assigned";
/// An expert snoozed a conversation.
pub const CONVERSATION_SNOOZED: &str = "conversation.snoozed";
/// A snoozed conversation came back.
pub const CONVERSATION_WOKEN: &str = "conversation.woken";
/// A conversation was closed.
pub const CONVERSATION_CLOSED: &str = "conversation.closed";
/// A message was posted (visitor, expert or automatic).
pub const MESSAGE_CREATED: &str = "message.created";
/// A visitor rated a closed conversation.
pub const CSAT_SUBMITTED: &str = "csat.submitted";
/// An expert earned money.
pub const EARNING_RECORDED: &str = "earning.recorded";

/// Every event type an endpoint may subscribe to.
pub const EVENT_TYPES: [&str; 8] = [
    CONVERSATION_CREATED,
    CONVERSATION_ASSIGNED,
    CONVERSATION_SNOOZED,
    CONVERSATION_WOKEN,
    CONVERSATION_CLOSED,
    MESSAGE_CREATED,
    CSAT_SUBMITTED,
    EARNING_RECORDED,
];

/// The webhook event type of a timeline entry, if it has one (`released` and `unassigned`
/// entries are internal moves and are not sent).
pub fn event_type(event: &Event) -> Option<&'static str> {
    match event {
        Event::Started { .. } => Some(CONVERSATION_CREATED),
        Event::Message { .. } => Some(MESSAGE_CREATED),
        Event::Assigned { .. } => Some(CONVERSATION_ASSIGNED),
        Event::Snoozed { .. } => Some(CONVERSATION_SNOOZED),
        Event::Woken { .. } => Some(CONVERSATION_WOKEN),
        Event::Closed { .. } => Some(CONVERSATION_CLOSED),
        Event::Released { .. } | Event::Unassigned { .. } | Event::Transferred { .. } => None,
    }
}

/// The envelope every delivery carries: a unique event id, its type, when it happened, the
/// brand, and the event's `data`.
pub fn envelope(brand: BrandId, event_type: &str, data: Value, now: Instant) -> Value {
    let created_at = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    json!({
        "id": Uuid::now_v7(),
        "type": event_type,
        "created_at": created_at,
        "brand_id": brand,
        "data": data,
    })
}

/// Writes the webhook events of `entries` appended to `conv` (its state after them) to the
/// outbox, in the caller's transaction.
pub async fn enqueue_entries(
    tx: &mut Tx,
    conv: &Conversation,
    entries: &[Entry],
    now: Instant,
) -> Result<(), ApiError> {
    for entry in entries {
        let Some(kind) = event_type(&entry.event) else {
            continue;
        };
        let data = json!({
            "conversation_id": conv.id,
            "conversation": conv,
            "entry": entry,
        });
        let payload = envelope(conv.brand_id, kind, data, now);
        outbox::enqueue(tx, conv.brand_id, kind, &payload, now).await?;
    }
    Ok(())
}

/// Writes one event of `event_type` with `data` (e.g. `csat.submitted`,
/// `earning.recorded`) to the outbox, in the caller's transaction. `data` becomes the
/// envelope's `data`; the id, type, time and brand are added.
pub async fn enqueue_event(
    tx: &mut Tx,
    brand: BrandId,
    event_type: &str,
    data: Value,
    now: Instant,
) -> Result<(), ApiError> {
    if !EVENT_TYPES.contains(&event_type) {
        return Err(ApiError::Internal(format!(
            "unknown webhook event type {event_type}"
        )));
    }
    let payload = envelope(brand, event_type, data, now);
    outbox::enqueue(tx, brand, event_type, &payload, now).await?;
    Ok(())
}
