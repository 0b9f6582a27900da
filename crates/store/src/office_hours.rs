//! Office hours: the brand's schedule, the experts' own schedules (JSON checked by core
//! when read back), and the brands the scheduler routes again when hours begin.

use ebb_core::schedule::Schedule;
use ebb_core::{BrandId, ExpertId};
use uuid::Uuid;

use crate::{Handle, Result, StoreError};

/// A stored schedule read back through core's checks (a row that fails them is corrupt).
fn decode(text: &str) -> Result<Schedule> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("office hours: {e}")))
}

fn encode(schedule: Option<&Schedule>) -> Result<Option<String>> {
    Ok(schedule.map(serde_json::to_string).transpose()?)
}

/// The brand's schedule, if it has one.
pub async fn brand(h: &mut impl Handle, brand: BrandId) -> Result<Option<Schedule>> {
    let text: Option<(Option<String>,)> = run!(h, |c| sqlx::query_as(
        "SELECT office_hours FROM brands WHERE id = $1"
    )
    .bind(brand.0)
    .fetch_optional(c)
    .await)?;
    text.and_then(|(t,)| t).as_deref().map(decode).transpose()
}

/// Sets (or with `None` removes) the brand's schedule.
pub async fn set_brand(
    h: &mut impl Handle,
    brand: BrandId,
    schedule: Option<&Schedule>,
) -> Result<bool> {
    let text = encode(schedule)?;
    exec_one!(
        h,
        sqlx::query("UPDATE brands SET office_hours = $2 WHERE id = $1")
            .bind(brand.0)
            .bind(text)
    )
}

/// The experts of `brand` with a schedule of their own, by id.
pub async fn experts(h: &mut impl Handle, brand: BrandId) -> Result<Vec<(ExpertId, Schedule)>> {
    let rows: Vec<(Uuid, String)> = run!(h, |c| sqlx::query_as(
        "SELECT id, office_hours FROM experts \
         WHERE brand_id = $1 AND office_hours IS NOT NULL ORDER BY id"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|(id, text)| Ok((ExpertId(id), decode(&text)?)))
        .collect()
}

/// Sets (or with `None` removes) an expert's own schedule; `false` when the expert is not
/// one of the brand's.
pub async fn set_expert(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    schedule: Option<&Schedule>,
) -> Result<bool> {
    let text = encode(schedule)?;
    exec_one!(
        h,
        sqlx::query("UPDATE experts SET office_hours = $3 WHERE brand_id = $1 AND id = $2")
            .bind(brand.0)
            .bind(expert.0)
            .bind(text)
    )
}

/// Every brand with office hours (its own or an expert's) and conversations waiting in its
/// queue: the brands the scheduler routes again when hours begin.
pub async fn brands_waiting(h: &mut impl Handle) -> Result<Vec<BrandId>> {
    let ids: Vec<(Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT b.id FROM brands b WHERE (b.office_hours IS NOT NULL OR EXISTS \
         (SELECT 1 FROM experts x WHERE x.brand_id = b.id AND x.office_hours IS NOT NULL)) \
         AND EXISTS (SELECT 1 FROM conversations c WHERE c.brand_id = b.id \
         AND c.status = 'queued') ORDER BY b.id"
    )
    .fetch_all(c)
    .await)?;
    Ok(ids.into_iter().map(|(id,)| BrandId(id)).collect())
}
