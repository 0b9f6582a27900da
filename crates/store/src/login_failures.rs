//! Failed-login counters, per brand and per account (e-mail) or address, shared by every
//! node of a cluster; the throttling rule is `ebb_core::account::throttle`.

use ebb_core::BrandId;
use ebb_core::account::throttle::Failures;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

/// What a counter counts failures of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One account: the brand's normalised e-mail, known or not.
    Account,
    /// One client address.
    Address,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
        }
    }
}

/// The failures counted for `subject` in `scope` of `brand`, if any.
pub async fn get(
    h: &mut impl Handle,
    brand: BrandId,
    scope: Scope,
    subject: &str,
) -> Result<Option<Failures>> {
    let row: Option<(i64, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT failures, window_start FROM login_failures \
         WHERE brand_id = $1 AND scope = $2 AND subject = $3"
    )
    .bind(brand.0)
    .bind(scope.as_str())
    .bind(subject)
    .fetch_optional(c)
    .await)?;
    row.map(|(count, since)| {
        Ok(Failures {
            count: u32::try_from(count)
                .map_err(|_| StoreError::Corrupt(format!("login failures {count}")))?,
            since: from_micros(since)?,
        })
    })
    .transpose()
}

/// Stores the counter of `subject` in `scope` of `brand`.
pub async fn put(
    h: &mut impl Handle,
    brand: BrandId,
    scope: Scope,
    subject: &str,
    failures: Failures,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO login_failures (brand_id, scope, subject, failures, window_start) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (brand_id, scope, subject) \
             DO UPDATE SET failures = $4, window_start = $5"
        )
        .bind(brand.0)
        .bind(scope.as_str())
        .bind(subject)
        .bind(i64::from(failures.count))
        .bind(to_micros(failures.since))
    )?;
    Ok(())
}

/// Forgets the counter of `subject` in `scope` of `brand` (a successful login).
pub async fn clear(h: &mut impl Handle, brand: BrandId, scope: Scope, subject: &str) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "DELETE FROM login_failures WHERE brand_id = $1 AND scope = $2 AND subject = $3"
        )
        .bind(brand.0)
        .bind(scope.as_str())
        .bind(subject)
    )?;
    Ok(())
}
