//! Purchases reported by brands (server to server) or from the widget (pending until the
//! brand's server confirms them), unique per brand and order id.

use ebb_core::earnings::{Money, PurchaseSource, PurchaseStatus};
use ebb_core::{BrandId, ConversationId, ExpertId, Instant, PurchaseId, VisitorId};
use serde::Serialize;
use uuid::Uuid;

use crate::rows::{self, Param};
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

/// A stored purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purchase {
    /// Identity.
    pub id: PurchaseId,
    /// The brand's order id.
    pub order_id: String,
    /// Who bought.
    pub visitor_id: VisitorId,
    /// How much.
    pub amount: Money,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub purchased_at: Instant,
    /// Pending (widget, unconfirmed), confirmed or refunded.
    pub status: PurchaseStatus,
    /// Who reported it first.
    pub source: PurchaseSource,
    /// The conversation it was attributed to.
    pub conversation_id: Option<ConversationId>,
    /// The expert credited.
    pub expert_id: Option<ExpertId>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    order_id: String,
    visitor_id: Uuid,
    amount_minor: i64,
    currency: String,
    purchased_at: i64,
    status: String,
    source: String,
    conversation_id: Option<Uuid>,
    expert_id: Option<Uuid>,
}

row_into!(Row, Purchase, |r| {
    Ok(Self {
        id: PurchaseId(r.id),
        order_id: r.order_id,
        visitor_id: VisitorId(r.visitor_id),
        amount: Money {
            minor: r.amount_minor,
            currency: r.currency,
        },
        purchased_at: from_micros(r.purchased_at)?,
        status: PurchaseStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("purchase status {}", r.status)))?,
        source: PurchaseSource::parse(&r.source)
            .ok_or_else(|| StoreError::Corrupt(format!("purchase source {}", r.source)))?,
        conversation_id: r.conversation_id.map(ConversationId),
        expert_id: r.expert_id.map(ExpertId),
    })
});

/// A purchase's status and attribution, then `now` as when they were saved: the last binds
/// of both [`insert`] and [`update`].
fn attribution(p: &Purchase, now: Instant) -> [Param<'static>; 4] {
    [
        p.status.as_str().into(),
        p.conversation_id.map(|c| c.0).into(),
        p.expert_id.map(|e| e.0).into(),
        to_micros(now).into(),
    ]
}

/// Inserts a purchase; a known order id is a `Conflict`.
pub async fn insert(h: &mut impl Handle, brand: BrandId, p: &Purchase, now: Instant) -> Result<()> {
    let sql = "INSERT INTO purchases (id, brand_id, order_id, visitor_id, amount_minor, \
               currency, purchased_at, source, status, conversation_id, expert_id, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";
    let order = [
        p.id.0.into(),
        brand.0.into(),
        p.order_id.as_str().into(),
        p.visitor_id.0.into(),
        p.amount.minor.into(),
        p.amount.currency.as_str().into(),
        to_micros(p.purchased_at).into(),
        p.source.as_str().into(),
    ];
    let params: Vec<Param<'_>> = order.into_iter().chain(attribution(p, now)).collect();
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// The purchase of `brand` with this order id, locked for the transaction on PostgreSQL.
pub async fn by_order_locked(
    h: &mut impl Handle,
    brand: BrandId,
    order_id: &str,
) -> Result<Option<Purchase>> {
    let row = run!(h, |c| sqlx::query_as::<_, Row>(
        "UPDATE purchases SET updated_at = updated_at WHERE brand_id = $1 AND order_id = $2 \
         RETURNING id, order_id, visitor_id, amount_minor, currency, purchased_at, status, \
         source, conversation_id, expert_id"
    )
    .bind(brand.0)
    .bind(order_id)
    .fetch_optional(c)
    .await)?;
    row.map(Purchase::try_from).transpose()
}

/// Saves a purchase's details (who, how much, when: the brand's server's word replaces a
/// page's hint), status and attribution.
pub async fn update(h: &mut impl Handle, brand: BrandId, p: &Purchase, now: Instant) -> Result<()> {
    let sql = "UPDATE purchases SET status = $3, conversation_id = $4, expert_id = $5, \
               updated_at = $6, visitor_id = $7, amount_minor = $8, currency = $9, \
               purchased_at = $10 WHERE brand_id = $1 AND id = $2";
    let key = [brand.0.into(), p.id.0.into()];
    let details = [
        p.visitor_id.0.into(),
        p.amount.minor.into(),
        p.amount.currency.as_str().into(),
        to_micros(p.purchased_at).into(),
    ];
    let params: Vec<Param<'_>> = key
        .into_iter()
        .chain(attribution(p, now))
        .chain(details)
        .collect();
    rows::execute(h, sql, &params).await?;
    Ok(())
}
