//! Brands and their settings.

use ebb_core::{Brand, BrandId, BrandSettings, BudgetMode, Instant};
use uuid::Uuid;

use crate::timefmt::to_micros;
use crate::{Handle, Result, StoreError, rows};

#[derive(sqlx::FromRow)]
struct BrandRow {
    id: Uuid,
    slug: String,
    name: String,
    auto_message: String,
    typical_reply_time: String,
    max_snooze_days: i64,
    offline_grace_minutes: i64,
    woken_wait_minutes: i64,
    purchase_window_hours: i64,
    snooze_budget: i64,
    snooze_budget_mode: String,
    retention_days: i64,
    share_visitor_country: bool,
}

row_into!(BrandRow, Brand, |r| {
    let corrupt = |what: &str| StoreError::Corrupt(format!("brand {what}"));
    let snooze_budget = u32::try_from(r.snooze_budget).map_err(|_| corrupt("snooze_budget"))?;
    let snooze_budget_mode =
        BudgetMode::parse(&r.snooze_budget_mode).ok_or_else(|| corrupt("snooze_budget_mode"))?;
    Ok(Self {
        id: BrandId(r.id),
        slug: r.slug,
        name: r.name,
        settings: BrandSettings {
            auto_message: r.auto_message,
            typical_reply_time: r.typical_reply_time,
            max_snooze_days: r.max_snooze_days,
            offline_grace_minutes: r.offline_grace_minutes,
            woken_wait_minutes: r.woken_wait_minutes,
            purchase_window_hours: r.purchase_window_hours,
            snooze_budget,
            snooze_budget_mode,
            retention_days: r.retention_days,
            share_visitor_country: r.share_visitor_country,
        },
    })
});

const COLUMNS: &str = "id, slug, name, auto_message, typical_reply_time, max_snooze_days, \
    offline_grace_minutes, woken_wait_minutes, purchase_window_hours, snooze_budget, \
    snooze_budget_mode, retention_days, share_visitor_country";

/// The binds of the settings columns, in the order `auto_message, typical_reply_time,
/// max_snooze_days, offline_grace_minutes, woken_wait_minutes, purchase_window_hours,
/// snooze_budget, snooze_budget_mode, retention_days, share_visitor_country`.
fn settings_params(s: &BrandSettings) -> [rows::Param<'_>; 10] {
    [
        s.auto_message.as_str().into(),
        s.typical_reply_time.as_str().into(),
        s.max_snooze_days.into(),
        s.offline_grace_minutes.into(),
        s.woken_wait_minutes.into(),
        s.purchase_window_hours.into(),
        i64::from(s.snooze_budget).into(),
        s.snooze_budget_mode.as_str().into(),
        s.retention_days.into(),
        s.share_visitor_country.into(),
    ]
}

/// Inserts a brand; a taken slug is a `Conflict`.
pub async fn insert(h: &mut impl Handle, brand: &Brand, now: Instant) -> Result<()> {
    let sql = "INSERT INTO brands (id, slug, name, created_at, auto_message, \
               typical_reply_time, max_snooze_days, offline_grace_minutes, woken_wait_minutes, \
               purchase_window_hours, snooze_budget, snooze_budget_mode, retention_days, \
               share_visitor_country) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
    let mut params = vec![
        brand.id.0.into(),
        brand.slug.as_str().into(),
        brand.name.as_str().into(),
        to_micros(now).into(),
    ];
    params.extend(settings_params(&brand.settings));
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// The brand with this slug.
pub async fn by_slug(h: &mut impl Handle, slug: &str) -> Result<Option<Brand>> {
    let sql = format!("SELECT {COLUMNS} FROM brands WHERE slug = $1");
    rows::one::<BrandRow, _>(h, &sql, &[slug.into()]).await
}

/// The brand with this id.
pub async fn by_id(h: &mut impl Handle, id: BrandId) -> Result<Option<Brand>> {
    let sql = format!("SELECT {COLUMNS} FROM brands WHERE id = $1");
    rows::one::<BrandRow, _>(h, &sql, &[id.0.into()]).await
}

/// The origins (`scheme://host[:port]`) allowed to open the brand's widget WebSocket.
pub async fn allowed_origins(h: &mut impl Handle, id: BrandId) -> Result<Vec<String>> {
    let sql = "SELECT allowed_origins FROM brands WHERE id = $1";
    let found: Vec<String> = rows::column(h, sql, &[id.0.into()]).await?;
    match found.first() {
        Some(json) => Ok(serde_json::from_str(json)?),
        None => Ok(Vec::new()),
    }
}

/// Replaces the brand's admin-editable settings and allowed origins.
pub async fn update_settings(
    h: &mut impl Handle,
    id: BrandId,
    settings: &BrandSettings,
    allowed_origins: &[String],
) -> Result<bool> {
    let origins = serde_json::to_string(allowed_origins)?;
    let sql = "UPDATE brands SET allowed_origins = $2, auto_message = $3, \
               typical_reply_time = $4, max_snooze_days = $5, offline_grace_minutes = $6, \
               woken_wait_minutes = $7, purchase_window_hours = $8, snooze_budget = $9, \
               snooze_budget_mode = $10, retention_days = $11, share_visitor_country = $12 \
               WHERE id = $1";
    let mut params = vec![id.0.into(), origins.as_str().into()];
    params.extend(settings_params(settings));
    rows::execute_one(h, sql, &params).await
}
