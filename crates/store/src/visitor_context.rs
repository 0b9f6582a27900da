//! Where each visitor is: the last page report of their widget (one row per visitor, each
//! report replacing the previous) and the country a trusted proxy named, if recorded.

use ebb_core::visitor_context::PageReport;
use ebb_core::{BrandId, Instant, VisitorId};

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, rows};

/// A visitor's last reported context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorContext {
    /// The page report.
    pub page: PageReport,
    /// The country a trusted proxy named (ISO 3166-1 alpha-2), when the brand shares it.
    pub country: Option<String>,
    /// When the widget reported it.
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct ContextRow {
    page_url: String,
    page_title: Option<String>,
    referrer: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
    country: Option<String>,
    updated_at: i64,
}

row_into!(ContextRow, VisitorContext, |r| Ok(Self {
    page: PageReport {
        page_url: r.page_url,
        page_title: r.page_title,
        referrer: r.referrer,
        language: r.language,
        time_zone: r.time_zone,
    },
    country: r.country,
    updated_at: from_micros(r.updated_at)?,
}));

/// Records `visitor`'s latest context (replacing the previous one).
pub async fn put(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    context: &VisitorContext,
) -> Result<()> {
    let p = &context.page;
    let sql = "INSERT INTO visitor_context (visitor_id, brand_id, page_url, page_title, \
               referrer, language, time_zone, country, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
               ON CONFLICT (visitor_id) DO UPDATE SET page_url = excluded.page_url, \
               page_title = excluded.page_title, referrer = excluded.referrer, \
               language = excluded.language, time_zone = excluded.time_zone, \
               country = excluded.country, updated_at = excluded.updated_at \
               WHERE visitor_context.brand_id = excluded.brand_id";
    let params = [
        visitor.0.into(),
        brand.0.into(),
        p.page_url.as_str().into(),
        p.page_title.as_deref().into(),
        p.referrer.as_deref().into(),
        p.language.as_deref().into(),
        p.time_zone.as_deref().into(),
        context.country.as_deref().into(),
        to_micros(context.updated_at).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// `visitor`'s last reported context in `brand`, if their widget sent one.
pub async fn get(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Option<VisitorContext>> {
    let sql = "SELECT page_url, page_title, referrer, language, time_zone, country, updated_at \
               FROM visitor_context WHERE brand_id = $1 AND visitor_id = $2";
    rows::one::<ContextRow, _>(h, sql, &[brand.0.into(), visitor.0.into()]).await
}

/// Forgets `visitor`'s context (erasure); whether there was one.
pub async fn delete(h: &mut impl Handle, brand: BrandId, visitor: VisitorId) -> Result<bool> {
    let sql = "DELETE FROM visitor_context WHERE brand_id = $1 AND visitor_id = $2";
    rows::execute_one(h, sql, &[brand.0.into(), visitor.0.into()]).await
}
