//! The desk: each operation loads what it needs, asks core to decide, stores the new state
//! and its timeline entries in one transaction, then fills free slots (routing) in that
//! same transaction. Nothing here decides what core did not.

use ebb_core::routing::plan;
use ebb_core::{
    Author, Brand, BrandId, Command, Conversation, ConversationId, Entry, Event, ExpertId,
    ExpertStatus, Instant, MessageBody, VisitorId,
};
use ebb_store::{Handle, StoreError, Tx, conversations, events, experts};

use crate::bus::Hint;
use crate::{ApiError, AppState};

/// A conversation and the entries an operation appended to it.
#[derive(Debug)]
pub struct Outcome {
    /// The conversation after the operation.
    pub conversation: Conversation,
    /// The entries appended (for a replayed request: the ones first stored).
    pub entries: Vec<Entry>,
    /// True when the request was a retry of one already stored.
    pub replayed: bool,
}

/// Opens a conversation with the visitor's first message (plus the brand's automatic
/// message) and routes it. A retry with the same `client_msg_id` returns the first result.
pub async fn start_conversation(
    state: &AppState,
    brand: &Brand,
    visitor: VisitorId,
    body: MessageBody,
    client_msg_id: Option<String>,
) -> Result<Outcome, ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    if let Some(id) = &client_msg_id
        && let Some(outcome) = replayed_start(&mut tx, brand.id, visitor, id).await?
    {
        return Ok(outcome);
    }
    let auto = MessageBody::parse(&brand.settings.render_auto_message()).ok();
    let (conv, mut entries) = Conversation::start(
        ConversationId::new(),
        brand.id,
        visitor,
        body,
        client_msg_id,
        auto,
        now,
    );
    conversations::insert(&mut tx, &conv).await?;
    events::append(&mut tx, brand.id, conv.id, &entries).await?;
    let routed = route(&mut tx, brand.id, now).await?;
    tx.commit().await?;
    publish(state, &conv, &routed);
    let conversation = take_routed(conv, &mut entries, routed);
    Ok(Outcome {
        conversation,
        entries,
        replayed: false,
    })
}

async fn replayed_start(
    tx: &mut Tx,
    brand: BrandId,
    visitor: VisitorId,
    client_msg_id: &str,
) -> Result<Option<Outcome>, ApiError> {
    let mine = conversations::for_visitor(tx, brand, visitor).await?;
    let ids: Vec<ConversationId> = mine.iter().map(|c| c.id).collect();
    let found = events::conversation_of_client_msg_id(tx, brand, &ids, client_msg_id).await?;
    let Some(conversation) = mine.into_iter().find(|c| Some(c.id) == found) else {
        return Ok(None);
    };
    let entries = events::after(tx, brand, conversation.id, 0, 100).await?;
    Ok(Some(Outcome {
        conversation,
        entries,
        replayed: true,
    }))
}

/// Posts a message as `author`. A retry with the same `client_msg_id` returns the stored
/// entry. A visitor reply to a snoozed conversation wakes it for its expert.
pub async fn post_message(
    state: &AppState,
    brand: BrandId,
    conversation: ConversationId,
    author: Author,
    body: MessageBody,
    client_msg_id: Option<String>,
) -> Result<Outcome, ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let conv = conversations::get_locked(&mut tx, brand, conversation)
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    check_author(&conv, author)?;
    if let Some(id) = &client_msg_id
        && let Some(entry) = events::by_client_msg_id(&mut tx, brand, conversation, id).await?
    {
        return Ok(Outcome {
            conversation: conv,
            entries: vec![entry],
            replayed: true,
        });
    }
    let command = Command::Post {
        author,
        body,
        client_msg_id,
    };
    let (next, mut entries) = conv.decide(command, now)?;
    let woke = entries
        .iter()
        .any(|e| matches!(e.event, Event::Woken { .. }));
    save(&mut tx, &conv, &next, &entries, woke.then_some(now), now).await?;
    let routed = if woke {
        route(&mut tx, brand, now).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    publish(state, &next, &routed);
    let conversation = take_routed(next, &mut entries, routed);
    Ok(Outcome {
        conversation,
        entries,
        replayed: false,
    })
}

