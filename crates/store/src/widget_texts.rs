//! The brand's widget texts (language, greeting, per-language overrides in
//! `brand_texts`) and the language each visitor's widget last used.

use ebb_core::texts::{Locale, LocaleTexts, WidgetLocale, WidgetTexts};
use ebb_core::{BrandId, VisitorId};

use crate::{Handle, Result, StoreError, rows};

#[derive(sqlx::FromRow)]
struct LocaleRow {
    locale: String,
    greeting: Option<String>,
    auto_message: Option<String>,
}

/// The brand's widget texts (defaults when the brand does not exist).
pub async fn get(h: &mut impl Handle, brand: BrandId) -> Result<WidgetTexts> {
    let sql = "SELECT widget_locale, greeting FROM brands WHERE id = $1";
    let head: Vec<(String, String)> =
        run!(h, |c| sqlx::query_as(sql).bind(brand.0).fetch_all(c).await)?;
    let Some((locale, greeting)) = head.into_iter().next() else {
        return Ok(WidgetTexts::default());
    };
    let locale = WidgetLocale::parse(&locale)
        .map_err(|_| StoreError::Corrupt(format!("brand widget_locale {locale}")))?;
    let sql = "SELECT locale, greeting, auto_message FROM brand_texts WHERE brand_id = $1 \
               ORDER BY locale";
    let found: Vec<LocaleRow> = run!(h, |c| sqlx::query_as(sql).bind(brand.0).fetch_all(c).await)?;
    let per_locale = found
        .into_iter()
        .filter_map(|r| {
            let texts = LocaleTexts {
                greeting: r.greeting,
                auto_message: r.auto_message,
            };
            Locale::from_tag(&r.locale).map(|l| (l, texts))
        })
        .collect();
    Ok(WidgetTexts {
        locale,
        greeting,
        per_locale,
    })
}

/// Replaces the brand's widget texts; `false` when the brand does not exist.
pub async fn set(h: &mut impl Handle, brand: BrandId, texts: &WidgetTexts) -> Result<bool> {
    let sql = "UPDATE brands SET widget_locale = $2, greeting = $3 WHERE id = $1";
    let params = [
        brand.0.into(),
        texts.locale.as_str().into(),
        texts.greeting.trim().into(),
    ];
    if rows::execute(h, sql, &params).await? != 1 {
        return Ok(false);
    }
    rows::execute(
        h,
        "DELETE FROM brand_texts WHERE brand_id = $1",
        &[brand.0.into()],
    )
    .await?;
    let sql = "INSERT INTO brand_texts (brand_id, locale, greeting, auto_message) \
               VALUES ($1, $2, $3, $4)";
    for (locale, t) in &texts.per_locale {
        let params = [
            brand.0.into(),
            locale.as_str().into(),
            kept(t.greeting.as_deref()).into(),
            kept(t.auto_message.as_deref()).into(),
        ];
        rows::execute(h, sql, &params).await?;
    }
    Ok(true)
}

/// Records the language the visitor's widget uses.
pub async fn set_visitor_locale(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    locale: Locale,
) -> Result<()> {
    let sql = "UPDATE visitors SET locale = $3 WHERE brand_id = $1 AND id = $2 \
               AND (locale IS NULL OR locale <> $3)";
    let params = [brand.0.into(), visitor.0.into(), locale.as_str().into()];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// The language the visitor's widget last used, if known.
pub async fn visitor_locale(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Option<Locale>> {
    let sql = "SELECT locale FROM visitors WHERE brand_id = $1 AND id = $2";
    let found: Vec<Option<String>> =
        rows::column(h, sql, &[brand.0.into(), visitor.0.into()]).await?;
    Ok(found
        .into_iter()
        .flatten()
        .find_map(|l| Locale::from_tag(&l)))
}

/// A text with its surrounding blanks removed; blank is `None` (the brand default).
fn kept(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}
