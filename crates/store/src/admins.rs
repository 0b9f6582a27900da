//! Brand administrators: accounts (argon2 hashes); their login sessions are
//! [`sessions`] like experts'.

use ebb_core::{AdminId, BrandId, Instant};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::Table;
use crate::sessions::{self, Holder};
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

row_into!(AdminRow, Admin, |r| {
    Ok(Self {
        id: AdminId(r.id),
        brand_id: BrandId(r.brand_id),
        email: r.email,
        name: r.name,
    })
});

const TABLE: Table = Table {
    name: "admins",
    columns: "id, brand_id, email, name",
    extra_columns: "",
    extra_values: "",
};

account_table!("admin", TABLE, Admin, AdminRow, AdminId, |admin| []);

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
