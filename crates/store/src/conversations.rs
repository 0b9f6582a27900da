//! Conversations: their current state row. Timeline entries live in [`crate::events`];
//! a state change and its entries are written in the caller's one transaction.

mod pacing;
pub(crate) mod queue;
pub(crate) mod reserved;

use ebb_core::earnings::close_payee;
use ebb_core::{
    Actor, Author, BrandId, Conversation, ConversationId, ConversationState, ExpertId, Instant,
    VisitorId, WakeReason,
};
use uuid::Uuid;

pub use pacing::{Pacing, pacing};
pub use queue::{
    Queued, brand_head, queue, queue_lengths, queued_count, reserved_head, reserved_lapsed,
};
pub use reserved::{Reserved, oldest_per_expert, oldest_reserved};

use crate::timefmt::{from_micros, from_micros_opt, to_micros};
use crate::{Handle, Result, StoreError, rows};

mod pages;
mod returns;
pub use pages::{for_brand, for_brand_tagged, page_for_visitor, page_handled_by};
pub use returns::return_snoozes;

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    id: Uuid,
    brand_id: Uuid,
    visitor_id: Uuid,
    status: String,
    expert_id: Option<Uuid>,
    wake: Option<String>,
    snoozed_until: Option<i64>,
    snooze_count: i64,
    silent_expiries: i64,
    closed_by: Option<String>,
    closed_at: Option<i64>,
    last_seq: i64,
    last_author: Option<String>,
    last_message_at: Option<i64>,
    awaiting_since: Option<i64>,
    created_at: i64,
    wake_on_return: i64,
    visitor_waiting_since: Option<i64>,
}

pub(crate) const COLUMNS: &str = "id, brand_id, visitor_id, status, expert_id, wake, snoozed_until, \
    snooze_count, silent_expiries, closed_by, closed_at, last_seq, last_author, last_message_at, \
    awaiting_since, created_at, wake_on_return, visitor_waiting_since";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("conversation {what}"))
}

fn wake_text(wake: Option<WakeReason>) -> Option<&'static str> {
    wake.map(|w| match w {
        WakeReason::VisitorReplied => "visitor_replied",
        WakeReason::SnoozeExpired => "snooze_expired",
        WakeReason::PassedOn => "passed_on",
        WakeReason::VisitorReturned => "visitor_returned",
    })
}

fn parse_wake(text: Option<&str>) -> Result<Option<WakeReason>> {
    text.map(|t| match t {
        "visitor_replied" => Ok(WakeReason::VisitorReplied),
        "snooze_expired" => Ok(WakeReason::SnoozeExpired),
        "passed_on" => Ok(WakeReason::PassedOn),
        "visitor_returned" => Ok(WakeReason::VisitorReturned),
        _ => Err(corrupt("wake")),
    })
    .transpose()
}

row_into!(ConversationRow, Conversation, |r| {
    let expert = r.expert_id.map(ExpertId);
    let wake = parse_wake(r.wake.as_deref())?;
    let state = match r.status.as_str() {
        "queued" => ConversationState::Queued {
            for_expert: expert,
            wake,
        },
        "assigned" => ConversationState::Assigned {
            expert: expert.ok_or_else(|| corrupt("expert"))?,
            wake,
        },
        "snoozed" => ConversationState::Snoozed {
            expert: expert.ok_or_else(|| corrupt("expert"))?,
            until: from_micros(r.snoozed_until.ok_or_else(|| corrupt("snoozed_until"))?)?,
            until_return: r.wake_on_return == 1,
        },
        "closed" => ConversationState::Closed {
            by: serde_json::from_str::<Actor>(r.closed_by.as_deref().unwrap_or_default())?,
            at: from_micros(r.closed_at.ok_or_else(|| corrupt("closed_at"))?)?,
        },
        other => return Err(corrupt(other)),
    };
    let last_author = r
        .last_author
        .as_deref()
        .map(serde_json::from_str::<Author>)
        .transpose()?;
    Ok(Self {
        id: ConversationId(r.id),
        brand_id: BrandId(r.brand_id),
        visitor_id: VisitorId(r.visitor_id),
        state,
        snooze_count: u32::try_from(r.snooze_count).map_err(|_| corrupt("snooze_count"))?,
        silent_expiries: u32::try_from(r.silent_expiries)
            .map_err(|_| corrupt("silent_expiries"))?,
        last_seq: u64::try_from(r.last_seq).map_err(|_| corrupt("last_seq"))?,
        created_at: from_micros(r.created_at)?,
        last_author,
        last_message_at: from_micros_opt(r.last_message_at)?,
        awaiting_since: from_micros_opt(r.awaiting_since)?,
        visitor_waiting_since: from_micros_opt(r.visitor_waiting_since)?,
    })
});

