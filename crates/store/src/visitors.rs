//! Visitors, known by the hash of the token their browser keeps (a signed visitor may
//! hold one per browser: see `identity`).

use ebb_core::{Author, BrandId, Instant, VisitorId};

use crate::timefmt::to_micros;
use crate::{Handle, Result, rows};

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

/// The visitor of `brand` holding the token with this hash: its first one, else one given
/// to another browser (a signed identity or a reopen link, `visitor_tokens`; looked up only
/// when the first is not it, so the usual request costs one indexed query).
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

/// Gives the conversations (with their last author), purchases and ratings of visitor
/// `from` to visitor `into`, both of `brand` (erasure and identity merges): how many
/// conversations moved.
pub(crate) async fn move_rows(
    h: &mut impl Handle,
    brand: BrandId,
    from: VisitorId,
    into: VisitorId,
) -> Result<u64> {
    let params = [brand.0.into(), from.0.into(), into.0.into()];
    let sql = "UPDATE conversations SET visitor_id = $3 WHERE brand_id = $1 AND visitor_id = $2";
    let moved = rows::execute(h, sql, &params).await?;
    for sql in [
        "UPDATE purchases SET visitor_id = $3 WHERE brand_id = $1 AND visitor_id = $2",
        "UPDATE csat SET visitor_id = $3 WHERE brand_id = $1 AND visitor_id = $2",
    ] {
        rows::execute(h, sql, &params).await?;
    }
    let (was, now_is) = (
        serde_json::to_string(&Author::Visitor(from))?,
        serde_json::to_string(&Author::Visitor(into))?,
    );
    let sql = "UPDATE conversations SET last_author = $3 WHERE brand_id = $1 AND last_author = $2";
    let params = [brand.0.into(), was.as_str().into(), now_is.as_str().into()];
    rows::execute(h, sql, &params).await?;
    Ok(moved)
}

/// Gives `visitor` one more token: another browser of a signed customer, or one a signed
/// reopen link opened.
pub async fn add_token(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    token_hash: &[u8],
    now: Instant,
) -> Result<()> {
    let sql = "INSERT INTO visitor_tokens (token_hash, brand_id, visitor_id, created_at) \
               VALUES ($1, $2, $3, $4)";
    let params = [
        token_hash.into(),
        brand.0.into(),
        visitor.0.into(),
        to_micros(now).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}
