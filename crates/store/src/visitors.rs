//! Anonymous visitors, known by the hash of the token their browser keeps.

use ebb_core::{BrandId, Instant, VisitorId};

use crate::timefmt::to_micros;
use crate::{Handle, Result};

/// Stores a new visitor of `brand`.
pub async fn insert(
    h: &mut impl Handle,
    id: VisitorId,
    brand: BrandId,
    token_hash: &[u8],
    now: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO visitors (id, brand_id, token_hash, created_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(id.0)
        .bind(brand.0)
        .bind(token_hash)
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// The visitor of `brand` holding the token with this hash: its first one, else one a
/// signed reopen link gave it (looked up only when the first is not it, so the usual
/// request costs one indexed query).
pub async fn by_token(
    h: &mut impl Handle,
    brand: BrandId,
    token_hash: &[u8],
) -> Result<Option<VisitorId>> {
    for sql in [
        "SELECT id FROM visitors WHERE brand_id = $1 AND token_hash = $2",
        "SELECT visitor_id FROM visitor_tokens WHERE brand_id = $1 AND token_hash = $2",
    ] {
        let row: Option<(uuid::Uuid,)> = run!(h, |c| sqlx::query_as(sql)
            .bind(brand.0)
            .bind(token_hash)
            .fetch_optional(c)
            .await)?;
        if let Some((id,)) = row {
            return Ok(Some(VisitorId(id)));
        }
    }
    Ok(None)
}

/// Whether `brand` has a visitor with this id.
pub async fn exists(h: &mut impl Handle, brand: BrandId, id: VisitorId) -> Result<bool> {
    let row: Option<(uuid::Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT id FROM visitors WHERE brand_id = $1 AND id = $2"
    )
    .bind(brand.0)
    .bind(id.0)
    .fetch_optional(c)
    .await)?;
    Ok(row.is_some())
}
