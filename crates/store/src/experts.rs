//! Experts: accounts, status, capacity, and the slot load routing needs.

use ebb_core::routing::ExpertLoad;
use ebb_core::slots::Slots;
use ebb_core::{BrandId, Expert, ExpertId, ExpertStatus, Instant};
use uuid::Uuid;

use crate::accounts::Table;
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError, rows};

#[derive(sqlx::FromRow)]
struct ExpertRow {
    id: Uuid,
    brand_id: Uuid,
    email: String,
    name: String,
    capacity: i64,
    status: String,
    async_cap: Option<i64>,
}

row_into!(ExpertRow, Expert, |r| {
    Ok(Self {
        id: ExpertId(r.id),
        brand_id: BrandId(r.brand_id),
        email: r.email,
        name: r.name,
        capacity: u32::try_from(r.capacity)
            .map_err(|_| StoreError::Corrupt(format!("capacity {}", r.capacity)))?,
        status: ExpertStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("expert status {}", r.status)))?,
        async_cap: async_cap_of(r.async_cap)?,
    })
});

/// The stored async cap as core's number (`NULL`: no cap).
fn async_cap_of(stored: Option<i64>) -> Result<Option<u32>> {
    stored
        .map(|n| u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("async cap {n}"))))
        .transpose()
}

const COLUMNS: &str = "id, brand_id, email, name, capacity, status, async_cap";

const TABLE: Table = Table {
    name: "experts",
    columns: COLUMNS,
    extra_columns: ", capacity, status, status_since",
    extra_values: ", $7, $8, $6",
};

account_table!("expert", TABLE, Expert, ExpertRow, ExpertId, |expert| [
    i64::from(expert.capacity).into(),
    expert.status.as_str().into()
]);

/// Every expert of `brand`, by name.
pub async fn list(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Expert>> {
    let sql = format!("SELECT {COLUMNS} FROM experts WHERE brand_id = $1 ORDER BY name, id");
    rows::all::<ExpertRow, _>(h, &sql, &[brand.0.into()]).await
}

/// Sets an expert's status (and since when, if it changed).
pub async fn set_status(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    status: ExpertStatus,
    now: Instant,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "UPDATE experts SET status_since = CASE WHEN status = $3 THEN status_since ELSE $4 END, \
             status = $3 WHERE brand_id = $1 AND id = $2"
        )
        .bind(brand.0)
        .bind(id.0)
        .bind(status.as_str())
        .bind(to_micros(now))
    )
}

/// Every enabled expert of `brand` with their slot usage, locking their rows on PostgreSQL
/// so that slot decisions in this transaction cannot race another node's. The brand's row
/// is locked first: one multi-row `UPDATE` locks the expert rows in scan order, which two
/// concurrent transactions may see differently (deadlock, detected only after
/// `deadlock_timeout`, 1 s), so writers of a brand queue on that one row instead. Disabled
/// experts are left out: routing treats them as gone. `async_held` is left at 0: only the
/// server knows which visitors are online (it counts them from [`crate::conversations::pacing`]).
pub async fn loads_locked(h: &mut impl Handle, brand: BrandId) -> Result<Vec<ExpertLoad>> {
    exec!(
        h,
        sqlx::query("UPDATE brands SET name = name WHERE id = $1").bind(brand.0)
    )?;
    #[derive(sqlx::FromRow)]
    struct LoadRow {
        id: Uuid,
        status: String,
        capacity: i64,
        status_since: i64,
        async_cap: Option<i64>,
    }
    let rows = run!(h, |c| sqlx::query_as::<_, LoadRow>(
        "UPDATE experts SET capacity = capacity WHERE brand_id = $1 AND disabled_at IS NULL \
         RETURNING id, status, capacity, status_since, async_cap"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    let held = held_counts(h, brand).await?;
    let mut loads: Vec<ExpertLoad> = rows
        .into_iter()
        .map(|r| {
            let status = ExpertStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("expert status {}", r.status)))?;
            let offline_since = (status == ExpertStatus::Offline)
                .then(|| from_micros(r.status_since))
                .transpose()?;
            let id = ExpertId(r.id);
            Ok(ExpertLoad {
                id,
                status,
                offline_since,
                off_hours: false,
                slots: Slots {
                    held: held_by(&held, id),
                    capacity: u32::try_from(r.capacity)
                        .map_err(|_| StoreError::Corrupt(format!("capacity {}", r.capacity)))?,
                },
                async_cap: async_cap_of(r.async_cap)?,
                async_held: 0,
            })
        })
        .collect::<Result<_>>()?;
    loads.sort_by_key(|l| l.id);
    Ok(loads)
}

