//! The earnings ledger: append-only entries in integer minor units; balances and
//! statements are sums. Each entry has a dedup key, so the same fee, commission or reversal
//! can never be written twice, whatever races or retries happen.

use ebb_core::earnings::{Earning, EarningKind, Money};
use ebb_core::{BrandId, ConversationId, ExpertId, Instant, MissionId, PurchaseId, VisitorId};
use serde::Serialize;
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError, rows};

/// A stored entry with its place and time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = LedgerEntry))]
pub struct Entry {
    /// Global order.
    pub pos: i64,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Instant,
    /// The earning.
    #[serde(flatten)]
    pub earning: Earning,
}

fn dedup_key(e: &Earning) -> String {
    let about = match (e.kind, e.conversation, e.purchase) {
        (EarningKind::ContactFee, Some(c), _) => c.to_string(),
        (_, _, Some(p)) => p.to_string(),
        (_, Some(c), None) => c.to_string(),
        (_, None, None) => crate::ids::new_uuid().to_string(),
    };
    format!("{}:{about}", e.kind.as_str())
}

/// Appends `earning`; returns false (and writes nothing) when it was already recorded.
pub async fn append(
    h: &mut impl Handle,
    brand: BrandId,
    e: &Earning,
    now: Instant,
) -> Result<bool> {
    exec_one!(
        h,
        sqlx::query(
            "INSERT INTO ledger (brand_id, expert_id, mission_id, kind, amount_minor, currency, \
         conversation_id, purchase_id, dedup_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (dedup_key) DO NOTHING"
        )
        .bind(brand.0)
        .bind(e.expert.0)
        .bind(e.mission.0)
        .bind(e.kind.as_str())
        .bind(e.amount.minor)
        .bind(&e.amount.currency)
        .bind(e.conversation.map(|c| c.0))
        .bind(e.purchase.map(|p| p.0))
        .bind(dedup_key(e))
        .bind(to_micros(now))
    )
}

#[derive(sqlx::FromRow)]
struct Row {
    pos: i64,
    expert_id: Uuid,
    mission_id: Uuid,
    kind: String,
    amount_minor: i64,
    currency: String,
    conversation_id: Option<Uuid>,
    purchase_id: Option<Uuid>,
    created_at: i64,
}

row_into!(Row, Entry, |r| {
    Ok(Self {
        pos: r.pos,
        at: from_micros(r.created_at)?,
        earning: Earning {
            expert: ExpertId(r.expert_id),
            mission: MissionId(r.mission_id),
            kind: EarningKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("ledger kind {}", r.kind)))?,
            amount: Money {
                minor: r.amount_minor,
                currency: r.currency,
            },
            conversation: r.conversation_id.map(ConversationId),
            purchase: r.purchase_id.map(PurchaseId),
        },
    })
});

const COLUMNS: &str = "pos, expert_id, mission_id, kind, amount_minor, currency, \
    conversation_id, purchase_id, created_at";

/// Entries of `brand` whose `column` (`purchase_id` or `conversation_id`) is `id`, in order.
async fn about(h: &mut impl Handle, brand: BrandId, column: &str, id: Uuid) -> Result<Vec<Entry>> {
    let sql =
        format!("SELECT {COLUMNS} FROM ledger WHERE brand_id = $1 AND {column} = $2 ORDER BY pos");
    rows::all::<Row, _>(h, &sql, &[brand.0.into(), id.into()]).await
}

/// Entries about a purchase.
pub async fn for_purchase(
    h: &mut impl Handle,
    brand: BrandId,
    p: PurchaseId,
) -> Result<Vec<Entry>> {
    about(h, brand, "purchase_id", p.0).await
}

/// Entries about a conversation.
pub async fn for_conversation(
    h: &mut impl Handle,
    brand: BrandId,
    c: ConversationId,
) -> Result<Vec<Entry>> {
    about(h, brand, "conversation_id", c.0).await
}

/// The contact fees paid for any of `visitor`'s conversations, in one query.
pub async fn contact_fees_for_visitor(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<Entry>> {
    let sql = "SELECT l.pos, l.expert_id, l.mission_id, l.kind, l.amount_minor, l.currency, \
        l.conversation_id, l.purchase_id, l.created_at FROM ledger l \
        JOIN conversations c ON c.id = l.conversation_id \
        WHERE l.brand_id = $1 AND c.brand_id = $1 AND c.visitor_id = $2 ORDER BY l.pos";
    let all = rows::all::<Row, Entry>(h, sql, &[brand.0.into(), visitor.0.into()]).await?;
    Ok(all
        .into_iter()
        .filter(|e| e.earning.kind == EarningKind::ContactFee)
        .collect())
}

/// An expert's entries recorded in `[from, to)`, oldest first.
pub async fn statement(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    from: Instant,
    to: Instant,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM ledger WHERE brand_id = $1 AND expert_id = $2 \
         AND created_at >= $3 AND created_at < $4 ORDER BY pos"
    );
    let params = [
        brand.0.into(),
        expert.0.into(),
        to_micros(from).into(),
        to_micros(to).into(),
    ];
    rows::all::<Row, _>(h, &sql, &params).await
}

/// Every entry of `brand` recorded in `[from, to)` (payout reports), oldest first.
pub async fn brand_period(
    h: &mut impl Handle,
    brand: BrandId,
    from: Instant,
    to: Instant,
) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM ledger WHERE brand_id = $1 AND created_at >= $2 \
         AND created_at < $3 ORDER BY pos"
    );
    rows::all::<Row, _>(h, &sql, &rows::in_period(brand, from, to)).await
}