/// The state columns of a conversation, in bind order.
struct StateColumns {
    status: &'static str,
    expert_id: Option<Uuid>,
    wake: Option<&'static str>,
    snoozed_until: Option<i64>,
    closed_by: Option<String>,
    closed_at: Option<i64>,
    last_author: Option<String>,
    /// 1 for a snooze until the visitor is back, else 0.
    wake_on_return: i64,
}

fn state_columns(conv: &Conversation) -> Result<StateColumns> {
    let (wake, snoozed_until, closed_by, closed_at) = match &conv.state {
        ConversationState::Queued { wake, .. } | ConversationState::Assigned { wake, .. } => {
            (wake_text(*wake), None, None, None)
        }
        ConversationState::Snoozed { until, .. } => (None, Some(to_micros(*until)), None, None),
        ConversationState::Closed { by, at } => (
            None,
            None,
            Some(serde_json::to_string(by)?),
            Some(to_micros(*at)),
        ),
    };
    Ok(StateColumns {
        status: conv.state.status().as_str(),
        expert_id: conv.state.owner().map(|e| e.0),
        wake,
        snoozed_until,
        closed_by,
        closed_at,
        last_author: conv
            .last_author
            .map(|a| serde_json::to_string(&a))
            .transpose()?,
        wake_on_return: i64::from(conv.state.waits_for_return()),
    })
}

/// Binds `conv`'s state columns (`s`, from [`state_columns`]) to `$query`, in the order
/// both `insert` and `update` list them: status through `last_message_at`.
macro_rules! bind_state {
    ($query:expr, $conv:expr, $s:expr) => {
        $query
            .bind($s.status)
            .bind($s.expert_id)
            .bind($s.wake)
            .bind($s.snoozed_until)
            .bind(i64::from($conv.snooze_count))
            .bind($s.closed_by)
            .bind($s.closed_at)
            .bind(seq($conv.last_seq))
            .bind($s.last_author)
            .bind($conv.last_message_at.map(to_micros))
    };
}

