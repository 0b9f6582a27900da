//! Money on the desk: the contact fee a close earns (in the close's own transaction),
//! purchases (attribution to a conversation, commission to the last expert who replied),
//! refunds (reversals), satisfaction surveys, and follow-up conversations.

use ebb_core::earnings::{self, Money, Payable, Span};
use ebb_core::{
    Actor, Author, BrandId, Conversation, ConversationId, ConversationState, Event, ExpertId,
    Instant, VisitorId,
};
use ebb_store::purchases::{self, Purchase};
use ebb_store::{Tx, conversations, csat, events, ledger, missions};

use super::with_retry;
use crate::{ApiError, AppState};

/// Writes the contact fee `closed` earns: to the expert who closed it, or to its last
/// owner when an admin closed it. A follow-up of a contact already paid within the purchase
/// window earns nothing more.
pub async fn pay_for_close(
    tx: &mut Tx,
    before: &Conversation,
    closed: &Conversation,
    window: time::Duration,
    now: Instant,
) -> Result<(), ApiError> {
    let ConversationState::Closed { by, .. } = closed.state else {
        return Ok(());
    };
    let payee = match by {
        Actor::Expert(e) => Some(e),
        _ => before.state.owner(),
    };
    let Some(expert) = payee else {
        return Ok(());
    };
    let brand = closed.brand_id;
    let spans = conversations::spans_for_visitor(tx, brand, closed.visitor_id).await?;
    let previous = spans
        .iter()
        .find(|(s, _)| s.id == closed.id)
        .and_then(|(_, p)| *p);
    let mut same_contact_paid = false;
    if let Some(prev) = previous {
        let ended = spans
            .iter()
            .find(|(s, _)| s.id == prev)
            .and_then(|(s, _)| s.closed_at);
        let within = ended.is_some_and(|end| closed.created_at <= end + window);
        let paid = ledger::for_conversation(tx, brand, prev).await?;
        same_contact_paid = within
            && paid
                .iter()
                .any(|e| e.earning.kind == earnings::EarningKind::ContactFee);
    }
    let existing = ledger::for_conversation(tx, brand, closed.id).await?;
    let payable = Payable::Closed {
        conversation: closed.id,
        payee: Some(expert),
        missions: missions::terms_for(tx, brand, expert).await?,
        same_contact_paid,
    };
    let existing: Vec<_> = existing.into_iter().map(|e| e.earning).collect();
    for earning in earnings::payouts(&payable, &existing) {
        record(tx, brand, &earning, now).await?;
    }
    Ok(())
}

/// Appends an earning to the ledger and, when it is new, announces it to the brand's
/// webhooks (`earning.recorded`) in the same transaction.
async fn record(
    tx: &mut Tx,
    brand: BrandId,
    earning: &earnings::Earning,
    now: Instant,
) -> Result<(), ApiError> {
    if ledger::append(tx, brand, earning, now).await? {
        let data = serde_json::to_value(earning).map_err(|e| ApiError::Internal(e.to_string()))?;
        crate::webhooks::enqueue_event(tx, brand, "earning.recorded", data, now).await?;
    }
    Ok(())
}

/// A purchase as reported.
#[derive(Clone, Debug)]
pub struct PurchaseReport {
    /// The brand's order id.
    pub order_id: String,
    /// Who bought.
    pub visitor: VisitorId,
    /// How much.
    pub amount: Money,
    /// When.
    pub purchased_at: Instant,
    /// True when the brand's server reports it (confirmed); false from the widget (pending).
    pub confirmed: bool,
}

/// Records a purchase once per order id. A confirmed one is attributed to the visitor's
/// conversation (during it or within the brand's window after it ended) and earns the last
/// expert who replied before it their commission. Returns the purchase and whether it was
/// already known.
pub async fn record_purchase(
    state: &AppState,
    brand: BrandId,
    report: PurchaseReport,
) -> Result<(Purchase, bool), ApiError> {
    with_retry(|| {
        let report = report.clone();
        async move {
            let now = state.clock.now();
            let mut tx = state.store.begin().await?;
            let window = super::brand_of(&mut tx, brand)
                .await?
                .settings
                .purchase_window();
            let existing = purchases::by_order_locked(&mut tx, brand, &report.order_id).await?;
            let mut purchase = match existing {
                Some(p) if p.amount != report.amount || p.visitor_id != report.visitor => {
                    return Err(ApiError::Conflict(format!(
                        "order {} was reported with other details",
                        report.order_id
                    )));
                }
                Some(p) if p.status != "pending" || !report.confirmed => return Ok((p, true)),
                Some(p) => p,
                None => {
                    let p = Purchase {
                        id: ebb_store::ids::new_id(),
                        order_id: report.order_id.clone(),
                        visitor_id: report.visitor,
                        amount: report.amount.clone(),
                        purchased_at: report.purchased_at,
                        status: "pending".into(),
                        source: if report.confirmed { "server" } else { "widget" }.into(),
                        conversation_id: None,
                        expert_id: None,
                    };
                    purchases::insert(&mut tx, brand, &p, now).await?;
                    p
                }
            };
            if report.confirmed {
                purchase.status = "confirmed".into();
                attribute(&mut tx, brand, &mut purchase, window, now).await?;
                purchases::update(&mut tx, brand, &purchase, now).await?;
            }
            tx.commit().await?;
            Ok((purchase, false))
        }
    })
    .await
}

