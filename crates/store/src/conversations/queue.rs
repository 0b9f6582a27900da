//! The queue as stored: which conversations wait for a slot (core's [`Waiting::of`] decides,
//! the SQL only narrows the fetch to queued rows), and the reservations the scheduler checks.

use ebb_core::routing::reservation::{Owner, ReservationPolicy};
use ebb_core::routing::{Waiting, sort_queue};
use ebb_core::{BrandId, ExpertStatus};

use super::{COLUMNS, ConversationRow};
use crate::timefmt::from_micros;
use crate::{Handle, Result, StoreError};

/// A conversation row with the time it entered the queue.
#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    queued_at: i64,
}

impl QueuedRow {
    fn waiting(self) -> Result<Option<Waiting>> {
        let queued_at = from_micros(self.queued_at)?;
        Ok(Waiting::of(&self.conversation.try_into()?, queued_at))
    }
}

/// Every conversation of `brand` waiting for a slot, in the order core serves them
/// ([`ebb_core::routing::sort_queue`]); which ones wait is core's [`Waiting::of`].
pub async fn queue(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Waiting>> {
    let sql = format!(
        "SELECT {COLUMNS}, queued_at FROM conversations WHERE brand_id = $1 AND status = 'queued'"
    );
    let rows = run!(h, |c| sqlx::query_as::<_, QueuedRow>(&sql)
        .bind(brand.0)
        .fetch_all(c)
        .await)?;
    let mut queue = Vec::with_capacity(rows.len());
    for row in rows {
        queue.extend(row.waiting()?);
    }
    sort_queue(&mut queue);
    Ok(queue)
}

/// A conversation reserved for its expert, with what core's lapse rule needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reserved {
    /// Its brand.
    pub brand: BrandId,
    /// Its place in the queue.
    pub waiting: Waiting,
    /// Whether its expert is still around.
    pub owner: Owner,
    /// The brand's limits.
    pub policy: ReservationPolicy,
}

/// Every conversation of every brand that waits for its own expert (the scheduler asks
/// core which reservations lapsed, see [`ebb_core::routing::reservation`]).
pub async fn reserved(h: &mut impl Handle) -> Result<Vec<Reserved>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        queued: QueuedRow,
        owner_status: Option<String>,
        owner_since: Option<i64>,
        owner_disabled_at: Option<i64>,
        offline_grace_minutes: i64,
        woken_wait_minutes: i64,
    }
    let sql = format!(
        "SELECT q.*, e.status AS owner_status, e.status_since AS owner_since, \
         e.disabled_at AS owner_disabled_at, b.offline_grace_minutes, b.woken_wait_minutes \
         FROM (SELECT {COLUMNS}, queued_at FROM conversations \
               WHERE status = 'queued' AND expert_id IS NOT NULL) q \
         JOIN brands b ON b.id = q.brand_id \
         LEFT JOIN experts e ON e.brand_id = q.brand_id AND e.id = q.expert_id"
    );
    let rows = run!(h, |c| sqlx::query_as::<_, Row>(&sql).fetch_all(c).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let brand = BrandId(r.queued.conversation.brand_id);
        let owner = match (
            r.owner_status.as_deref(),
            r.owner_disabled_at,
            r.owner_since,
        ) {
            (Some(status), None, since) => match (ExpertStatus::parse(status), since) {
                (Some(ExpertStatus::Offline), Some(since)) => {
                    Owner::OfflineSince(from_micros(since)?)
                }
                (Some(_), _) => Owner::Present,
                (None, _) => return Err(StoreError::Corrupt(format!("expert status {status}"))),
            },
            _ => Owner::Gone,
        };
        let policy = ReservationPolicy::from_minutes(r.offline_grace_minutes, r.woken_wait_minutes);
        if let Some(waiting) = r.queued.waiting()? {
            out.push(Reserved {
                brand,
                waiting,
                owner,
                policy,
            });
        }
    }
    Ok(out)
}