fn seq(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Inserts a new conversation; it enters the queue at `created_at`.
pub async fn insert(h: &mut impl Handle, conv: &Conversation) -> Result<()> {
    let s = state_columns(conv)?;
    let created = to_micros(conv.created_at);
    exec!(
        h,
        bind_state!(
            sqlx::query(
                "INSERT INTO conversations (id, brand_id, visitor_id, status, expert_id, wake, \
         snoozed_until, snooze_count, closed_by, closed_at, last_seq, last_author, \
         last_message_at, awaiting_since, queued_at, created_at, updated_at, silent_expiries, \
         wake_on_return, visitor_waiting_since) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $15, $14, $14, $14, $16, \
         $17, $18)"
            )
            .bind(conv.id.0)
            .bind(conv.brand_id.0)
            .bind(conv.visitor_id.0),
            conv,
            s
        )
        .bind(created)
        .bind(conv.awaiting_since.map(to_micros))
        .bind(i64::from(conv.silent_expiries))
        .bind(s.wake_on_return)
        .bind(conv.visitor_waiting_since.map(to_micros))
    )?;
    Ok(())
}

/// Saves `conv`'s new state, provided nobody changed it since it was at `prev_seq`.
/// `requeued_at` moves it to the back of the queue (a woken conversation).
pub async fn update(
    h: &mut impl Handle,
    conv: &Conversation,
    prev_seq: u64,
    requeued_at: Option<Instant>,
    now: Instant,
) -> Result<()> {
    let s = state_columns(conv)?;
    let done = exec!(
        h,
        bind_state!(
            sqlx::query(
        "UPDATE conversations SET status = $3, expert_id = $4, wake = $5, snoozed_until = $6, \
         snooze_count = $7, closed_by = $8, closed_at = $9, last_seq = $10, last_author = $11, \
         last_message_at = $12, queued_at = COALESCE($13, queued_at), updated_at = $14, \
         awaiting_since = $16, silent_expiries = $17, wake_on_return = $18, \
         visitor_waiting_since = $19 \
         WHERE brand_id = $1 AND id = $2 AND last_seq = $15"
    )
    .bind(conv.brand_id.0)
    .bind(conv.id.0),
            conv,
            s
        )
        .bind(requeued_at.map(to_micros))
        .bind(to_micros(now))
        .bind(seq(prev_seq))
        .bind(conv.awaiting_since.map(to_micros))
        .bind(i64::from(conv.silent_expiries))
        .bind(s.wake_on_return)
        .bind(conv.visitor_waiting_since.map(to_micros))
    )?;
    if done == 1 {
        Ok(())
    } else {
        Err(StoreError::Concurrent("conversation"))
    }
}

/// Loads a conversation of `brand`, locking its row until the transaction ends (PostgreSQL;
/// SQLite write transactions are already exclusive).
pub async fn get_locked(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
) -> Result<Option<Conversation>> {
    let sql = format!(
        "UPDATE conversations SET last_seq = last_seq WHERE brand_id = $1 AND id = $2 \
         RETURNING {COLUMNS}"
    );
    rows::one::<ConversationRow, _>(h, &sql, &[brand.0.into(), id.0.into()]).await
}

/// Loads a conversation of `brand`.
pub async fn get(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
) -> Result<Option<Conversation>> {
    let sql = format!("SELECT {COLUMNS} FROM conversations WHERE brand_id = $1 AND id = $2");
    rows::one::<ConversationRow, _>(h, &sql, &[brand.0.into(), id.0.into()]).await
}

/// The open conversations an expert owns (assigned, snoozed, or woken and waiting).
pub async fn for_expert(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
) -> Result<Vec<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations WHERE brand_id = $1 AND expert_id = $2 \
         AND status <> 'closed' ORDER BY created_at, id"
    );
    rows::all::<ConversationRow, _>(h, &sql, &[brand.0.into(), expert.0.into()]).await
}

/// A visitor's conversations, newest first.
pub async fn for_visitor(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations WHERE brand_id = $1 AND visitor_id = $2 \
         ORDER BY created_at DESC, id DESC"
    );
    rows::all::<ConversationRow, _>(h, &sql, &[brand.0.into(), visitor.0.into()]).await
}

/// A visitor's conversations as the earnings rules see them: time spans, follow-up links
/// and, once closed, who their contact belongs to.
pub async fn spans_for_visitor(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<ebb_core::earnings::Span>> {
    type SpanRow = (
        Uuid,
        i64,
        Option<i64>,
        Option<Uuid>,
        Option<String>,
        Option<Uuid>,
    );
    let rows: Vec<SpanRow> = run!(h, |c| {
        sqlx::query_as(
        "SELECT id, created_at, closed_at, previous_id, closed_by, closer_id FROM conversations \
         WHERE brand_id = $1 AND visitor_id = $2 ORDER BY created_at, id"
    )
    .bind(brand.0)
    .bind(visitor.0)
    .fetch_all(c)
    .await
    })?;
    rows.into_iter()
        .map(|(id, start, end, previous, closed_by, closer)| {
            let closed_by = closed_by
                .as_deref()
                .map(serde_json::from_str::<Actor>)
                .transpose()?;
            Ok(ebb_core::earnings::Span {
                id: ConversationId(id),
                started_at: from_micros(start)?,
                closed_at: from_micros_opt(end)?,
                previous: previous.map(ConversationId),
                closer: closed_by.and_then(|by| close_payee(by, closer.map(ExpertId))),
            })
        })
        .collect()
}

/// Records who the closed conversation `id`'s contact belongs to.
pub async fn set_closer(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
    closer: ExpertId,
) -> Result<()> {
    run!(h, |c| sqlx::query(
        "UPDATE conversations SET closer_id = $3 WHERE brand_id = $1 AND id = $2"
    )
    .bind(brand.0)
    .bind(id.0)
    .bind(closer.0)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records that `id` follows up the closed conversation `previous`.
pub async fn set_previous(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
    previous: ConversationId,
) -> Result<()> {
    exec!(
        h,
        sqlx::query("UPDATE conversations SET previous_id = $3 WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(id.0)
            .bind(previous.0)
    )?;
    Ok(())
}
