//! Snooze expiries on the shared [`queue`]: one row per snoozed
//! conversation, (re)scheduled or cancelled with the snooze, claimed by leasing, handled
//! idempotently, then deleted. A crashed worker's lease simply runs out.

use ebb_core::{BrandId, ConversationId, Instant};
use uuid::Uuid;

use crate::queue::{self, Queue};
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

/// The queue of snooze expiries: every row of `jobs` waits until it is deleted.
pub const QUEUE: Queue = Queue {
    table: "jobs",
    due: "run_at",
    waiting: "TRUE",
    columns: "id, brand_id, kind, conversation_id, run_at, attempts",
};

/// The kind of job that wakes a snoozed conversation.
pub const SNOOZE_EXPIRY: &str = "snooze_expiry";

/// A claimed job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Identity.
    pub id: Uuid,
    /// Its brand.
    pub brand: BrandId,
    /// What to do.
    pub kind: String,
    /// On which conversation.
    pub conversation: ConversationId,
    /// When it was due.
    pub run_at: Instant,
    /// How many times it was claimed, this time included.
    pub attempts: i64,
}

/// Schedules (or moves) the job of `kind` for a conversation.
pub async fn schedule(
    h: &mut impl Handle,
    brand: BrandId,
    kind: &str,
    conversation: ConversationId,
    run_at: Instant,
    now: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO jobs (id, brand_id, kind, conversation_id, run_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (kind, conversation_id) DO UPDATE \
         SET run_at = excluded.run_at, locked_until = NULL, attempts = 0"
        )
        .bind(crate::ids::new_uuid())
        .bind(brand.0)
        .bind(kind)
        .bind(conversation.0)
        .bind(to_micros(run_at))
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// Removes the job of `kind` for a conversation, if any.
pub async fn cancel(
    h: &mut impl Handle,
    brand: BrandId,
    kind: &str,
    conversation: ConversationId,
) -> Result<()> {
    take(h, brand, kind, conversation).await.map(drop)
}

/// Takes the job of `kind` for a conversation out of the queue, whether due or leased:
/// true when this caller removed it (it now owns the wake-up), false when it was gone.
pub async fn take(
    h: &mut impl Handle,
    brand: BrandId,
    kind: &str,
    conversation: ConversationId,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("DELETE FROM jobs WHERE brand_id = $1 AND kind = $2 AND conversation_id = $3")
            .bind(brand.0)
            .bind(kind)
            .bind(conversation.0)
    )
}

/// Deletes a handled job, unless it was rescheduled meanwhile (a new `run_at`).
pub async fn complete(h: &mut impl Handle, job: &Job) -> Result<()> {
    exec!(
        h,
        sqlx::query("DELETE FROM jobs WHERE brand_id = $1 AND id = $2 AND run_at = $3")
            .bind(job.brand.0)
            .bind(job.id)
            .bind(to_micros(job.run_at))
    )?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: Uuid,
    brand_id: Uuid,
    kind: String,
    conversation_id: Uuid,
    run_at: i64,
    attempts: i64,
}

/// Leases up to `limit` jobs due at `now` until `lease_until`, oldest first: each due job
/// is handed to one worker at a time, across processes, until its lease runs out.
pub async fn claim_due(
    h: &mut impl Handle,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<Job>> {
    let rows: Vec<JobRow> = queue::claim(h, &QUEUE, None, now, lease_until, limit).await?;
    jobs_of(rows)
}

/// Like [`claim_due`], among the jobs of `brand` only (index `jobs_brand_due`).
pub async fn claim_due_for(
    h: &mut impl Handle,
    brand: BrandId,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<Job>> {
    let rows: Vec<JobRow> = queue::claim(h, &QUEUE, Some(brand), now, lease_until, limit).await?;
    jobs_of(rows)
}

/// The brands with a job due at `$1` and not leased, on `jobs_brand_due`: a scalar probe
/// per brand (PostgreSQL would turn an `EXISTS` into a join over every due job).
pub(crate) const DUE_BRANDS: &str = "SELECT b.id FROM brands b WHERE (SELECT j.id \
    FROM jobs j WHERE j.brand_id = b.id AND j.run_at <= $1 \
    AND (j.locked_until IS NULL OR j.locked_until < $1) LIMIT 1) IS NOT NULL";

/// The brands with a job due at `now` and not leased: one probe per brand on the index, so
/// claims can be shared fairly between them.
pub async fn due_brands(h: &mut impl Handle, now: Instant) -> Result<Vec<BrandId>> {
    let ids: Vec<(Uuid,)> = run!(h, |c| sqlx::query_as(DUE_BRANDS)
        .bind(to_micros(now))
        .fetch_all(c)
        .await)?;
    Ok(ids.into_iter().map(|(id,)| BrandId(id)).collect())
}

/// Claimed rows as jobs, oldest first.
fn jobs_of(rows: Vec<JobRow>) -> Result<Vec<Job>> {
    let mut jobs = rows
        .into_iter()
        .map(|r| {
            Ok(Job {
                id: r.id,
                brand: BrandId(r.brand_id),
                kind: r.kind,
                conversation: ConversationId(r.conversation_id),
                run_at: from_micros(r.run_at)?,
                attempts: r.attempts,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// When the next job is due, if any job is pending (for the scheduler's sleep).
pub async fn next_due(h: &mut impl Handle) -> Result<Option<Instant>> {
    queue::next_due(h, &QUEUE).await
}

/// How many jobs are pending (all brands).
pub async fn pending(h: &mut impl Handle) -> Result<i64> {
    queue::waiting(h, &QUEUE).await
}
