//! The mail queue on the shared [`crate::queue`]: one row per conversation and kind
//! (a follow-up, a transcript), leased, retried with backoff, deleted when done; and the
//! batches: a batch is recorded before it is sent (its id gives the Message-ID), so a retry
//! after a crash sends the same batch again rather than a different one.

use ebb_core::{BrandId, ConversationId, Instant};
use uuid::Uuid;

use crate::queue::{self, Queue};
use crate::timefmt::{from_micros, from_micros_opt, to_micros};
use crate::{Handle, Result, rows};

/// The mail queue: every row waits until it is deleted.
pub const QUEUE: Queue = Queue {
    table: "mail_jobs",
    due: "run_at",
    waiting: "TRUE",
    columns: "id, brand_id, conversation_id, kind, run_at, attempts",
};

/// The kind of job that emails the unseen replies of a conversation.
pub const FOLLOW_UP: &str = "follow_up";
/// The kind of job that emails a conversation's transcript to its visitor.
pub const TRANSCRIPT: &str = "transcript";

/// A claimed mail job.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MailJob {
    /// Identity.
    pub id: Uuid,
    /// Its brand.
    #[sqlx(rename = "brand_id")]
    pub brand: Uuid,
    /// Its conversation.
    #[sqlx(rename = "conversation_id")]
    pub conversation: Uuid,
    /// [`FOLLOW_UP`] or [`TRANSCRIPT`].
    pub kind: String,
    /// When it was due, in microseconds.
    pub run_at: i64,
    /// How many times it was claimed, this time included.
    pub attempts: i64,
}

impl MailJob {
    /// Its brand.
    pub fn brand(&self) -> BrandId {
        BrandId(self.brand)
    }

    /// Its conversation.
    pub fn conversation(&self) -> ConversationId {
        ConversationId(self.conversation)
    }
}

/// Queues the job of `kind` for a conversation at `run_at`; one already queued keeps the
/// earlier of the two times, unless it is leased (being handled): then it takes `run_at`,
/// so the handler's [`complete`] leaves it queued for what arrived meanwhile.
pub async fn schedule(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    kind: &str,
    run_at: Instant,
    now: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO mail_jobs (id, brand_id, conversation_id, kind, run_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, conversation_id) DO UPDATE \
             SET run_at = CASE WHEN mail_jobs.locked_until IS NOT NULL \
             OR mail_jobs.run_at > excluded.run_at THEN excluded.run_at ELSE mail_jobs.run_at END"
        )
        .bind(crate::ids::new_uuid())
        .bind(brand.0)
        .bind(conversation.0)
        .bind(kind)
        .bind(to_micros(run_at))
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// Leases up to `limit` due jobs until `lease_until`, oldest first.
pub async fn claim_due(
    h: &mut impl Handle,
    now: Instant,
    lease_until: Instant,
    limit: u32,
) -> Result<Vec<MailJob>> {
    let mut jobs: Vec<MailJob> = queue::claim(h, &QUEUE, None, now, lease_until, limit).await?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// When the next job is due, if any.
pub async fn next_due(h: &mut impl Handle) -> Result<Option<Instant>> {
    queue::next_due(h, &QUEUE).await
}

/// Moves a claimed job to `run_at` (a later look, or a retry after `error`), unleased; if
/// it was moved meanwhile (a new reply), the earlier of the two times.
pub async fn retry(
    h: &mut impl Handle,
    job: &MailJob,
    run_at: Instant,
    error: Option<&str>,
) -> Result<()> {
    rows::execute(
        h,
        "UPDATE mail_jobs SET locked_until = NULL, last_error = $4, \
         run_at = CASE WHEN run_at = $5 OR run_at > $3 THEN $3 ELSE run_at END \
         WHERE brand_id = $1 AND id = $2",
        &[
            job.brand.into(),
            job.id.into(),
            to_micros(run_at).into(),
            error.into(),
            job.run_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Deletes a handled job, unless it was moved meanwhile (a new reply): then it is only
/// unleased, to run at its new time.
pub async fn complete(h: &mut impl Handle, job: &MailJob) -> Result<()> {
    let params = [job.brand.into(), job.id.into(), job.run_at.into()];
    rows::execute(
        h,
        "DELETE FROM mail_jobs WHERE brand_id = $1 AND id = $2 AND run_at = $3",
        &params,
    )
    .await?;
    rows::execute(
        h,
        "UPDATE mail_jobs SET locked_until = NULL WHERE brand_id = $1 AND id = $2",
        &params[..2],
    )
    .await?;
    Ok(())
}

/// A batch of one conversation's mail: the seqs it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailBatch {
    /// Identity (the Message-ID's left part).
    pub id: Uuid,
    /// The seqs of the replies it carries (empty for a transcript).
    pub seqs: Vec<u64>,
    /// The highest seq it covers.
    pub last_seq: u64,
    /// When it was recorded.
    pub created_at: Instant,
    /// When it was sent, once it was.
    pub sent_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: Uuid,
    seqs: String,
    last_seq: i64,
    created_at: i64,
    sent_at: Option<i64>,
}

row_into!(BatchRow, MailBatch, |r| Ok(MailBatch {
    id: r.id,
    seqs: r.seqs.split(',').filter_map(|s| s.parse().ok()).collect(),
    last_seq: u64::try_from(r.last_seq).unwrap_or(0),
    created_at: from_micros(r.created_at)?,
    sent_at: from_micros_opt(r.sent_at)?,
}));

/// Records a batch about to be sent.
pub async fn record_batch(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    kind: &str,
    seqs: &[u64],
    now: Instant,
) -> Result<MailBatch> {
    let id = crate::ids::new_uuid();
    let list = seqs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let last_seq = seqs.iter().copied().max().unwrap_or(0);
    rows::execute(
        h,
        "INSERT INTO mail_batches (id, brand_id, conversation_id, kind, seqs, last_seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.into(),
            brand.0.into(),
            conversation.0.into(),
            kind.into(),
            list.as_str().into(),
            i64::try_from(last_seq).unwrap_or(i64::MAX).into(),
            to_micros(now).into(),
        ],
    )
    .await?;
    Ok(MailBatch {
        id,
        seqs: seqs.to_vec(),
        last_seq,
        created_at: now,
        sent_at: None,
    })
}

/// Marks a batch sent.
pub async fn mark_sent(
    h: &mut impl Handle,
    brand: BrandId,
    batch: Uuid,
    now: Instant,
) -> Result<()> {
    rows::execute(
        h,
        "UPDATE mail_batches SET sent_at = $3 WHERE brand_id = $1 AND id = $2",
        &[brand.0.into(), batch.into(), to_micros(now).into()],
    )
    .await?;
    Ok(())
}

/// A conversation's batches of `kind`, oldest first.
pub async fn batches(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    kind: &str,
) -> Result<Vec<MailBatch>> {
    let sql = "SELECT id, seqs, last_seq, created_at, sent_at FROM mail_batches \
               WHERE brand_id = $1 AND conversation_id = $2 AND kind = $3 ORDER BY created_at, id";
    let found: Vec<BatchRow> = run!(h, |c| sqlx::query_as(sql)
        .bind(brand.0)
        .bind(conversation.0)
        .bind(kind)
        .fetch_all(c)
        .await)?;
    found.into_iter().map(MailBatch::try_from).collect()
}
