//! Signed visitor identity: the brand's identity secret, the customer a visitor was
//! verified as, the extra tokens of a signed visitor's other browsers, and the merge of an
//! anonymous visitor's rows into a signed one.

use ebb_core::{BrandId, Instant, VisitorId};

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

/// The brand's identity secret and when it was made; stores `fresh` first when the brand
/// has none yet (two racing callers both read the one that won).
pub async fn secret(
    h: &mut impl Handle,
    brand: BrandId,
    fresh: &str,
    now: Instant,
) -> Result<(String, Instant)> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO identity_secrets (brand_id, secret, rotated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO NOTHING"
        )
        .bind(brand.0)
        .bind(fresh)
        .bind(to_micros(now))
    )?;
    let (secret, at): (String, i64) = run!(h, |c| sqlx::query_as(
        "SELECT secret, rotated_at FROM identity_secrets WHERE brand_id = $1"
    )
    .bind(brand.0)
    .fetch_one(c)
    .await)?;
    Ok((secret, from_micros(at)?))
}

/// Replaces the brand's identity secret with `fresh` (signatures made with the old one
/// stop checking).
pub async fn rotate(h: &mut impl Handle, brand: BrandId, fresh: &str, now: Instant) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO identity_secrets (brand_id, secret, rotated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO UPDATE SET secret = excluded.secret, \
             rotated_at = excluded.rotated_at"
        )
        .bind(brand.0)
        .bind(fresh)
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// The visitor of `brand` verified as `customer`, if any.
pub async fn visitor_of(
    h: &mut impl Handle,
    brand: BrandId,
    customer: &str,
) -> Result<Option<VisitorId>> {
    let row: Option<(uuid::Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT id FROM visitors WHERE brand_id = $1 AND customer_id = $2"
    )
    .bind(brand.0)
    .bind(customer)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(id,)| VisitorId(id)))
}

/// The customer `visitor` was verified as: `None` for an unknown visitor, `Some(None)` for
/// an anonymous one.
pub async fn customer_of(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Option<Option<String>>> {
    let row: Option<(Option<String>,)> = run!(h, |c| sqlx::query_as(
        "SELECT customer_id FROM visitors WHERE brand_id = $1 AND id = $2"
    )
    .bind(brand.0)
    .bind(visitor.0)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(customer,)| customer))
}

/// Stores a new visitor of `brand` verified as `customer`, holding the token with this
/// hash, unless the brand has one for this customer already (a racing browser's: then
/// nothing is stored and `false` comes back).
pub async fn insert_signed(
    h: &mut impl Handle,
    id: VisitorId,
    brand: BrandId,
    customer: &str,
    token_hash: &[u8],
    now: Instant,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "INSERT INTO visitors (id, brand_id, token_hash, customer_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (brand_id, customer_id) DO NOTHING"
        )
        .bind(id.0)
        .bind(brand.0)
        .bind(token_hash)
        .bind(customer)
        .bind(to_micros(now))
    )
}

/// Moves the conversations, purchases and ratings of visitor `from` to visitor `into`
/// (both of `brand`); returns how many conversations moved. The caller decides whether
/// the two may merge (`ebb_core::identity::merges_into`).
pub async fn merge(
    h: &mut impl Handle,
    brand: BrandId,
    from: VisitorId,
    into: VisitorId,
) -> Result<u64> {
    crate::visitors::move_rows(h, brand, from, into).await
}
