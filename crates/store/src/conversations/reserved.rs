//! The reservations the scheduler checks: for each expert with conversations reserved for
//! them, the oldest one (core's [`lapses_at`](ebb_core::routing::reservation::lapses_at)
//! grows with arrival time, so it lapses first), read per expert on the
//! `conversations_reserved` index instead of every reserved row.

use ebb_core::routing::Waiting;
use ebb_core::routing::reservation::{Owner, ReservationPolicy};
use ebb_core::{BrandId, ExpertId, ExpertStatus, Instant};
use uuid::Uuid;

use super::{COLUMNS, ConversationRow};
use crate::timefmt::from_micros;
use crate::{Handle, Result, StoreError};

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

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    queued_at: i64,
    owner_status: String,
    owner_since: i64,
    owner_disabled_at: Option<i64>,
    offline_grace_minutes: i64,
    woken_wait_minutes: i64,
}

/// For every expert of every brand (disabled ones included) with a reserved conversation,
/// the oldest one (arrival, then id).
pub async fn oldest_reserved(h: &mut impl Handle) -> Result<Vec<Reserved>> {
    let sql = format!(
        "SELECT q.*, x.owner_status, x.owner_since, x.owner_disabled_at, \
         b.offline_grace_minutes, b.woken_wait_minutes \
         FROM (SELECT e.status AS owner_status, e.status_since AS owner_since, \
               e.disabled_at AS owner_disabled_at, \
               (SELECT o.id FROM conversations o WHERE o.brand_id = e.brand_id \
                AND o.status = 'queued' AND o.expert_id IS NOT NULL AND o.expert_id = e.id \
                ORDER BY o.queued_at, o.id LIMIT 1) AS oldest \
               FROM experts e) x \
         JOIN (SELECT {COLUMNS}, queued_at FROM conversations) q ON q.id = x.oldest \
         JOIN brands b ON b.id = q.brand_id"
    );
    let rows = run!(h, |c| sqlx::query_as::<_, Row>(&sql).fetch_all(c).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let brand = BrandId(r.conversation.brand_id);
        let owner = match (r.owner_disabled_at, ExpertStatus::parse(&r.owner_status)) {
            (Some(_), _) => Owner::Gone,
            (None, Some(ExpertStatus::Offline)) => Owner::OfflineSince(from_micros(r.owner_since)?),
            (None, Some(_)) => Owner::Present,
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "expert status {}",
                    r.owner_status
                )));
            }
        };
        let policy = ReservationPolicy::from_minutes(r.offline_grace_minutes, r.woken_wait_minutes);
        let conv: ebb_core::Conversation = r.conversation.try_into()?;
        if let Some(waiting) = Waiting::of(&conv, from_micros(r.queued_at)?) {
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

/// The oldest reservation of each expert of brand `$1`: one probe per expert on
/// `conversations_reserved`.
pub(crate) const OLDEST_PER_EXPERT: &str = "SELECT e.id, (SELECT MIN(o.queued_at) \
    FROM conversations o WHERE o.brand_id = e.brand_id AND o.status = 'queued' \
    AND o.expert_id IS NOT NULL AND o.expert_id = e.id) FROM experts e WHERE e.brand_id = $1";

/// For each expert of `brand` (disabled ones included) with conversations reserved for
/// them, when the oldest one was queued: one probe per expert on the index, so routing
/// reads reserved rows only for experts who have some.
pub async fn oldest_per_expert(
    h: &mut impl Handle,
    brand: BrandId,
) -> Result<Vec<(ExpertId, Instant)>> {
    let rows: Vec<(Uuid, Option<i64>)> = run!(h, |c| sqlx::query_as(OLDEST_PER_EXPERT)
        .bind(brand.0)
        .fetch_all(c)
        .await)?;
    let mut out = Vec::new();
    for (id, oldest) in rows {
        if let Some(at) = oldest {
            out.push((ExpertId(id), from_micros(at)?));
        }
    }
    Ok(out)
}
