//! The queue as stored: which conversations wait for a slot (core's [`Waiting::of`] decides,
//! the SQL narrows the fetch to queued rows), read a window at a time (see
//! [`ebb_core::routing::window`]), and the reservations the scheduler checks. The SQL order
//! is core's [`Waiting::rank`]; a store test checks the two agree on random data.

use ebb_core::routing::reservation::LapsedBy;
use ebb_core::routing::{Waiting, sort_queue};
use ebb_core::{BrandId, ExpertId, VisitorId};

use super::{COLUMNS, ConversationRow};
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

/// A conversation row with the time it entered the queue.
#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    queued_at: i64,
}

impl QueuedRow {
    fn queued(self) -> Result<Option<Queued>> {
        let queued_at = from_micros(self.queued_at)?;
        let conv: ebb_core::Conversation = self.conversation.try_into()?;
        Ok(Waiting::of(&conv, queued_at).map(|waiting| Queued {
            waiting,
            visitor: conv.visitor_id,
        }))
    }
}

/// A conversation waiting for a slot, with its visitor (online: real-time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    /// Its place in the queue.
    pub waiting: Waiting,
    /// Its visitor.
    pub visitor: VisitorId,
}

/// The rows of `sql` (binds: brand, then `extra` in order) as queue entries.
async fn fetch(
    h: &mut impl Handle,
    sql: &str,
    brand: BrandId,
    extra: &[Bind],
) -> Result<Vec<Queued>> {
    let rows = run!(h, |c| {
        let mut q = sqlx::query_as::<_, QueuedRow>(sql).bind(brand.0);
        for b in extra {
            q = match b {
                Bind::Expert(e) => q.bind(e.0),
                Bind::Int(n) => q.bind(*n),
            };
        }
        q.fetch_all(c).await
    })?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.extend(row.queued()?);
    }
    Ok(out)
}

/// The brand queue's head (`$1` brand, `$2` limit), on `conversations_brand_queue`.
pub(crate) const BRAND_HEAD: &str = "WHERE brand_id = $1 AND status = 'queued' \
    AND expert_id IS NULL ORDER BY (wake IS NULL), queued_at, id LIMIT $2";

/// An expert's reserved head (`$1` brand, `$2` expert, `$3` limit), on
/// `conversations_reserved`.
pub(crate) const RESERVED_HEAD: &str = "WHERE brand_id = $1 AND status = 'queued' \
    AND expert_id IS NOT NULL AND expert_id = $2 ORDER BY queued_at, id LIMIT $3";

/// An expert's reservations queued up to `$3` (`$1` brand, `$2` expert), on
/// `conversations_reserved`.
pub(crate) const RESERVED_LAPSED: &str = "WHERE brand_id = $1 AND status = 'queued' \
    AND expert_id IS NOT NULL AND expert_id = $2 AND queued_at <= $3 ORDER BY queued_at, id";

/// A bind after the brand.
enum Bind {
    Expert(ExpertId),
    Int(i64),
}

/// The first `limit` conversations of `brand`'s queue (reserved for nobody) in core's order:
/// released woken conversations first, then arrival, then id (index `conversations_brand_queue`).
pub async fn brand_head(h: &mut impl Handle, brand: BrandId, limit: u32) -> Result<Vec<Queued>> {
    let sql = format!("SELECT {COLUMNS}, queued_at FROM conversations {BRAND_HEAD}");
    fetch(h, &sql, brand, &[Bind::Int(i64::from(limit))]).await
}

/// The oldest `limit` conversations reserved for `expert`, in core's order
/// (index `conversations_reserved`).
pub async fn reserved_head(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    limit: u32,
) -> Result<Vec<Queued>> {
    let sql = format!("SELECT {COLUMNS}, queued_at FROM conversations {RESERVED_HEAD}");
    let binds = [Bind::Expert(expert), Bind::Int(i64::from(limit))];
    fetch(h, &sql, brand, &binds).await
}

/// The conversations reserved for `expert` that core's `by` says have a lapsed reservation
/// (queued up to an instant, or all), oldest first.
pub async fn reserved_lapsed(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    by: LapsedBy,
) -> Result<Vec<Queued>> {
    let until = match by {
        LapsedBy::All => i64::MAX,
        LapsedBy::QueuedBy(at) => to_micros(at),
    };
    let sql = format!("SELECT {COLUMNS}, queued_at FROM conversations {RESERVED_LAPSED}");
    fetch(h, &sql, brand, &[Bind::Expert(expert), Bind::Int(until)]).await
}

/// Every conversation of `brand` waiting for a slot, in the order core serves them
/// ([`ebb_core::routing::sort_queue`]); which ones wait is core's [`Waiting::of`]. Reads the
/// whole queue: for checks and small brands, never for routing.
pub async fn queue(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Waiting>> {
    let sql = format!(
        "SELECT {COLUMNS}, queued_at FROM conversations WHERE brand_id = $1 AND status = 'queued'"
    );
    let mut queue: Vec<Waiting> = fetch(h, &sql, brand, &[])
        .await?
        .into_iter()
        .map(|q| q.waiting)
        .collect();
    sort_queue(&mut queue);
    Ok(queue)
}

/// How many conversations wait in `brand`'s queue (reserved for nobody), counted on the
/// index.
pub async fn queued_count(h: &mut impl Handle, brand: BrandId) -> Result<u64> {
    let row: (i64,) = run!(h, |c| sqlx::query_as(
        "SELECT COUNT(*) FROM conversations \
         WHERE brand_id = $1 AND status = 'queued' AND expert_id IS NULL"
    )
    .bind(brand.0)
    .fetch_one(c)
    .await)?;
    u64::try_from(row.0).map_err(|_| StoreError::Corrupt(format!("queue length {}", row.0)))
}

/// For every brand, how many of its conversations are queued (in its queue or reserved
/// for an expert), counted on the index: the queue gauge, read when metrics are scraped.
pub async fn queue_lengths(h: &mut impl Handle) -> Result<Vec<(BrandId, u64)>> {
    let rows: Vec<(uuid::Uuid, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT b.id, (SELECT COUNT(*) FROM conversations c \
         WHERE c.brand_id = b.id AND c.status = 'queued') FROM brands b"
    )
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|(id, n)| {
            let n =
                u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("queue length {n}")))?;
            Ok((BrandId(id), n))
        })
        .collect()
}
