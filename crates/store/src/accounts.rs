//! What expert and admin accounts share: the identity columns (id, brand, e-mail, name)
//! and password hash, written and read the same way in both tables. `account_table!`
//! gives a table's module its `insert`, `by_email` and `by_id`.

use ebb_core::{BrandId, Instant};
use sqlx::FromRow;
use uuid::Uuid;

use crate::rows::{self, Param, Row};
use crate::timefmt::to_micros;
use crate::{Handle, Result, StoreError};

/// Where an account kind is stored.
pub(crate) struct Table {
    /// The table's name.
    pub name: &'static str,
    /// The columns its row type reads.
    pub columns: &'static str,
    /// The columns written after the shared ones (each with a leading comma).
    pub extra_columns: &'static str,
    /// Their placeholders (`$6` is the creation instant, the extra binds start at `$7`).
    pub extra_values: &'static str,
}

/// The shared identity of an account.
pub(crate) struct Identity<'a> {
    /// Its id.
    pub id: Uuid,
    /// Its brand.
    pub brand: BrandId,
    /// Its login e-mail.
    pub email: &'a str,
    /// Its display name.
    pub name: &'a str,
}

/// Inserts an account with an already-hashed password and the table's `extra` binds; a
/// taken e-mail is a `Conflict`.
pub(crate) async fn insert(
    h: &mut impl Handle,
    table: &Table,
    account: Identity<'_>,
    (password_hash, now): (&str, Instant),
    extra: &[Param<'_>],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (id, brand_id, email, name, password_hash, created_at{}) \
         VALUES ($1, $2, $3, $4, $5, $6{})",
        table.name, table.extra_columns, table.extra_values
    );
    let shared = [
        account.id.into(),
        account.brand.0.into(),
        account.email.into(),
        account.name.into(),
        password_hash.into(),
        to_micros(now).into(),
    ];
    let params: Vec<Param<'_>> = shared.into_iter().chain(extra.iter().copied()).collect();
    rows::execute(h, &sql, &params).await?;
    Ok(())
}

/// An account row (`R`) read with its password hash, for logins.
struct WithHash<R> {
    account: R,
    password_hash: String,
}

impl<'r, X, R> FromRow<'r, X> for WithHash<R>
where
    X: sqlx::Row,
    R: FromRow<'r, X>,
    &'static str: sqlx::ColumnIndex<X>,
    String: sqlx::Decode<'r, X::Database> + sqlx::Type<X::Database>,
{
    fn from_row(row: &'r X) -> sqlx::Result<Self> {
        Ok(Self {
            account: R::from_row(row)?,
            password_hash: row.try_get("password_hash")?,
        })
    }
}

/// An account converted into its core type `T`, with its password hash.
struct Hashed<T>(T, String);

impl<R, T: TryFrom<R, Error = StoreError>> TryFrom<WithHash<R>> for Hashed<T> {
    type Error = StoreError;
    fn try_from(r: WithHash<R>) -> Result<Self> {
        Ok(Self(T::try_from(r.account)?, r.password_hash))
    }
}

/// The account of `brand` with this e-mail, with its password hash.
pub(crate) async fn by_email<R: Row, T: TryFrom<R, Error = StoreError>>(
    h: &mut impl Handle,
    table: &Table,
    brand: BrandId,
    email: &str,
) -> Result<Option<(T, String)>> {
    let sql = format!(
        "SELECT {}, password_hash FROM {} WHERE brand_id = $1 AND email = $2",
        table.columns, table.name
    );
    let params = [brand.0.into(), email.into()];
    let found = rows::one::<WithHash<R>, Hashed<T>>(h, &sql, &params).await?;
    Ok(found.map(|Hashed(account, hash)| (account, hash)))
}

/// The account of `brand` with this id.
pub(crate) async fn by_id<R: Row, T: TryFrom<R, Error = StoreError>>(
    h: &mut impl Handle,
    table: &Table,
    brand: BrandId,
    id: Uuid,
) -> Result<Option<T>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE brand_id = $1 AND id = $2",
        table.columns, table.name
    );
    rows::one::<R, T>(h, &sql, &[brand.0.into(), id.into()]).await
}

/// Gives an account module its public `insert`, `by_email` and `by_id`: the account `kind`
/// (for the docs), its `TABLE`, core type, row type and id type, and how an account's
/// extra binds (after the shared columns) are made.
macro_rules! account_table {
    ($kind:literal, $table:expr, $ty:ty, $row:ty, $id:ty, |$a:ident| $extra:expr) => {
        #[doc = concat!(
                            "Inserts an ", $kind,
                            " with an already-hashed password; a taken e-mail is a `Conflict`."
                        )]
        pub async fn insert(
            h: &mut impl $crate::Handle,
            $a: &$ty,
            password_hash: &str,
            now: ebb_core::Instant,
        ) -> $crate::Result<()> {
            let identity = $crate::accounts::Identity {
                id: $a.id.0,
                brand: $a.brand_id,
                email: &$a.email,
                name: &$a.name,
            };
            let extra: &[$crate::rows::Param<'_>] = &$extra;
            $crate::accounts::insert(h, &$table, identity, (password_hash, now), extra).await
        }

        #[doc = concat!(
                            "The ", $kind, " of `brand` with this e-mail, and their password hash."
                        )]
        pub async fn by_email(
            h: &mut impl $crate::Handle,
            brand: ebb_core::BrandId,
            email: &str,
        ) -> $crate::Result<Option<($ty, String)>> {
            $crate::accounts::by_email::<$row, _>(h, &$table, brand, email).await
        }

        #[doc = concat!("The ", $kind, " of `brand` with this id.")]
        pub async fn by_id(
            h: &mut impl $crate::Handle,
            brand: ebb_core::BrandId,
            id: $id,
        ) -> $crate::Result<Option<$ty>> {
            $crate::accounts::by_id::<$row, _>(h, &$table, brand, id.0).await
        }
    };
}
