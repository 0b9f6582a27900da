//! The webhook outbox: one row per (event, subscribed endpoint), written in the transaction
//! that changed the data, so an event is never lost nor sent for a rolled-back change.
//! The rows form a [`queue`]: the delivery worker leases due ones, POSTs
//! them, then marks them delivered, due again later (backoff), or dead.

use ebb_core::{BrandId, Instant};
use serde::Serialize;
use uuid::Uuid;

use crate::page::Cursor;
use crate::queue::{self, Queue};
use crate::timefmt::{from_micros, from_micros_opt, to_micros};
use crate::{Handle, Result, rows, webhook_endpoints};

/// A delivery still to be attempted (or being attempted).
pub const PENDING: &str = "pending";
/// A delivery the receiver accepted (2xx).
pub const DELIVERED: &str = "delivered";
/// A delivery given up on (too many attempts, or its endpoint was deleted).
pub const DEAD: &str = "dead";

/// Writes one outbox row per live endpoint of `brand` subscribed to `event_type`, in the
/// caller's transaction (nothing when none is). The event's id is `payload["id"]` when it
/// is a UUID, otherwise a new one.
pub async fn enqueue(
    h: &mut impl Handle,
    brand: BrandId,
    event_type: &str,
    payload: &serde_json::Value,
    now: Instant,
) -> Result<()> {
    let targets = webhook_endpoints::live(h, brand).await?;
    let subscribed = targets
        .iter()
        .filter(|t| t.endpoint.events.iter().any(|e| e == event_type));
    let event_id = payload["id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_else(crate::ids::new_uuid);
    let body = serde_json::to_string(payload)?;
    for target in subscribed {
        exec!(
            h,
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, brand_id, endpoint_id, event_id, event_type, \
             payload, status, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)"
            )
            .bind(crate::ids::new_uuid())
            .bind(brand.0)
            .bind(target.endpoint.id)
            .bind(event_id)
            .bind(event_type)
            .bind(&body)
            .bind(to_micros(now))
        )?;
    }
    Ok(())
}

/// A delivery as the worker and the admin API see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Identity of this delivery (one per event and endpoint).
    pub id: Uuid,
    /// Its brand.
    pub brand_id: BrandId,
    /// Where it goes.
    pub endpoint_id: Uuid,
    /// The event's id (the `Ebb-Event-Id` header; the same for every endpoint).
    pub event_id: Uuid,
    /// The event type, e.g. `conversation.created`.
    pub event_type: String,
    /// The JSON body sent.
    #[serde(skip)]
    pub payload: String,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    /// Attempts made so far (a claimed delivery counts its current attempt).
    pub attempts: i64,
    /// When it is (or was last) due.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub next_attempt_at: Instant,
    /// HTTP status of the last attempt, if a response came.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the event was enqueued.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
    /// When the receiver accepted it.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub delivered_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    brand_id: Uuid,
    endpoint_id: Uuid,
    event_id: Uuid,
    event_type: String,
    payload: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    delivered_at: Option<i64>,
}

row_into!(Row, Delivery, |r| {
    Ok(Self {
        id: r.id,
        brand_id: BrandId(r.brand_id),
        endpoint_id: r.endpoint_id,
        event_id: r.event_id,
        event_type: r.event_type,
        payload: r.payload,
        status: r.status,
        attempts: r.attempts,
        next_attempt_at: from_micros(r.next_attempt_at)?,
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        created_at: from_micros(r.created_at)?,
        delivered_at: from_micros_opt(r.delivered_at)?,
    })
});

const COLUMNS: &str = "id, brand_id, endpoint_id, event_id, event_type, payload, status, \
                       attempts, next_attempt_at, last_status_code, last_error, created_at, \
                       delivered_at";

/// The queue of deliveries: a row waits while it is pending.
pub const QUEUE: Queue = Queue {
    table: "webhook_deliveries",
    due: "next_attempt_at",
    waiting: "status = 'pending'",
    columns: COLUMNS,
};

/// Leases up to `limit` pending deliveries due at `now` until `lease_until`, oldest first,
/// counting the attempt; a delivery leased by another worker is skipped until its lease
/// runs out.
pub async fn claim_due(
    h: &mut impl Handle,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<Delivery>> {
    let rows: Vec<Row> = queue::claim(h, &QUEUE, None, now, lease_until, limit).await?;
    let mut due = rows
        .into_iter()
        .map(Delivery::try_from)
        .collect::<Result<Vec<_>>>()?;
    due.sort_by_key(|d| (d.next_attempt_at, d.id));
    Ok(due)
}

/// How one attempt ended, as recorded on the row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver answered 2xx.
    Delivered {
        /// Its status code.
        status_code: i64,
    },
    /// It failed; try again at `retry_at`, or never (`None`: the delivery is dead).
    Failed {
        /// The status code, if a response came.
        status_code: Option<i64>,
        /// Why it failed.
        error: String,
        /// When to try again.
        retry_at: Option<Instant>,
    },
}

/// Records the outcome of the attempt `delivery` was claimed for. Nothing changes when the
/// row moved on meanwhile (another worker claimed it after this lease ran out).
pub async fn record(
    h: &mut impl Handle,
    delivery: &Delivery,
    attempt: &Attempt,
    now: Instant,
) -> Result<()> {
    let (status, code, error, next, delivered_at) = match attempt {
        Attempt::Delivered { status_code } => (
            DELIVERED,
            Some(*status_code),
            None,
            delivery.next_attempt_at,
            Some(to_micros(now)),
        ),
        Attempt::Failed {
            status_code,
            error,
            retry_at,
        } => (
            if retry_at.is_some() { PENDING } else { DEAD },
            *status_code,
            Some(error.as_str()),
            retry_at.unwrap_or(delivery.next_attempt_at),
            None,
        ),
    };
    exec!(
        h,
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $4, last_status_code = $5, last_error = $6, \
         next_attempt_at = $7, delivered_at = $8, locked_until = NULL \
         WHERE brand_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'"
        )
        .bind(delivery.brand_id.0)
        .bind(delivery.id)
        .bind(delivery.attempts)
        .bind(status)
        .bind(code)
        .bind(error)
        .bind(to_micros(next))
        .bind(delivered_at)
    )?;
    Ok(())
}

/// A page of the brand's deliveries, newest first, after `before`.
pub async fn recent(
    h: &mut impl Handle,
    brand: BrandId,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Delivery>> {
    let before = before.unwrap_or_else(Cursor::newest);
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_deliveries WHERE brand_id = $1 \
         AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    );
    rows::all::<Row, _>(h, &sql, &rows::page_of(brand, before, limit)).await
}

/// When the next pending delivery is due, if any (for the worker's sleep).
pub async fn next_due(h: &mut impl Handle) -> Result<Option<Instant>> {
    queue::next_due(h, &QUEUE).await
}
