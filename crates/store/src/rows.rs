//! Row mapping shared by every module: run one `SELECT` with its binds on whichever backend
//! a handle points to, and convert each row into its core type (a row that does not convert
//! is [`StoreError::Corrupt`] or the conversion's own error).

use ebb_core::{BrandId, Instant};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use crate::page::Cursor;
use crate::timefmt::to_micros;
use crate::{Handle, Result, StoreError};

/// One bind value of a query, of a type both backends store alike.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Param<'q> {
    /// An id (`UUID` on PostgreSQL, a 16-byte blob on SQLite).
    Id(Uuid),
    /// A whole number (also instants, as microseconds).
    Int(i64),
    /// Text.
    Text(&'q str),
    /// An id or `NULL`.
    OptId(Option<Uuid>),
    /// Text or `NULL`.
    OptText(Option<&'q str>),
    /// Bytes (a token hash).
    Bytes(&'q [u8]),
    /// A yes or no.
    Bool(bool),
}

impl From<Uuid> for Param<'_> {
    fn from(id: Uuid) -> Self {
        Self::Id(id)
    }
}

impl From<i64> for Param<'_> {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl<'q> From<&'q str> for Param<'q> {
    fn from(text: &'q str) -> Self {
        Self::Text(text)
    }
}

impl From<bool> for Param<'_> {
    fn from(yes: bool) -> Self {
        Self::Bool(yes)
    }
}

impl<'q> From<&'q [u8]> for Param<'q> {
    fn from(bytes: &'q [u8]) -> Self {
        Self::Bytes(bytes)
    }
}

impl From<Option<Uuid>> for Param<'_> {
    fn from(id: Option<Uuid>) -> Self {
        Self::OptId(id)
    }
}

impl<'q> From<Option<&'q str>> for Param<'q> {
    fn from(text: Option<&'q str>) -> Self {
        Self::OptText(text)
    }
}

/// The binds `$1, $2, $3` of a query over the rows of `brand` in `[from, to)`.
pub(crate) fn in_period(brand: BrandId, from: Instant, to: Instant) -> [Param<'static>; 3] {
    [brand.0.into(), to_micros(from).into(), to_micros(to).into()]
}

/// The binds of a page query over the rows of `brand`: `$1` the brand, `$2`/`$3` the
/// cursor's time and id, `$4` the limit.
pub(crate) fn page_of(brand: BrandId, cursor: Cursor, limit: u32) -> [Param<'static>; 4] {
    [
        brand.0.into(),
        cursor.at.into(),
        cursor.id.into(),
        i64::from(limit).into(),
    ]
}

/// A row type both backends can decode.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<R> Row for R where R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// Binds `params` in order to a query of either backend.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {
        $params.iter().fold($query, |q, p| match *p {
            Param::Id(v) => q.bind(v),
            Param::Int(v) => q.bind(v),
            Param::Text(v) => q.bind(v),
            Param::OptId(v) => q.bind(v),
            Param::OptText(v) => q.bind(v),
            Param::Bytes(v) => q.bind(v),
            Param::Bool(v) => q.bind(v),
        })
    };
}

/// Every row of `sql` bound with `params`, as the row type `R` itself.
pub(crate) async fn plain<'q, R: Row>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<Vec<R>> {
    Ok(run!(h, |c| bind_params!(
        sqlx::query_as::<_, R>(sql),
        params
    )
    .fetch_all(c)
    .await)?)
}

/// Every row of `sql` bound with `params`, converted into `T`.
pub(crate) async fn all<'q, R, T>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<Vec<T>>
where
    R: Row,
    T: TryFrom<R, Error = StoreError>,
{
    let rows: Vec<R> = plain(h, sql, params).await?;
    rows.into_iter().map(T::try_from).collect()
}

/// The first row of `sql` (a query for at most one row) bound with `params`, converted
/// into `T`.
pub(crate) async fn one<'q, R: Row, T: TryFrom<R, Error = StoreError>>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<Option<T>> {
    Ok(all::<R, T>(h, sql, params).await?.into_iter().next())
}

/// The single column of every row of `sql` bound with `params`.
pub(crate) async fn column<'q, V>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<Vec<V>>
where
    (V,): Row,
{
    let rows: Vec<(V,)> = plain(h, sql, params).await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// Executes the write `sql` bound with `params`: how many rows it touched.
pub(crate) async fn execute<'q>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<u64> {
    crate::db::rows(run!(h, |c| bind_params!(sqlx::query(sql), params)
        .execute(c)
        .await
        .map(|r| r.rows_affected())))
}

/// Executes the write `sql` meant for one row, bound with `params`: whether it touched
/// exactly one (`false` when the row is not there or did not qualify).
pub(crate) async fn execute_one<'q>(
    h: &mut impl Handle,
    sql: &'q str,
    params: &[Param<'q>],
) -> Result<bool> {
    Ok(execute(h, sql, params).await? == 1)
}
