//! The desk: each operation loads what it needs, asks core to decide, stores the new state
//! and its timeline entries in one transaction, then fills free slots (routing) in that
//! same transaction. Nothing here decides what core did not. Operations that can change
//! slots lock the brand's expert rows first (always experts, then conversation), so two
//! nodes never fill the same slot and the event log's order is the slots' true history.

pub mod earnings;
mod lifecycle;
mod pace;
mod route;
mod team;
mod transfer;
mod wake;

use std::future::Future;

use ebb_core::schedule::wording::Lang;
use ebb_core::{
    Author, Brand, BrandId, Command, Conversation, ConversationId, ConversationState, Entry, Event,
    ExpertId, Instant, MessageBody, VisitorId,
};
use ebb_store::{Handle, Tx, brands, conversations, events, experts, jobs};
pub use lifecycle::{admin_move, close, snooze};
pub use pace::visitor_online;
pub use route::{Routed, route};
pub use team::{ExpertUpdate, log_out, offline_without_sessions, set_status, update_expert};
pub use transfer::transfer;
pub use wake::{expire_snooze, expire_snoozes, visitor_back};

use crate::bus::Hint;
use crate::{ApiError, AppState};

/// How many times an operation is retried after losing a race.
const RETRIES: usize = 5;

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

/// Runs `op` again when it lost a race with another transaction.
async fn with_retry<T, Fut>(mut op: impl FnMut() -> Fut) -> Result<T, ApiError>
where
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tries = 0;
    loop {
        match op().await {
            Err(ApiError::Concurrent) if tries < RETRIES => tries += 1,
            other => return other,
        }
    }
}

/// Opens a conversation with the visitor's first message (plus the brand's automatic
/// message, in `lang` where it says when the team is back) and routes it. A retry with the same `client_msg_id` returns the first result.
pub async fn start_conversation(
    state: &AppState,
    brand: &Brand,
    visitor: VisitorId,
    body: MessageBody,
    client_msg_id: Option<String>,
    lang: Lang,
) -> Result<Outcome, ApiError> {
    with_retry(|| {
        start_once(
            state,
            brand,
            visitor,
            body.clone(),
            client_msg_id.clone(),
            None,
            lang,
        )
    })
    .await
}

async fn start_once(
    state: &AppState,
    brand: &Brand,
    visitor: VisitorId,
    body: MessageBody,
    client_msg_id: Option<String>,
    previous: Option<ConversationId>,
    lang: Lang,
) -> Result<Outcome, ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    experts::loads_locked(&mut tx, brand.id).await?;
    if let Some(id) = &client_msg_id
        && let Some(outcome) = replayed_start(&mut tx, brand.id, visitor, id).await?
    {
        return Ok(outcome);
    }
    if previous.is_none() {
        let spans = conversations::spans_for_visitor(&mut tx, brand.id, visitor).await?;
        ebb_core::conversation::opening::may_start(&spans)?;
    }
    let auto_text =
        crate::office_hours::auto_message(&mut tx, &state.reply_times, brand, visitor, now, lang)
            .await?;
    let auto = MessageBody::parse(&auto_text).ok();
    let (conv, entries) = Conversation::start(
        ebb_store::ids::new_id(),
        brand.id,
        visitor,
        body,
        client_msg_id,
        auto,
        now,
    );
    conversations::insert(&mut tx, &conv).await?;
    if let Some(previous) = previous {
        conversations::set_previous(&mut tx, brand.id, conv.id, previous).await?;
    }
    events::append(&mut tx, brand.id, conv.id, &entries).await?;
    crate::webhooks::enqueue_entries(&mut tx, &conv, &entries, now).await?;
    let routed = route(&mut tx, brand.id, now, &state.presence).await?;
    finish(state, tx, conv, entries, routed, None).await
}

