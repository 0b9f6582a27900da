//! Email follow-up storage: a brand's email settings, each visitor's address (with its
//! unsubscribe), and the extra visitor tokens signed reopen links hand out. The mail
//! queue and the batches sent are in [`jobs`].

pub mod jobs;

use ebb_core::followup::{AskEmail, EmailSettings};
use ebb_core::{BrandId, Email, Instant, VisitorId};

use crate::timefmt::{from_micros_opt, to_micros};
use crate::{Handle, Result, rows};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    ask: String,
    delay_minutes: i64,
    consent_en: String,
    consent_fr: String,
    site_url: String,
}

/// The brand's email settings (the defaults until an admin saves some).
pub async fn settings(h: &mut impl Handle, brand: BrandId) -> Result<EmailSettings> {
    let sql = "SELECT ask, delay_minutes, consent_en, consent_fr, site_url FROM email_settings \
               WHERE brand_id = $1";
    let row: Option<SettingsRow> = run!(h, |c| sqlx::query_as(sql)
        .bind(brand.0)
        .fetch_optional(c)
        .await)?;
    Ok(row.map_or_else(EmailSettings::default, |r| EmailSettings {
        ask: AskEmail::parse(&r.ask),
        delay_minutes: u32::try_from(r.delay_minutes)
            .unwrap_or(ebb_core::followup::DEFAULT_DELAY_MINUTES),
        consent_en: r.consent_en,
        consent_fr: r.consent_fr,
        site_url: r.site_url,
    }))
}

/// Replaces the brand's email settings (already validated by core).
pub async fn set_settings(h: &mut impl Handle, brand: BrandId, s: &EmailSettings) -> Result<()> {
    rows::execute(
        h,
        "INSERT INTO email_settings (brand_id, ask, delay_minutes, consent_en, consent_fr, site_url) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (brand_id) DO UPDATE SET \
         ask = excluded.ask, delay_minutes = excluded.delay_minutes, \
         consent_en = excluded.consent_en, consent_fr = excluded.consent_fr, \
         site_url = excluded.site_url",
        &[
            brand.0.into(),
            s.ask.as_str().into(),
            i64::from(s.delay_minutes).into(),
            s.consent_en.as_str().into(),
            s.consent_fr.as_str().into(),
            s.site_url.as_str().into(),
        ],
    )
    .await?;
    Ok(())
}

/// A visitor's email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorEmail {
    /// The address.
    pub email: String,
    /// When the visitor stopped follow-up emails, if they did.
    pub unsubscribed_at: Option<Instant>,
}

/// The visitor's address, if they left one.
pub async fn visitor_email(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Option<VisitorEmail>> {
    let sql = "SELECT email, unsubscribed_at FROM visitor_emails \
               WHERE brand_id = $1 AND visitor_id = $2";
    let row: Option<(String, Option<i64>)> = run!(h, |c| sqlx::query_as(sql)
        .bind(brand.0)
        .bind(visitor.0)
        .fetch_optional(c)
        .await)?;
    row.map(|(email, at)| {
        Ok(VisitorEmail {
            email,
            unsubscribed_at: from_micros_opt(at)?,
        })
    })
    .transpose()
}

/// Sets (or, with `None`, forgets) the visitor's address. A new address is a new consent:
/// it clears an earlier unsubscribe.
pub async fn set_visitor_email(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    email: Option<&Email>,
    now: Instant,
) -> Result<()> {
    let Some(email) = email else {
        return forget_visitor(h, brand, visitor).await;
    };
    rows::execute(
        h,
        "INSERT INTO visitor_emails (visitor_id, brand_id, email, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (visitor_id) DO UPDATE SET \
         email = excluded.email, updated_at = excluded.updated_at, unsubscribed_at = NULL \
         WHERE visitor_emails.brand_id = excluded.brand_id",
        &[
            visitor.0.into(),
            brand.0.into(),
            email.as_str().into(),
            to_micros(now).into(),
        ],
    )
    .await?;
    Ok(())
}

/// Stops follow-up emails to the visitor; `false` when they left no address.
pub async fn unsubscribe(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    now: Instant,
) -> Result<bool> {
    let n = rows::execute(
        h,
        "UPDATE visitor_emails SET unsubscribed_at = $3 \
         WHERE brand_id = $1 AND visitor_id = $2 AND unsubscribed_at IS NULL",
        &[brand.0.into(), visitor.0.into(), to_micros(now).into()],
    )
    .await?;
    Ok(n == 1 || visitor_email(h, brand, visitor).await?.is_some())
}

/// Deletes the visitor's address (erasure; `privacy` deletes their extra tokens).
pub async fn forget_visitor(h: &mut impl Handle, brand: BrandId, visitor: VisitorId) -> Result<()> {
    let sql = "DELETE FROM visitor_emails WHERE brand_id = $1 AND visitor_id = $2";
    rows::execute(h, sql, &[brand.0.into(), visitor.0.into()]).await?;
    Ok(())
}
