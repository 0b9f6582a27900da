//! Login sessions of experts and admins: one model for both, a session's [`Holder`] says
//! whose it is. Sessions are stored by the hash of their token, one table per kind of
//! holder; a disabled expert's sessions no longer authenticate.

use ebb_core::{AdminId, BrandId, Expert, ExpertId, Instant};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result, StoreError, experts, rows};

/// Whose session it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// An expert of the session's brand.
    Expert(ExpertId),
    /// An admin of the session's brand.
    Admin(AdminId),
}

/// Stores a session of `holder` (of `brand`) until `expires_at`.
pub async fn open(
    h: &mut impl Handle,
    token_hash: &[u8],
    brand: BrandId,
    holder: Holder,
    now: Instant,
    expires_at: Instant,
) -> Result<()> {
    let (sql, id) = match holder {
        Holder::Expert(id) => (
            "INSERT INTO expert_sessions (token_hash, brand_id, expert_id, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5)",
            id.0,
        ),
        Holder::Admin(id) => (
            "INSERT INTO admin_sessions (token_hash, brand_id, admin_id, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5)",
            id.0,
        ),
    };
    let params = [
        token_hash.into(),
        brand.0.into(),
        id.into(),
        to_micros(now).into(),
        to_micros(expires_at).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// The brand and holder of the unexpired session with this token hash (an expert's only
/// while they are enabled).
pub async fn holder(
    h: &mut impl Handle,
    token_hash: &[u8],
    now: Instant,
) -> Result<Option<(BrandId, Holder)>> {
    let row: Option<(Uuid, Uuid, String)> = run!(h, |c| {
        sqlx::query_as(
            "SELECT s.brand_id, s.expert_id, 'expert' FROM expert_sessions s JOIN experts e \
             ON e.id = s.expert_id AND e.brand_id = s.brand_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.disabled_at IS NULL \
             UNION ALL \
             SELECT brand_id, admin_id, 'admin' FROM admin_sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(c)
        .await
    })?;
    row.map(|(brand, id, kind)| {
        let holder = match kind.as_str() {
            "expert" => Holder::Expert(ExpertId(id)),
            "admin" => Holder::Admin(AdminId(id)),
            other => return Err(StoreError::Corrupt(format!("session holder {other}"))),
        };
        Ok((BrandId(brand), holder))
    })
    .transpose()
}

/// Ends every session of `holder` (e.g. an expert was disabled); how many there were.
pub async fn close_all(h: &mut impl Handle, brand: BrandId, holder: Holder) -> Result<u64> {
    let (sql, id) = match holder {
        Holder::Expert(id) => (
            "DELETE FROM expert_sessions WHERE brand_id = $1 AND expert_id = $2",
            id.0,
        ),
        Holder::Admin(id) => (
            "DELETE FROM admin_sessions WHERE brand_id = $1 AND admin_id = $2",
            id.0,
        ),
    };
    rows::execute(h, sql, &[brand.0.into(), id.into()]).await
}

/// Stores a session for `expert` until `expires_at` (an expert [`open`]).
pub async fn insert(
    h: &mut impl Handle,
    token_hash: &[u8],
    brand: BrandId,
    expert: ExpertId,
    now: Instant,
    expires_at: Instant,
) -> Result<()> {
    open(
        h,
        token_hash,
        brand,
        Holder::Expert(expert),
        now,
        expires_at,
    )
    .await
}

/// The expert whose unexpired session has this token hash.
pub async fn expert_for(
    h: &mut impl Handle,
    token_hash: &[u8],
    now: Instant,
) -> Result<Option<Expert>> {
    match holder(h, token_hash, now).await? {
        Some((brand, Holder::Expert(id))) => experts::by_id(h, brand, id).await,
        _ => Ok(None),
    }
}

/// Ends every session of `expert` (they were disabled).
pub async fn delete_for_expert(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
) -> Result<u64> {
    close_all(h, brand, Holder::Expert(expert)).await
}

/// Ends the one session with this token hash (the expert logged out).
pub async fn delete(h: &mut impl Handle, token_hash: &[u8]) -> Result<u64> {
    run!(h, |c| sqlx::query(
        "DELETE FROM expert_sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(Into::into)
}

/// A live session as its holder sees it (never its token).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The session's id: the hex SHA-256 of its token (the token cannot be derived from it).
    pub id: String,
    /// When it was opened (the login).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
    /// When it expires.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Instant,
}

/// The session id of a token hash.
pub fn id_of(token_hash: &[u8]) -> String {
    token_hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// The token hash a session id names, if it is one.
pub fn hash_of(id: &str) -> Option<Vec<u8>> {
    if id.len() != 64 || !id.is_ascii() {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// The table and holder column of `holder`'s sessions, and the holder's id.
fn table_of(holder: Holder) -> (&'static str, &'static str, Uuid) {
    match holder {
        Holder::Expert(id) => ("expert_sessions", "expert_id", id.0),
        Holder::Admin(id) => ("admin_sessions", "admin_id", id.0),
    }
}

/// The unexpired sessions of `holder`, oldest first.
pub async fn list(
    h: &mut impl Handle,
    brand: BrandId,
    holder: Holder,
    now: Instant,
) -> Result<Vec<SessionInfo>> {
    let (table, column, id) = table_of(holder);
    let sql = format!(
        "SELECT token_hash, created_at, expires_at FROM {table} \
         WHERE brand_id = $1 AND {column} = $2 AND expires_at > $3 \
         ORDER BY created_at, token_hash"
    );
    let params = [brand.0.into(), id.into(), to_micros(now).into()];
    let rows: Vec<(Vec<u8>, i64, i64)> = rows::plain(h, &sql, &params).await?;
    rows.into_iter()
        .map(|(hash, created, expires)| {
            Ok(SessionInfo {
                id: id_of(&hash),
                created_at: crate::timefmt::from_micros(created)?,
                expires_at: crate::timefmt::from_micros(expires)?,
            })
        })
        .collect()
}

/// Ends `holder`'s one session with this token hash; whether it was theirs.
pub async fn close(
    h: &mut impl Handle,
    brand: BrandId,
    holder: Holder,
    token_hash: &[u8],
) -> Result<bool> {
    let (table, column, id) = table_of(holder);
    let sql =
        format!("DELETE FROM {table} WHERE brand_id = $1 AND {column} = $2 AND token_hash = $3");
    rows::execute_one(h, &sql, &[brand.0.into(), id.into(), token_hash.into()]).await
}

/// Ends every session of `holder` but the one with this token hash; how many.
pub async fn close_others(
    h: &mut impl Handle,
    brand: BrandId,
    holder: Holder,
    keep: &[u8],
) -> Result<u64> {
    let (table, column, id) = table_of(holder);
    let sql =
        format!("DELETE FROM {table} WHERE brand_id = $1 AND {column} = $2 AND token_hash <> $3");
    rows::execute(h, &sql, &[brand.0.into(), id.into(), keep.into()]).await
}

/// How many unexpired sessions `holder` has.
pub async fn live_count(
    h: &mut impl Handle,
    brand: BrandId,
    holder: Holder,
    now: Instant,
) -> Result<u64> {
    let (table, column, id) = table_of(holder);
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE brand_id = $1 AND {column} = $2 AND expires_at > $3"
    );
    let params = [brand.0.into(), id.into(), to_micros(now).into()];
    let count: Vec<i64> = rows::column(h, &sql, &params).await?;
    Ok(count.first().map_or(0, |&n| u64::try_from(n).unwrap_or(0)))
}

/// Deletes every session (of any brand: a maintenance sweep) that expired by `now`; how
/// many.
pub async fn purge_expired(h: &mut impl Handle, now: Instant) -> Result<u64> {
    let mut ended = 0;
    for table in ["expert_sessions", "admin_sessions"] {
        let sql = format!("DELETE FROM {table} WHERE expires_at <= $1");
        ended += exec!(h, sqlx::query(&sql).bind(to_micros(now)))?;
    }
    Ok(ended)
}
