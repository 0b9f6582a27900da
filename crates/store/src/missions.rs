//! Missions (the terms experts are paid under) and who joined them.

use ebb_core::earnings::{MissionTerms, Money};
use ebb_core::{BrandId, ExpertId, Instant, MissionId};
use serde::Serialize;
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

/// A mission as admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mission {
    /// Identity.
    pub id: MissionId,
    /// Display name.
    pub name: String,
    /// Fixed fee per closed conversation.
    pub contact_fee: Option<Money>,
    /// Commission in basis points of purchases.
    pub commission_bp: Option<i64>,
    /// Experts who joined it.
    pub members: Vec<ExpertId>,
}

/// Inserts a mission.
pub async fn insert(h: &mut impl Handle, brand: BrandId, m: &Mission, now: Instant) -> Result<()> {
    let fee = m.contact_fee.as_ref();
    exec!(
        h,
        sqlx::query(
            "INSERT INTO missions (id, brand_id, name, contact_fee_minor, contact_fee_currency, \
         commission_bp, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(m.id.0)
        .bind(brand.0)
        .bind(&m.name)
        .bind(fee.map(|f| f.minor))
        .bind(fee.map(|f| f.currency.as_str()))
        .bind(m.commission_bp)
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// Adds `expert` to a mission of `brand`; false when the mission is not the brand's.
pub async fn join(
    h: &mut impl Handle,
    brand: BrandId,
    mission: MissionId,
    expert: ExpertId,
    now: Instant,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "INSERT INTO mission_members (brand_id, mission_id, expert_id, joined_at) \
         SELECT $1, m.id, e.id, $4 FROM missions m JOIN experts e ON e.brand_id = m.brand_id \
         WHERE m.brand_id = $1 AND m.id = $2 AND e.id = $3 \
         ON CONFLICT (mission_id, expert_id) DO NOTHING"
        )
        .bind(brand.0)
        .bind(mission.0)
        .bind(expert.0)
        .bind(to_micros(now))
    )
}

#[derive(sqlx::FromRow)]
struct TermsRow {
    id: Uuid,
    name: String,
    contact_fee_minor: Option<i64>,
    contact_fee_currency: Option<String>,
    commission_bp: Option<i64>,
    joined_at: Option<i64>,
    expert_id: Option<Uuid>,
}

fn fee(row: &TermsRow) -> Result<Option<Money>> {
    match (row.contact_fee_minor, row.contact_fee_currency.as_deref()) {
        (Some(minor), Some(cur)) => Money::parse(minor, cur)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string())),
        _ => Ok(None),
    }
}

/// The missions `expert` of `brand` works under, with when they joined each.
pub async fn terms_for(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
) -> Result<Vec<MissionTerms>> {
    let rows = run!(h, |c| sqlx::query_as::<_, TermsRow>(
        "SELECT m.id, m.name, m.contact_fee_minor, m.contact_fee_currency, m.commission_bp, \
         j.joined_at, j.expert_id FROM missions m \
         JOIN mission_members j ON j.mission_id = m.id AND j.brand_id = m.brand_id \
         WHERE m.brand_id = $1 AND j.expert_id = $2"
    )
    .bind(brand.0)
    .bind(expert.0)
    .fetch_all(c)
    .await)?;
    rows.iter()
        .map(|r| {
            Ok(MissionTerms {
                id: MissionId(r.id),
                contact_fee: fee(r)?,
                commission_bp: r.commission_bp,
                joined_at: from_micros(r.joined_at.unwrap_or_default())?,
            })
        })
        .collect()
}

/// Every mission of `brand` with its members, by name.
pub async fn list(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Mission>> {
    let rows = run!(h, |c| sqlx::query_as::<_, TermsRow>(
        "SELECT m.id, m.name, m.contact_fee_minor, m.contact_fee_currency, m.commission_bp, \
         j.joined_at, j.expert_id FROM missions m \
         LEFT JOIN mission_members j ON j.mission_id = m.id AND j.brand_id = m.brand_id \
         WHERE m.brand_id = $1 ORDER BY m.name, m.id, j.joined_at"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    let mut out: Vec<Mission> = Vec::new();
    for r in &rows {
        if out.last().is_none_or(|m| m.id.0 != r.id) {
            out.push(Mission {
                id: MissionId(r.id),
                name: r.name.clone(),
                contact_fee: fee(r)?,
                commission_bp: r.commission_bp,
                members: Vec::new(),
            });
        }
        if let (Some(m), Some(e)) = (out.last_mut(), r.expert_id) {
            m.members.push(ExpertId(e));
        }
    }
    Ok(out)
}
