//! The money and satisfaction rows of a report: CSAT ratings given in the period,
//! purchases made in it and the conversations they were attributed to (conversion), and
//! the earnings ledger's entries recorded in it. Amounts are summed per currency, in two
//! parts (millions and the rest) that no number of rows overflows on either backend, and
//! joined exactly in `i128` (see [`SPLIT`]).

use ebb_core::{BrandId, Instant};
use serde::Serialize;

use crate::{Handle, Result, rows};

/// Sums of amounts are taken as `SUM(amount / SPLIT)` and `SUM(amount % SPLIT)`: each part
/// stays far from `i64`'s bounds for any number of capped amounts (10^12 at most, see
/// [`ebb_core::earnings::MAX_MINOR`]), where a plain `SUM` overflows on SQLite and fails
/// the cast to `BIGINT` on PostgreSQL.
pub const SPLIT: i64 = 1_000_000;

/// An amount split as [`SPLIT`] describes, as a query returns it.
#[derive(sqlx::FromRow)]
struct SplitRow {
    kind: Option<String>,
    currency: String,
    count: i64,
    high: i64,
    low: i64,
}

impl SplitRow {
    /// The exact sum, saturated at `i64`'s bounds.
    fn amount_minor(&self) -> i64 {
        ebb_core::earnings::saturate(
            i128::from(self.high) * i128::from(SPLIT) + i128::from(self.low),
        )
    }
}

/// The split sums of `amount_minor` (see [`SPLIT`]), as `high` and `low`, for `concat!`.
macro_rules! split_sums {
    () => {
        "CAST(COALESCE(SUM(amount_minor / 1000000), 0) AS BIGINT) AS high, \
         CAST(COALESCE(SUM(amount_minor % 1000000), 0) AS BIGINT) AS low"
    };
}

/// The purchase sums of a period, then only of the attributed ones.
macro_rules! purchase_sums {
    ($filter:literal) => {
        concat!(
            "SELECT NULL AS kind, currency, COUNT(*) AS count, ",
            split_sums!(),
            " FROM purchases WHERE brand_id = $1 AND purchased_at >= $2 \
             AND purchased_at < $3 AND status = 'confirmed' ",
            $filter,
            " GROUP BY currency ORDER BY currency"
        )
    };
}

/// An amount in minor units of one currency, with how many rows made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    let sql = "SELECT rating, COUNT(*) FROM csat WHERE brand_id = $1 AND created_at >= $2 \
               AND created_at < $3 GROUP BY rating";
    rows::plain(h, sql, &rows::in_period(brand, from, to)).await
}

/// Purchases and conversion.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseFigures {
    /// Purchases made in the period and confirmed by the brand's server (not pending, not
    /// refunded), per currency.
    pub all: Vec<Amount>,
    /// Of those, the ones attributed to a conversation, per currency.
    pub attributed: Vec<Amount>,
    /// Conversations opened in the period with at least one attributed, confirmed
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
    let period = rows::in_period(brand, from, to);
    let mut out = PurchaseFigures::default();
    let queries = [
        (false, purchase_sums!("")),
        (true, purchase_sums!("AND conversation_id IS NOT NULL")),
    ];
    for (attributed, sql) in queries {
        let rows: Vec<SplitRow> = rows::plain(h, sql, &period).await?;
        let rows = rows
            .iter()
            .map(|r| Amount {
                currency: r.currency.clone(),
                count: r.count,
                amount_minor: r.amount_minor(),
            })
            .collect();
        if attributed {
            out.attributed = rows;
        } else {
            out.all = rows;
        }
    }
    let sql = "SELECT COUNT(DISTINCT p.conversation_id) FROM purchases p \
               JOIN conversations c ON c.id = p.conversation_id AND c.brand_id = p.brand_id \
               WHERE p.brand_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
               AND p.status = 'confirmed'";
    let converted: Vec<i64> = rows::column(h, sql, &period).await?;
    out.converted_conversations = converted.first().copied().unwrap_or(0);
    Ok(out)
}

/// Earnings recorded in the ledger, per kind and currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    let sql = concat!(
        "SELECT kind, currency, COUNT(*) AS count, ",
        split_sums!(),
        " FROM ledger WHERE brand_id = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY kind, currency ORDER BY kind, currency"
    );
    let rows: Vec<SplitRow> = rows::plain(h, sql, &rows::in_period(brand, from, to)).await?;
    Ok(rows
        .iter()
        .map(|r| Earning {
            kind: r.kind.clone().unwrap_or_default(),
            currency: r.currency.clone(),
            count: r.count,
            amount_minor: r.amount_minor(),
        })
        .collect())
}
