//! Money on the desk: loads what the earnings rules in `ebb_core::earnings` need, calls
//! them, and writes their results: the contact fee a close earns (in the close's own
//! transaction), purchases and their commission, refunds (reversals), satisfaction surveys.

use ebb_core::earnings::{
    self, Money, OrderDetails, Payable, PurchaseSource, PurchaseStatus, Repeat, Reply,
};
use ebb_core::{BrandId, Conversation, ConversationId, ConversationState, Instant, VisitorId};
use ebb_store::purchases::{self, Purchase};
use ebb_store::{Tx, conversations, csat, events, ledger, missions};

use super::with_retry;
use crate::{ApiError, AppState};

/// Writes the contact fee `closed` earns: to the expert who closed it, or to its last
/// owner when an admin closed it; core decides whether it continues a contact already paid
/// (a follow-up closed by the same expert within the window) or is a new one.
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
    let Some(payee) = earnings::close_payee(by, before.state.owner()) else {
        return Ok(());
    };
    let (brand, visitor) = (closed.brand_id, closed.visitor_id);
    conversations::set_closer(tx, brand, closed.id, payee).await?;
    let spans = conversations::spans_for_visitor(tx, brand, visitor).await?;
    let fees = earnings_of(ledger::contact_fees_for_visitor(tx, brand, visitor).await?);
    let missions = missions::terms_for(tx, brand, payee).await?;
    for earning in earnings::contact_fee(&spans, &fees, closed.id, payee, missions, window) {
        record(tx, brand, &earning, now).await?;
    }
    Ok(())
}

fn earnings_of(entries: Vec<ledger::Entry>) -> Vec<earnings::Earning> {
    entries.into_iter().map(|e| e.earning).collect()
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
    /// Who reports it: the brand's server (confirmed) or the widget (pending).
    pub source: PurchaseSource,
}

/// Records a purchase once per order id (core decides what a repeated report does: the
/// brand's server is the authority, a page's report only a hint; when the server confirms
/// a pending order its details replace the hint's). A confirmed one is credited by core to the last expert who replied to the visitor before
/// it, across their linked conversations, and earns them their commission. Returns the
/// purchase and whether it was already known.
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
                Some(p) => match repeat_of(&p, &report) {
                    Repeat::Conflict => {
                        return Err(ApiError::Conflict(format!(
                            "order {} was reported with other details",
                            report.order_id
                        )));
                    }
                    Repeat::Unchanged => return Ok((answer_to(&report, p), true)),
                    Repeat::Confirm => Purchase {
                        visitor_id: report.visitor,
                        amount: report.amount.clone(),
                        purchased_at: report.purchased_at,
                        ..p
                    },
                },
                None => {
                    let p = new_purchase(&report);
                    purchases::insert(&mut tx, brand, &p, now).await?;
                    p
                }
            };
            if report.source.first_status() == PurchaseStatus::Confirmed {
                purchase.status = PurchaseStatus::Confirmed;
                attribute(&mut tx, brand, &mut purchase, window, now).await?;
                purchases::update(&mut tx, brand, &purchase, now).await?;
            }
            tx.commit().await?;
            Ok((purchase, false))
        }
    })
    .await
}

fn repeat_of(stored: &Purchase, report: &PurchaseReport) -> Repeat {
    let details = |visitor, amount| OrderDetails { visitor, amount };
    earnings::on_repeat(
        stored.status,
        details(stored.visitor_id, &stored.amount),
        details(report.visitor, &report.amount),
        report.source,
    )
}

/// The answer to a report of an order on file: the stored purchase, except to a page
/// whose visitor is not the buyer, which gets its own hint back (unsaved), so guessing an
/// order id tells an anonymous visitor nothing about another visitor's purchase.
fn answer_to(report: &PurchaseReport, stored: Purchase) -> Purchase {
    if report.source == PurchaseSource::Widget && stored.visitor_id != report.visitor {
        new_purchase(report)
    } else {
        stored
    }
}

/// A purchase first reported: pending, until attributed when the server's word confirms it.
fn new_purchase(report: &PurchaseReport) -> Purchase {
    Purchase {
        id: ebb_store::ids::new_id(),
        order_id: report.order_id.clone(),
        visitor_id: report.visitor,
        amount: report.amount.clone(),
        purchased_at: report.purchased_at,
        status: PurchaseStatus::Pending,
        source: report.source,
        conversation_id: None,
        expert_id: None,
    }
}

async fn attribute(
    tx: &mut Tx,
    brand: BrandId,
    purchase: &mut Purchase,
    window: time::Duration,
    now: Instant,
) -> Result<(), ApiError> {
    let visitor = purchase.visitor_id;
    let spans = conversations::spans_for_visitor(tx, brand, visitor).await?;
    let replies = events::expert_replies(tx, brand, visitor).await?;
    let Some(credit) = earnings::credit(&spans, &replies, purchase.purchased_at, window) else {
        return Ok(());
    };
    purchase.conversation_id = Some(credit.conversation);
    let Some(expert) = credit.expert else {
        return Ok(());
    };
    purchase.expert_id = Some(expert);
    let payable = Payable::Purchase {
        purchase: purchase.id,
        conversation: credit.conversation,
        expert,
        amount: purchase.amount.clone(),
        missions: missions::terms_for(tx, brand, expert).await?,
    };
    let existing = earnings_of(ledger::for_purchase(tx, brand, purchase.id).await?);
    for earning in earnings::payouts(&payable, &existing) {
        record(tx, brand, &earning, now).await?;
    }
    Ok(())
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
        let existing = earnings_of(ledger::for_purchase(&mut tx, brand, purchase.id).await?);
        let payable = Payable::Refund {
            purchase: purchase.id,
        };
        for earning in earnings::payouts(&payable, &existing) {
            record(&mut tx, brand, &earning, now).await?;
        }
        purchase.status = PurchaseStatus::Refunded;
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
    let replies: Vec<Reply> = events::expert_replies(&mut tx, brand, visitor)
        .await?
        .into_iter()
        .filter(|r| r.conversation == id)
        .collect();
    let expert = earnings::rated_expert(by, &replies);
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
