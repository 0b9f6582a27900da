//! Office hours: the brand's schedule, the experts' own schedules (JSON checked by core
//! when read back), and the brands the scheduler routes again when hours begin.

use ebb_core::schedule::Schedule;
use ebb_core::{BrandId, ExpertId};
use uuid::Uuid;

use crate::{Handle, Result, StoreError, rows};

/// A stored schedule read back through core's checks (a row that fails them is corrupt).
fn decode(text: &str) -> Result<Schedule> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("office hours: {e}")))
}

fn encode(schedule: Option<&Schedule>) -> Result<Option<String>> {
    Ok(schedule.map(serde_json::to_string).transpose()?)
}

/// The brand's schedule, if it has one.
pub async fn brand(h: &mut impl Handle, brand: BrandId) -> Result<Option<Schedule>> {
    let sql = "SELECT office_hours FROM brands WHERE id = $1";
    let text: Vec<Option<String>> = rows::column(h, sql, &[brand.0.into()]).await?;
    text.into_iter()
        .next()
        .flatten()
        .as_deref()
        .map(decode)
        .transpose()
}

/// Sets (or with `None` removes) the brand's schedule.
pub async fn set_brand(
    h: &mut impl Handle,
    brand: BrandId,
    schedule: Option<&Schedule>,
) -> Result<bool> {
    let text = encode(schedule)?;
    let sql = "UPDATE brands SET office_hours = $2 WHERE id = $1";
    rows::execute_one(h, sql, &[brand.0.into(), text.as_deref().into()]).await
}

/// The experts of `brand` with a schedule of their own, by id.
pub async fn experts(h: &mut impl Handle, brand: BrandId) -> Result<Vec<(ExpertId, Schedule)>> {
    let sql = "SELECT id, office_hours FROM experts \
               WHERE brand_id = $1 AND office_hours IS NOT NULL ORDER BY id";
    let rows: Vec<(Uuid, String)> = rows::plain(h, sql, &[brand.0.into()]).await?;
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
    let sql = "UPDATE experts SET office_hours = $3 WHERE brand_id = $1 AND id = $2";
    let params = [brand.0.into(), expert.0.into(), text.as_deref().into()];
    rows::execute_one(h, sql, &params).await
}

/// Every brand with office hours (its own or an expert's) and conversations waiting in its
/// queue: the brands the scheduler routes again when hours begin.
pub async fn brands_waiting(h: &mut impl Handle) -> Result<Vec<BrandId>> {
    let sql = "SELECT b.id FROM brands b WHERE (b.office_hours IS NOT NULL OR EXISTS \
               (SELECT 1 FROM experts x WHERE x.brand_id = b.id AND x.office_hours IS NOT NULL)) \
               AND EXISTS (SELECT 1 FROM conversations c WHERE c.brand_id = b.id \
               AND c.status = 'queued') ORDER BY b.id";
    let ids: Vec<Uuid> = rows::column(h, sql, &[]).await?;
    Ok(ids.into_iter().map(BrandId).collect())
}