/// Refuses authors who may not even see the conversation (before any idempotent replay).
fn check_author(conv: &Conversation, author: Author) -> Result<(), ApiError> {
    match author {
        Author::Visitor(v) if v != conv.visitor_id => Err(ApiError::NotFound("conversation")),
        Author::Expert(e) if conv.state.owner() != Some(e) => {
            Err(ApiError::NotFound("conversation"))
        }
        _ => Ok(()),
    }
}

/// Sets an expert's status; becoming available may fill their free slots at once.
pub async fn set_status(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
    status: ExpertStatus,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    if !experts::set_status(&mut tx, brand, expert, status).await? {
        return Err(ApiError::NotFound("expert"));
    }
    let routed = route(&mut tx, brand, now).await?;
    tx.commit().await?;
    for (conv, _) in &routed {
        state.bus.publish(Hint::of(conv, None));
    }
    Ok(())
}

/// Publishes the hints of a committed operation on `conv` and of what routing assigned.
fn publish(state: &AppState, conv: &Conversation, routed: &[(Conversation, Vec<Entry>)]) {
    if !routed.iter().any(|(c, _)| c.id == conv.id) {
        state.bus.publish(Hint::of(conv, None));
    }
    for (c, _) in routed {
        state.bus.publish(Hint::of(c, None));
    }
}

async fn save(
    tx: &mut Tx,
    before: &Conversation,
    after: &Conversation,
    entries: &[Entry],
    requeued_at: Option<Instant>,
    now: Instant,
) -> Result<(), StoreError> {
    conversations::update(tx, after, before.last_seq, requeued_at, now).await?;
    events::append(tx, after.brand_id, after.id, entries).await
}

/// Fills every free slot of `brand` (see [`plan`]); returns each assigned conversation with
/// its new entries. Expert rows are locked first, so two nodes never fill the same slot.
pub async fn route(
    tx: &mut Tx,
    brand: BrandId,
    now: Instant,
) -> Result<Vec<(Conversation, Vec<Entry>)>, ApiError> {
    let mut loads = experts::loads_locked(tx, brand).await?;
    let queue = conversations::queue(tx, brand).await?;
    let mut done = Vec::new();
    for (id, expert) in plan(&loads, &queue) {
        let Some(load) = loads.iter_mut().find(|l| l.id == expert) else {
            continue;
        };
        let Some(conv) = conversations::get_locked(tx, brand, id).await? else {
            continue;
        };
        let command = Command::Assign {
            expert,
            slots: load.slots,
        };
        let (next, entries) = conv.decide(command, now)?;
        save(tx, &conv, &next, &entries, None, now).await?;
        load.slots.held += 1;
        done.push((next, entries));
    }
    Ok(done)
}

/// Merges routing results for `conv` into the operation's outcome.
fn take_routed(
    conv: Conversation,
    entries: &mut Vec<Entry>,
    routed: Vec<(Conversation, Vec<Entry>)>,
) -> Conversation {
    let mut conv = conv;
    for (next, more) in routed {
        if next.id == conv.id {
            entries.extend(more);
            conv = next;
        }
    }
    conv
}

/// A conversation of `brand` with its entries after `after_seq`, if `can_see` allows.
pub async fn read(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    after_seq: u64,
    limit: u32,
    can_see: impl FnOnce(&Conversation) -> bool,
) -> Result<(Conversation, Vec<Entry>), ApiError> {
    let mut conn = state.store.conn().await?;
    let conv = conversations::get(&mut conn, brand, id)
        .await?
        .filter(|c| can_see(c))
        .ok_or(ApiError::NotFound("conversation"))?;
    let entries = events::after(&mut conn, brand, id, after_seq, limit).await?;
    Ok((conv, entries))
}

/// The conversations of `brand` waiting in its queue.
pub async fn queue_size(h: &mut impl Handle, brand: BrandId) -> Result<usize, ApiError> {
    Ok(conversations::queue(h, brand)
        .await?
        .iter()
        .filter(|w| w.for_expert.is_none())
        .count())
}
