//! One-time password tokens of experts: an invitation (the expert sets their first
//! password) or a reset link. Stored by the hash of the token; redeeming one marks it
//! used in the same statement, so it works once.

pub use ebb_core::account::links::LinkPurpose as Purpose;
use ebb_core::{BrandId, ExpertId, Instant};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result, StoreError, rows};

/// How a purpose is stored.
fn purpose_str(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Invite => "invite",
        Purpose::Reset => "reset",
    }
}

/// Stores a token of `expert` for `purpose`, valid until `expires_at`.
pub async fn insert(
    h: &mut impl Handle,
    token_hash: &[u8],
    (brand, expert): (BrandId, ExpertId),
    purpose: Purpose,
    now: Instant,
    expires_at: Instant,
) -> Result<()> {
    let sql = "INSERT INTO password_tokens (token_hash, brand_id, expert_id, purpose, \
               created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
    let params = [
        token_hash.into(),
        brand.0.into(),
        expert.0.into(),
        purpose_str(purpose).into(),
        to_micros(now).into(),
        to_micros(expires_at).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// Marks the unused, unexpired token of `brand` with this hash used at `now`: its expert
/// and purpose, or `None` when there is no such token (unknown, used or expired).
pub async fn redeem(
    h: &mut impl Handle,
    brand: BrandId,
    token_hash: &[u8],
    now: Instant,
) -> Result<Option<(ExpertId, Purpose)>> {
    let sql = "UPDATE password_tokens SET used_at = $3 WHERE brand_id = $1 AND token_hash = $2 \
               AND used_at IS NULL AND expires_at > $3 RETURNING expert_id, purpose";
    let params = [brand.0.into(), token_hash.into(), to_micros(now).into()];
    let rows: Vec<(Uuid, String)> = rows::plain(h, sql, &params).await?;
    rows.into_iter()
        .next()
        .map(|(id, purpose)| {
            let purpose = match purpose.as_str() {
                "invite" => Purpose::Invite,
                "reset" => Purpose::Reset,
                other => return Err(StoreError::Corrupt(format!("token purpose {other}"))),
            };
            Ok((ExpertId(id), purpose))
        })
        .transpose()
}

/// Voids every unused token of `expert` (a new one was issued, or the password changed).
pub async fn void_all(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    now: Instant,
) -> Result<u64> {
    let sql = "UPDATE password_tokens SET used_at = $3 WHERE brand_id = $1 AND expert_id = $2 \
               AND used_at IS NULL";
    rows::execute(
        h,
        sql,
        &[brand.0.into(), expert.0.into(), to_micros(now).into()],
    )
    .await
}
