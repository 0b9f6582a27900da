//! Brand administrators: accounts (argon2 hashes); their login sessions are
//! [`sessions`] like experts'.

use ebb_core::{AdminId, BrandId, Instant};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sessions::{self, Holder};
use crate::timefmt::to_micros;
use crate::{Handle, Result};

/// A brand administrator: sees and configures the whole brand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Admin {
    /// Identity.
    pub id: AdminId,
    /// Their brand.
    pub brand_id: BrandId,
    /// Login e-mail, unique per brand.
    pub email: String,
    /// Display name.
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct AdminRow {
    id: Uuid,
    brand_id: Uuid,
    email: String,
    name: String,
}

impl From<AdminRow> for Admin {
    fn from(r: AdminRow) -> Self {
        Self {
            id: AdminId(r.id),
            brand_id: BrandId(r.brand_id),
            email: r.email,
            name: r.name,
        }
    }
}

/// Inserts an admin with an already-hashed password; a taken e-mail is a `Conflict`.
pub async fn insert(
    h: &mut impl Handle,
    admin: &Admin,
    password_hash: &str,
    now: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO admins (id, brand_id, email, name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(admin.id.0)
        .bind(admin.brand_id.0)
        .bind(&admin.email)
        .bind(&admin.name)
        .bind(password_hash)
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// Replaces the password hash of admin `id` of `brand`; whether that admin exists.
pub async fn set_password(
    h: &mut impl Handle,
    brand: BrandId,
    id: AdminId,
    password_hash: &str,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("UPDATE admins SET password_hash = $1 WHERE brand_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(brand.0)
            .bind(id.0)
    )
}

/// The admin of `brand` with this e-mail, and their password hash.
pub async fn by_email(
    h: &mut impl Handle,
    brand: BrandId,
    email: &str,
) -> Result<Option<(Admin, String)>> {
    #[derive(sqlx::FromRow)]
    struct WithHash {
        #[sqlx(flatten)]
        admin: AdminRow,
        password_hash: String,
    }
    let row = run!(h, |c| sqlx::query_as::<_, WithHash>(
        "SELECT id, brand_id, email, name, password_hash FROM admins \
         WHERE brand_id = $1 AND email = $2"
    )
    .bind(brand.0)
    .bind(email)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|r| (Admin::from(r.admin), r.password_hash)))
}

/// The admin of `brand` with this id.
pub async fn by_id(h: &mut impl Handle, brand: BrandId, id: AdminId) -> Result<Option<Admin>> {
    let row = run!(h, |c| sqlx::query_as::<_, AdminRow>(
        "SELECT id, brand_id, email, name FROM admins WHERE brand_id = $1 AND id = $2"
    )
    .bind(brand.0)
    .bind(id.0)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(Admin::from))
}

/// Stores a session for `admin` until `expires_at` (an admin [`sessions::open`]).
pub async fn insert_session(
    h: &mut impl Handle,
    token_hash: &[u8],
    admin: &Admin,
    now: Instant,
    expires_at: Instant,
) -> Result<()> {
    let holder = Holder::Admin(admin.id);
    sessions::open(h, token_hash, admin.brand_id, holder, now, expires_at).await
}

/// The admin whose unexpired session has this token hash.
pub async fn for_session(
    h: &mut impl Handle,
    token_hash: &[u8],
    now: Instant,
) -> Result<Option<Admin>> {
    match sessions::holder(h, token_hash, now).await? {
        Some((brand, Holder::Admin(id))) => by_id(h, brand, id).await,
        _ => Ok(None),
    }
}
