//! The one leased job queue every kind of durable work shares (snooze wake-ups in `jobs`,
//! webhook deliveries in `outbox`): a row per job, claimed by leasing it
//! (`UPDATE ... SET locked_until = ... WHERE ... RETURNING`), so each due row goes to one
//! worker at a time across processes; a crashed worker's lease simply runs out. On
//! PostgreSQL the pick also says `FOR UPDATE SKIP LOCKED`, so concurrent claimers take
//! different rows instead of queueing on the same ones.

use ebb_core::{BrandId, Instant};

use crate::rows::Row;
use crate::timefmt::{from_micros, to_micros};
use crate::{ConnRef, Handle, Result};

/// Where one kind of job lives: its table, the column saying when a row is due, and the
/// condition a row must meet to be waiting (beside being due and unleased).
#[derive(Clone, Copy, Debug)]
pub struct Queue {
    /// The table holding the rows.
    pub table: &'static str,
    /// The column holding when a row is (next) due, in microseconds.
    pub due: &'static str,
    /// Extra SQL condition for a row to be waiting (`TRUE` when every row is).
    pub waiting: &'static str,
    /// The columns a claim returns.
    pub columns: &'static str,
}

impl Queue {
    /// The claim: lease up to `$3` waiting rows due at `$1` until `$2`, oldest first, and
    /// count the attempt. The conditions are repeated in the outer `WHERE` so PostgreSQL
    /// re-checks them on the row it locked (a row another claimer just leased is skipped).
    /// `lock` ends the pick (`FOR UPDATE SKIP LOCKED` on PostgreSQL, nothing on SQLite).
    /// With `per_brand`, only rows of brand `$4` are picked.
    pub(crate) fn claim_sql(&self, lock: &str, per_brand: bool) -> String {
        let Self {
            table,
            due,
            waiting,
            columns,
        } = self;
        let brand = if per_brand { " AND brand_id = $4" } else { "" };
        let ready = format!(
            "{waiting}{brand} AND {due} <= $1 AND (locked_until IS NULL OR locked_until < $1)"
        );
        format!(
            "UPDATE {table} SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM {table} WHERE {ready} ORDER BY {due} LIMIT $3{lock}) \
             AND {ready} RETURNING {columns}"
        )
    }
}

/// Leases up to `limit` rows of `queue` due at `now` until `lease_until` (see
/// [`Queue::claim_sql`]), of `brand` only when given; the caller sorts them.
pub(crate) async fn claim<R>(
    h: &mut impl Handle,
    queue: &Queue,
    brand: Option<BrandId>,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<R>>
where
    R: Row,
{
    let lock = match h.conn() {
        ConnRef::Sqlite(_) => "",
        ConnRef::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let sql = queue.claim_sql(lock, brand.is_some());
    let rows = run!(h, |c| {
        let q = sqlx::query_as::<_, R>(&sql)
            .bind(to_micros(now))
            .bind(to_micros(lease_until))
            .bind(i64::from(limit));
        match brand {
            Some(b) => q.bind(b.0),
            None => q,
        }
        .fetch_all(c)
        .await
    })?;
    Ok(rows)
}

/// When the next waiting row of `queue` is due, if any (for a worker's sleep).
pub(crate) async fn next_due(h: &mut impl Handle, queue: &Queue) -> Result<Option<Instant>> {
    let sql = format!(
        "SELECT MIN({}) FROM {} WHERE {}",
        queue.due, queue.table, queue.waiting
    );
    let row: (Option<i64>,) = run!(h, |c| sqlx::query_as(&sql).fetch_one(c).await)?;
    row.0.map(from_micros).transpose()
}

/// How many rows of `queue` are waiting (all brands).
pub(crate) async fn waiting(h: &mut impl Handle, queue: &Queue) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {}",
        queue.table, queue.waiting
    );
    let row: (i64,) = run!(h, |c| sqlx::query_as(&sql).fetch_one(c).await)?;
    Ok(row.0)
}
