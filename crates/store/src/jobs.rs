//! Durable jobs (today: snooze expiries), one row per job, in the shape of a job queue:
//! workers claim due rows by leasing them (`UPDATE ... SET locked_until ... RETURNING`),
//! handle them idempotently, then delete them. A crashed worker's lease simply runs out.

use ebb_core::{BrandId, ConversationId, Instant};
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

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
    exec!(
        h,
        sqlx::query("DELETE FROM jobs WHERE brand_id = $1 AND kind = $2 AND conversation_id = $3")
            .bind(brand.0)
            .bind(kind)
            .bind(conversation.0)
    )?;
    Ok(())
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

/// Leases up to `limit` jobs due at `now` until `lease_until`, oldest first. A job leased
/// by another worker whose lease has not run out is skipped, so each due job is handed to
/// one worker at a time, across processes. The due and lease conditions are repeated in the
/// outer `WHERE` so PostgreSQL re-checks them on the locked row.
pub async fn claim_due(
    h: &mut impl Handle,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<Job>> {
    let rows = run!(h, |c| sqlx::query_as::<_, JobRow>(
        "UPDATE jobs SET locked_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs WHERE run_at <= $1 \
                      AND (locked_until IS NULL OR locked_until < $1) \
                      ORDER BY run_at LIMIT $3) \
         AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) \
         RETURNING id, brand_id, kind, conversation_id, run_at, attempts"
    )
    .bind(to_micros(now))
    .bind(to_micros(lease_until))
    .bind(i64::from(limit))
    .fetch_all(c)
    .await)?;
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
    let row: (Option<i64>,) = run!(h, |c| sqlx::query_as("SELECT MIN(run_at) FROM jobs")
        .fetch_one(c)
        .await)?;
    row.0.map(from_micros).transpose()
}

/// How many jobs are pending (all brands).
pub async fn pending(h: &mut impl Handle) -> Result<i64> {
    let row: (i64,) = run!(h, |c| sqlx::query_as("SELECT COUNT(*) FROM jobs")
        .fetch_one(c)
        .await)?;
    Ok(row.0)
}