async fn replayed_start(
    tx: &mut Tx,
    brand: BrandId,
    visitor: VisitorId,
    client_msg_id: &str,
) -> Result<Option<Outcome>, ApiError> {
    let Some(id) = events::conversation_of_client_msg_id(tx, brand, visitor, client_msg_id).await?
    else {
        return Ok(None);
    };
    let Some(conversation) = conversations::get(tx, brand, id).await? else {
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
/// entry. A visitor reply to a snoozed conversation wakes it for its expert; a visitor
/// message to a closed conversation starts a new conversation linked to it.
pub async fn post_message(
    state: &AppState,
    brand: BrandId,
    conversation: ConversationId,
    author: Author,
    body: MessageBody,
    client_msg_id: Option<String>,
) -> Result<Outcome, ApiError> {
    with_retry(|| {
        post_once(
            state,
            brand,
            conversation,
            author,
            body.clone(),
            client_msg_id.clone(),
        )
    })
    .await
}

async fn post_once(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    author: Author,
    body: MessageBody,
    client_msg_id: Option<String>,
) -> Result<Outcome, ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    // A visitor reply may wake a snoozed conversation and take a slot: lock experts first.
    let peek = conversations::get(&mut tx, brand, id).await?;
    let may_wake = matches!(author, Author::Visitor(_))
        && peek.is_some_and(|c| matches!(c.state, ConversationState::Snoozed { .. }));
    if may_wake {
        experts::loads_locked(&mut tx, brand).await?;
    }
    let conv = conversations::get_locked(&mut tx, brand, id)
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    check_author(&conv, author)?;
    if let Some(cid) = &client_msg_id
        && let Some(entry) = events::by_client_msg_id(&mut tx, brand, id, author, cid).await?
    {
        return Ok(Outcome {
            conversation: conv,
            entries: vec![entry],
            replayed: true,
        });
    }
    if let (ConversationState::Closed { .. }, Author::Visitor(visitor)) = (&conv.state, author) {
        let full = brand_of(&mut tx, brand).await?;
        drop(tx);
        let lang = Lang::default();
        let previous = Some(conv.id);
        return start_once(state, &full, visitor, body, client_msg_id, previous, lang).await;
    }
    let command = Command::Post {
        author,
        body,
        client_msg_id,
    };
    let (next, entries) = conv.decide(command, now)?;
    let woke = entries
        .iter()
        .any(|e| matches!(e.event, Event::Woken { .. }));
    if woke && !may_wake {
        // It was snoozed after we looked: start again with the right locks.
        return Err(ApiError::Concurrent);
    }
    save(&mut tx, &conv, &next, &entries, woke.then_some(now), now).await?;
    if matches!(author, Author::Expert(_)) && state.settings.mail.is_some() {
        crate::mail::delivery::schedule_follow_up(&mut tx, &next, now).await?;
    }
    let routed = if woke {
        jobs::cancel(&mut tx, brand, jobs::SNOOZE_EXPIRY, id).await?;
        route(&mut tx, brand, now, &state.presence).await?
    } else {
        Vec::new()
    };
    let outcome = finish(state, tx, next, entries, routed, None).await?;
    if matches!(author, Author::Expert(_)) {
        state.reply_times.forget_unmeasured(brand);
    }
    Ok(outcome)
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

/// Commits `tx`, then publishes the hints of `next` and of what routing changed, and
/// returns the operation's outcome with routing's entries for `next` merged in.
async fn finish(
    state: &AppState,
    tx: Tx,
    next: Conversation,
    mut entries: Vec<Entry>,
    routed: Vec<(Conversation, Vec<Entry>)>,
    previous_owner: Option<ExpertId>,
) -> Result<Outcome, ApiError> {
    tx.commit().await?;
    publish(state, &next, previous_owner, &routed);
    let conversation = take_routed(next, &mut entries, routed);
    Ok(Outcome {
        conversation,
        entries,
        replayed: false,
    })
}

/// Publishes the hints of a committed operation on `conv` and of what routing assigned.
fn publish(
    state: &AppState,
    conv: &Conversation,
    previous_owner: Option<ExpertId>,
    routed: &[(Conversation, Vec<Entry>)],
) {
    if !routed.iter().any(|(c, _)| c.id == conv.id) {
        state.bus.publish(Hint::of(conv, previous_owner));
    }
    for (c, entries) in routed {
        let previous = (c.id == conv.id).then_some(previous_owner).flatten();
        state.bus.publish(routed_hint(c, entries, previous));
    }
}

/// Publishes the hints of a committed batch: each of `changed` (merged with what routing
/// then did to it) and every other conversation routing changed.
fn publish_all(
    state: &AppState,
    changed: &[(Conversation, Vec<Entry>)],
    routed: &[(Conversation, Vec<Entry>)],
) {
    for (conv, _) in changed {
        if !routed.iter().any(|(c, _)| c.id == conv.id) {
            state.bus.publish(Hint::of(conv, None));
        }
    }
    for (c, entries) in routed {
        state.bus.publish(routed_hint(c, entries, None));
    }
}

/// The hint for a conversation routing changed: a conversation passed on also tells the
/// expert it was taken from (their panel drops it).
pub fn routed_hint(conv: &Conversation, entries: &[Entry], previous: Option<ExpertId>) -> Hint {
    let released_from = entries.iter().find_map(|e| match e.event {
        Event::Released { from } => Some(from),
        _ => None,
    });
    Hint::of(conv, previous.or(released_from))
}

async fn save(
    tx: &mut Tx,
    before: &Conversation,
    after: &Conversation,
    entries: &[Entry],
    requeued_at: Option<Instant>,
    now: Instant,
) -> Result<(), ApiError> {
    conversations::update(tx, after, before.last_seq, requeued_at, now).await?;
    events::append(tx, after.brand_id, after.id, entries).await?;
    crate::webhooks::enqueue_entries(tx, after, entries, now).await
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
    let n = conversations::queued_count(h, brand).await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The brand with this id, or 404.
async fn brand_of(h: &mut impl Handle, id: BrandId) -> Result<Brand, ApiError> {
    brands::by_id(h, id)
        .await?
        .ok_or(ApiError::NotFound("brand"))
}