async fn attribute(
    tx: &mut Tx,
    brand: BrandId,
    purchase: &mut Purchase,
    window: time::Duration,
    now: Instant,
) -> Result<(), ApiError> {
    let spans: Vec<Span> = conversations::spans_for_visitor(tx, brand, purchase.visitor_id)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let Some(conversation) = earnings::attribute(&spans, purchase.purchased_at, window) else {
        return Ok(());
    };
    purchase.conversation_id = Some(conversation);
    let replies = expert_replies(tx, brand, conversation).await?;
    let Some(expert) = earnings::credited_expert(&replies, purchase.purchased_at) else {
        return Ok(());
    };
    purchase.expert_id = Some(expert);
    let payable = Payable::Purchase {
        purchase: purchase.id,
        conversation,
        expert,
        amount: purchase.amount.clone(),
        missions: missions::terms_for(tx, brand, expert).await?,
    };
    let existing: Vec<_> = ledger::for_purchase(tx, brand, purchase.id)
        .await?
        .into_iter()
        .map(|e| e.earning)
        .collect();
    for earning in earnings::payouts(&payable, &existing) {
        record(tx, brand, &earning, now).await?;
    }
    Ok(())
}

async fn expert_replies(
    tx: &mut Tx,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<Vec<(Instant, ExpertId)>, ApiError> {
    let timeline = events::after(tx, brand, conversation, 0, u32::MAX).await?;
    Ok(timeline
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Message {
                author: Author::Expert(x),
                ..
            } => Some((e.at, x)),
            _ => None,
        })
        .collect())
}

/// Refunds or cancels an order: its commission, if any, is reversed once.
pub async fn refund(
    state: &AppState,
    brand: BrandId,
    order_id: &str,
) -> Result<Purchase, ApiError> {
    with_retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let mut purchase = purchases::by_order_locked(&mut tx, brand, order_id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        let existing: Vec<_> = ledger::for_purchase(&mut tx, brand, purchase.id)
            .await?
            .into_iter()
            .map(|e| e.earning)
            .collect();
        let payable = Payable::Refund {
            purchase: purchase.id,
        };
        for earning in earnings::payouts(&payable, &existing) {
            record(&mut tx, brand, &earning, now).await?;
        }
        purchase.status = "refunded".into();
        purchases::update(&mut tx, brand, &purchase, now).await?;
        tx.commit().await?;
        Ok(purchase)
    })
    .await
}

/// Stores the visitor's rating of their closed conversation, once.
pub async fn submit_csat(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
    id: ConversationId,
    rating: u8,
    comment: Option<String>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let conv = conversations::get(&mut tx, brand, id)
        .await?
        .filter(|c| c.visitor_id == visitor)
        .ok_or(ApiError::NotFound("conversation"))?;
    let ConversationState::Closed { by, .. } = conv.state else {
        return Err(ApiError::Conflict(
            "the survey opens when the conversation is closed".into(),
        ));
    };
    let expert = match by {
        Actor::Expert(e) => Some(e),
        _ => last_expert(&mut tx, brand, id).await?,
    };
    csat::insert(
        &mut tx,
        brand,
        id,
        visitor,
        expert,
        rating,
        comment.as_deref(),
        now,
    )
    .await
    .map_err(|e| match e {
        ebb_store::StoreError::Conflict(_) => {
            ApiError::Conflict("this conversation was already rated".into())
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

async fn last_expert(
    tx: &mut Tx,
    brand: BrandId,
    id: ConversationId,
) -> Result<Option<ExpertId>, ApiError> {
    Ok(expert_replies(tx, brand, id).await?.last().map(|(_, e)| *e))
}