/// How many slots each expert of `brand` holds. Holding a slot is core's rule
/// ([`ebb_core::ConversationState::slot_holder`]); this SQL only counts the rows it
/// describes, and a store test checks the two agree on conversations in every state.
pub async fn held_counts(h: &mut impl Handle, brand: BrandId) -> Result<Vec<(ExpertId, u32)>> {
    let rows: Vec<(Uuid, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT expert_id, COUNT(*) FROM conversations \
         WHERE brand_id = $1 AND status = 'assigned' AND expert_id IS NOT NULL \
         GROUP BY expert_id"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|(id, n)| {
            let n = u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("slot count {n}")))?;
            Ok((ExpertId(id), n))
        })
        .collect()
}

/// The count of `expert` in [`held_counts`]' answer (zero when absent).
pub fn held_by(held: &[(ExpertId, u32)], expert: ExpertId) -> u32 {
    held.iter()
        .find(|(id, _)| *id == expert)
        .map_or(0, |(_, n)| *n)
}

/// Sets an expert's capacity (added for the admin API).
pub async fn set_capacity(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    capacity: u32,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("UPDATE experts SET capacity = $3 WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(id.0)
            .bind(i64::from(capacity))
    )
}

/// Sets (or, with `None`, lifts) an expert's async cap; core checked it against the
/// capacity.
pub async fn set_async_cap(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    cap: Option<u32>,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("UPDATE experts SET async_cap = $3 WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(id.0)
            .bind(cap.map(i64::from))
    )
}

/// Disables (at `now`) or re-enables an expert (added for the admin API).
pub async fn set_disabled(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    disabled_at: Option<Instant>,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("UPDATE experts SET disabled_at = $3 WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(id.0)
            .bind(disabled_at.map(to_micros))
    )
}

/// The ids of `brand`'s disabled experts (added for the admin API).
pub async fn disabled(h: &mut impl Handle, brand: BrandId) -> Result<Vec<ExpertId>> {
    let sql = "SELECT id FROM experts WHERE brand_id = $1 AND disabled_at IS NOT NULL";
    let ids: Vec<Uuid> = rows::column(h, sql, &[brand.0.into()]).await?;
    Ok(ids.into_iter().map(ExpertId).collect())
}

/// Marks a pending expert's password: one that verifies nothing (an invited expert who has
/// not chosen theirs yet).
pub const PENDING_PASSWORD: &str = "";

/// The experts of `brand` still pending (invited, no password chosen yet).
pub async fn pending(h: &mut impl Handle, brand: BrandId) -> Result<Vec<ExpertId>> {
    let sql = "SELECT id FROM experts WHERE brand_id = $1 AND password_hash = $2";
    let ids: Vec<Uuid> = rows::column(h, sql, &[brand.0.into(), PENDING_PASSWORD.into()]).await?;
    Ok(ids.into_iter().map(ExpertId).collect())
}

/// Sets an expert's password hash; whether they exist.
pub async fn set_password(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    password_hash: &str,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query("UPDATE experts SET password_hash = $1 WHERE brand_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(brand.0)
            .bind(id.0)
    )
}
