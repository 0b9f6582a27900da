//! The money and satisfaction rows of a report: CSAT ratings given in the period,
//! purchases made in it and the conversations they were attributed to (conversion), and
//! the earnings ledger's entries recorded in it. Amounts are summed per currency.

use ebb_core::{BrandId, Instant};
use serde::Serialize;

use crate::timefmt::to_micros;
use crate::{Handle, Result};

/// An amount in minor units of one currency, with how many rows made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    /// ISO 4217 code.
    pub currency: String,
    /// How many rows.
    pub count: i64,
    /// Their sum, in minor units.
    pub amount_minor: i64,
}

/// How many CSAT ratings of each value the brand got in `[from, to)`, as
/// `(rating, count)` rows for [`ebb_core::reports::CsatFigures::of`].
pub async fn csat_counts(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<(i64, i64)>> {
    Ok(run!(h, |c| sqlx::query_as(
        "SELECT rating, COUNT(*) FROM csat WHERE brand_id = $1 AND created_at >= $2 \
         AND created_at < $3 GROUP BY rating"
    )
    .bind(brand.0)
    .bind(to_micros(from))
    .bind(to_micros(to))
    .fetch_all(c)
    .await)?)
}

/// Purchases and conversion.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseFigures {
    /// Purchases made in the period and not refunded, per currency.
    pub all: Vec<Amount>,
    /// Of those, the ones attributed to a conversation, per currency.
    pub attributed: Vec<Amount>,
    /// Conversations opened in the period with at least one attributed, non-refunded
    /// purchase (attribution happens within the brand's purchase window).
    pub converted_conversations: i64,
}

/// The brand's purchases made in `[from, to)`, and its conversations opened then that
/// converted.
pub async fn purchases(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<PurchaseFigures> {
    let (from, to) = (to_micros(from), to_micros(to));
    let sums = |attributed_only: bool| {
        format!(
            "SELECT currency, COUNT(*) AS count, CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) \
             AS amount_minor FROM purchases WHERE brand_id = $1 AND purchased_at >= $2 \
             AND purchased_at < $3 AND status <> 'refunded' {} GROUP BY currency \
             ORDER BY currency",
            if attributed_only {
                "AND conversation_id IS NOT NULL"
            } else {
                ""
            }
        )
    };
    let mut out = PurchaseFigures::default();
    for (attributed, sql) in [(false, sums(false)), (true, sums(true))] {
        let rows = run!(h, |c| sqlx::query_as::<_, Amount>(&sql)
            .bind(brand.0)
            .bind(from)
            .bind(to)
            .fetch_all(c)
            .await)?;
        if attributed {
            out.attributed = rows;
        } else {
            out.all = rows;
        }
    }
    let converted: (i64,) = run!(h, |c| sqlx::query_as(
        "SELECT COUNT(DISTINCT p.conversation_id) FROM purchases p \
         JOIN conversations c ON c.id = p.conversation_id AND c.brand_id = p.brand_id \
         WHERE p.brand_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         AND p.status <> 'refunded'"
    )
    .bind(brand.0)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await)?;
    out.converted_conversations = converted.0;
    Ok(out)
}

/// Earnings recorded in the ledger, per kind and currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EarningFigures))]
pub struct Earning {
    /// `contact_fee`, `commission` or `commission_reversal` (negative amounts).
    pub kind: String,
    /// ISO 4217 code.
    pub currency: String,
    /// How many entries.
    pub count: i64,
    /// Their sum, in minor units.
    pub amount_minor: i64,
}

/// The brand's ledger entries recorded in `[from, to)`, summed per kind and currency.
pub async fn earnings(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<Earning>> {
    Ok(run!(h, |c| sqlx::query_as::<_, Earning>(
        "SELECT kind, currency, COUNT(*) AS count, \
         CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS amount_minor FROM ledger \
         WHERE brand_id = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY kind, currency ORDER BY kind, currency"
    )
    .bind(brand.0)
    .bind(to_micros(from))
    .bind(to_micros(to))
    .fetch_all(c)
    .await)?)
}
