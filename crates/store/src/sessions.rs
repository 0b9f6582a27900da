//! Expert login sessions, stored by the hash of their token. A disabled expert's sessions
//! are deleted and no longer authenticate.

use ebb_core::{BrandId, Expert, ExpertId, Instant};

use crate::timefmt::to_micros;
use crate::{Handle, Result, experts};

/// Stores a session for `expert` until `expires_at`.
pub async fn insert(
    h: &mut impl Handle,
    token_hash: &[u8],
    brand: BrandId,
    expert: ExpertId,
    now: Instant,
    expires_at: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO expert_sessions (token_hash, brand_id, expert_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(token_hash)
        .bind(brand.0)
        .bind(expert.0)
        .bind(to_micros(now))
        .bind(to_micros(expires_at))
    )?;
    Ok(())
}

/// The expert whose unexpired session has this token hash.
pub async fn expert_for(
    h: &mut impl Handle,
    token_hash: &[u8],
    now: Instant,
) -> Result<Option<Expert>> {
    let row: Option<(uuid::Uuid, uuid::Uuid)> = run!(h, |c| {
        sqlx::query_as(
            "SELECT s.brand_id, s.expert_id FROM expert_sessions s JOIN experts e \
         ON e.id = s.expert_id AND e.brand_id = s.brand_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(c)
        .await
    })?;
    match row {
        Some((brand, expert)) => experts::by_id(h, BrandId(brand), ExpertId(expert)).await,
        None => Ok(None),
    }
}

/// Ends every session of `expert` (they were disabled).
pub async fn delete_for_expert(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
) -> Result<u64> {
    exec!(
        h,
        sqlx::query("DELETE FROM expert_sessions WHERE brand_id = $1 AND expert_id = $2")
            .bind(brand.0)
            .bind(expert.0)
    )
}
