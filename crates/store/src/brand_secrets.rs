//! A brand's server-side signing key (for links and reply addresses in emails): made on
//! first use from a fresh value the caller brings, then the same for every node.

use ebb_core::BrandId;

use crate::{Handle, Result, rows};

/// The brand's link secret; stores `fresh` first when the brand has none yet (two racing
/// callers both read the one that won).
pub async fn link_secret(h: &mut impl Handle, brand: BrandId, fresh: &str) -> Result<String> {
    rows::execute(
        h,
        "INSERT INTO brand_secrets (brand_id, link_secret) VALUES ($1, $2) \
         ON CONFLICT (brand_id) DO NOTHING",
        &[brand.0.into(), fresh.into()],
    )
    .await?;
    let sql = "SELECT link_secret FROM brand_secrets WHERE brand_id = $1";
    let (secret,): (String,) = run!(h, |c| sqlx::query_as(sql).bind(brand.0).fetch_one(c).await)?;
    Ok(secret)
}
