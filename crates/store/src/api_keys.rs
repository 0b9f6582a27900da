//! Brand API keys for server-to-server calls: shown once at creation, stored as hashes,
//! revocable.

use ebb_core::{BrandId, Instant};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

/// An API key's public description (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Identity.
    pub id: Uuid,
    /// A label chosen by the admin.
    pub name: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    name: String,
    created_at: i64,
}

row_into!(KeyRow, ApiKey, |r| {
    Ok(Self {
        id: r.id,
        name: r.name,
        created_at: from_micros(r.created_at)?,
    })
});

/// Stores a new key of `brand` under the hash of its secret.
pub async fn insert(
    h: &mut impl Handle,
    brand: BrandId,
    key: &ApiKey,
    token_hash: &[u8],
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO api_keys (id, brand_id, name, token_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(key.id)
        .bind(brand.0)
        .bind(&key.name)
        .bind(token_hash)
        .bind(to_micros(key.created_at))
    )?;
    Ok(())
}

/// The live (unrevoked) keys of `brand`, oldest first.
pub async fn list(h: &mut impl Handle, brand: BrandId) -> Result<Vec<ApiKey>> {
    let rows = run!(h, |c| sqlx::query_as::<_, KeyRow>(
        "SELECT id, name, created_at FROM api_keys WHERE brand_id = $1 AND revoked_at IS NULL \
         ORDER BY created_at, id"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    rows.into_iter().map(ApiKey::try_from).collect()
}

/// Revokes a key of `brand`; false when there is no such live key.
pub async fn revoke(h: &mut impl Handle, brand: BrandId, id: Uuid, now: Instant) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "UPDATE api_keys SET revoked_at = $3 WHERE brand_id = $1 AND id = $2 \
         AND revoked_at IS NULL"
        )
        .bind(brand.0)
        .bind(id)
        .bind(to_micros(now))
    )
}

/// The brand of the live key with this hash.
pub async fn brand_for(h: &mut impl Handle, token_hash: &[u8]) -> Result<Option<BrandId>> {
    let row: Option<(Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT brand_id FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL"
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(id,)| BrandId(id)))
}
