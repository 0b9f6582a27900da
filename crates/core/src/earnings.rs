//! Earnings rules: what a mission pays, and the ledger entries an occurrence creates, never
//! twice for the same thing. Follow-up chains (which expert a purchase credits, when a
//! follow-up is the same contact) live in [`chain`], a purchase's life in [`purchase`].

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::{Actor, ConversationId, DomainError, ExpertId, Instant, MissionId, PurchaseId};

pub mod chain;
pub mod purchase;

pub use chain::{
    Credit, Reply, Span, attribute, credit, credited_expert, linked, same_contact_paid,
};
pub use purchase::{OrderDetails, PurchaseSource, PurchaseStatus, Repeat, on_repeat};

/// Default commission window after a conversation ends.
pub const DEFAULT_WINDOW_HOURS: i64 = 48;
/// Basis points in 100 %.
pub const FULL_BP: i64 = 10_000;

/// The largest amount accepted anywhere, in minor units: 10^12 (ten billion in a
/// two-decimal currency). Sums of amounts under it are computed without overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000;

/// An amount of money: integer minor units (cents) and an ISO 4217 currency code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units; negative for reversals.
    pub minor: i64,
    /// Three upper-case letters, e.g. `EUR`.
    pub currency: String,
}

impl Money {
    /// Checks the currency code and that the amount is 0 to [`MAX_MINOR`].
    pub fn parse(minor: i64, currency: &str) -> Result<Self, DomainError> {
        let valid = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase());
        if !valid {
            return Err(DomainError::InvalidMoney(
                "currency must be 3 upper-case letters",
            ));
        }
        if minor < 0 {
            return Err(DomainError::InvalidMoney("amount must not be negative"));
        }
        if minor > MAX_MINOR {
            return Err(DomainError::InvalidMoney(
                "amount must be at most 1000000000000 minor units",
            ));
        }
        Ok(Self {
            minor,
            currency: currency.to_owned(),
        })
    }
}

/// Sums minor units exactly (in `i128`, which no number of `i64` amounts a store can hold
/// overflows), then saturates at the bounds of `i64` for the answer: with every amount at
/// most [`MAX_MINOR`], a sum saturates only past 9.2 million amounts at the cap.
pub fn sum_minor(amounts: impl IntoIterator<Item = i64>) -> i64 {
    let sum: i128 = amounts.into_iter().map(i128::from).sum();
    saturate(sum)
}

/// An `i128` sum as `i64`, saturated at its bounds.
pub fn saturate(sum: i128) -> i64 {
    i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
}

/// A mission an expert works under, as earnings see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissionTerms {
    /// The mission.
    pub id: MissionId,
    /// Fixed fee per closed conversation, if contact-based.
    pub contact_fee: Option<Money>,
    /// Commission in basis points of a purchase (250 = 2.5 %), if commission-based.
    pub commission_bp: Option<i64>,
    /// When the expert joined it (the earliest joined mission pays first).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub joined_at: Instant,
}

fn first_joined<T>(
    missions: &[MissionTerms],
    pick: impl Fn(&MissionTerms) -> Option<T>,
) -> Option<(MissionId, T)> {
    let mut sorted: Vec<&MissionTerms> = missions.iter().collect();
    sorted.sort_by_key(|m| (m.joined_at, m.id));
    sorted.into_iter().find_map(|m| pick(m).map(|v| (m.id, v)))
}

/// What one purchase earns: `bp` basis points of `amount`, rounded down to the minor unit.
pub fn commission_of(amount: &Money, bp: i64) -> Money {
    let minor = i128::from(amount.minor) * i128::from(bp) / i128::from(FULL_BP);
    Money {
        minor: i64::try_from(minor).unwrap_or(i64::MAX),
        currency: amount.currency.clone(),
    }
}

/// What happened that may pay an expert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payable {
    /// A conversation was closed; `payee` is the expert who closed it (or held it when an
    /// admin closed it). `same_contact_paid` is true when it continues a contact already
    /// paid to the same payee (see [`same_contact_paid`]; [`contact_fee`] computes it).
    Closed {
        /// The conversation.
        conversation: ConversationId,
        /// Who earns the contact fee.
        payee: Option<ExpertId>,
        /// The payee's missions.
        missions: Vec<MissionTerms>,
        /// A follow-up of an already paid contact.
        same_contact_paid: bool,
    },
    /// A confirmed purchase, attributed to a conversation and credited to an expert.
    Purchase {
        /// The purchase.
        purchase: PurchaseId,
        /// Its conversation.
        conversation: ConversationId,
        /// The credited expert.
        expert: ExpertId,
        /// Its amount.
        amount: Money,
        /// The expert's missions.
        missions: Vec<MissionTerms>,
    },
    /// A purchase was refunded or cancelled.
    Refund {
        /// The purchase.
        purchase: PurchaseId,
    },
}

/// Kind of ledger entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EarningKind {
    /// A contact-based fee for a closed conversation.
    ContactFee,
    /// A commission on a purchase.
    Commission,
    /// The reversal of a refunded purchase's commission.
    CommissionReversal,
}

impl EarningKind {
    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContactFee => "contact_fee",
            Self::Commission => "commission",
            Self::CommissionReversal => "commission_reversal",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "contact_fee" => Some(Self::ContactFee),
            "commission" => Some(Self::Commission),
            "commission_reversal" => Some(Self::CommissionReversal),
            _ => None,
        }
    }
}

/// One ledger entry (append-only; balances are sums of entries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Earning {
    /// Who earns.
    pub expert: ExpertId,
    /// Under which mission.
    pub mission: MissionId,
    /// Why.
    pub kind: EarningKind,
    /// How much (negative for a reversal).
    pub amount: Money,
    /// The conversation it relates to.
    pub conversation: Option<ConversationId>,
    /// The purchase it relates to.
    pub purchase: Option<PurchaseId>,
}

/// The entries `payable` adds to a ledger that already holds `existing`: a conversation
/// earns at most one contact fee, a purchase at most one commission and one reversal (and
/// a reversal only of a commission that was paid).
pub fn payouts(payable: &Payable, existing: &[Earning]) -> Vec<Earning> {
    let has = |kind: EarningKind, pred: &dyn Fn(&Earning) -> bool| {
        existing.iter().any(|e| e.kind == kind && pred(e))
    };
    match payable {
        Payable::Closed {
            conversation,
            payee,
            missions,
            same_contact_paid,
        } => {
            let paid = has(EarningKind::ContactFee, &|e| {
                e.conversation == Some(*conversation)
            });
            let (Some(expert), false, false) = (payee, paid, *same_contact_paid) else {
                return Vec::new();
            };
            first_joined(missions, |m| m.contact_fee.clone())
                .map(|(mission, amount)| Earning {
                    expert: *expert,
                    mission,
                    kind: EarningKind::ContactFee,
                    amount,
                    conversation: Some(*conversation),
                    purchase: None,
                })
                .into_iter()
                .collect()
        }
        Payable::Purchase {
            purchase,
            conversation,
            expert,
            amount,
            missions,
        } => {
            if has(EarningKind::Commission, &|e| e.purchase == Some(*purchase)) {
                return Vec::new();
            }
            first_joined(missions, |m| m.commission_bp)
                .map(|(mission, bp)| Earning {
                    expert: *expert,
                    mission,
                    kind: EarningKind::Commission,
                    amount: commission_of(amount, bp),
                    conversation: Some(*conversation),
                    purchase: Some(*purchase),
                })
                .into_iter()
                .collect()
        }
        Payable::Refund { purchase } => {
            if has(EarningKind::CommissionReversal, &|e| {
                e.purchase == Some(*purchase)
            }) {
                return Vec::new();
            }
            existing
                .iter()
                .filter(|e| e.kind == EarningKind::Commission && e.purchase == Some(*purchase))
                .map(|paid| Earning {
                    kind: EarningKind::CommissionReversal,
                    amount: Money {
                        minor: -paid.amount.minor,
                        currency: paid.amount.currency.clone(),
                    },
                    ..paid.clone()
                })
                .collect()
        }
    }
}

/// Who earns a close's contact fee: the expert who closed it, or the expert who held it
/// (`holder`) when an admin or the system closed it.
pub fn close_payee(by: Actor, holder: Option<ExpertId>) -> Option<ExpertId> {
    match by {
        Actor::Expert(e) => Some(e),
        _ => holder,
    }
}

/// Who a satisfaction rating counts for: the expert who closed the conversation, or, when
/// an admin or the system closed it, the last expert who replied in it.
pub fn rated_expert(by: Actor, replies: &[Reply]) -> Option<ExpertId> {
    match by {
        Actor::Expert(e) => Some(e),
        _ => replies.iter().max_by_key(|r| r.at).map(|r| r.expert),
    }
}

/// The contact fee (if any) `payee` earns for closing conversation `id`, given the visitor's
/// conversations `spans`, the contact fees already paid for them (`fees`) and the payee's
/// missions: none when the conversation was already paid, or when it is a follow-up of a
/// contact already paid to the same payee within `window` (see [`same_contact_paid`]).
pub fn contact_fee(
    spans: &[Span],
    fees: &[Earning],
    id: ConversationId,
    payee: ExpertId,
    missions: Vec<MissionTerms>,
    window: Duration,
) -> Vec<Earning> {
    let payable = Payable::Closed {
        conversation: id,
        payee: Some(payee),
        missions,
        same_contact_paid: same_contact_paid(spans, fees, id, payee, window),
    };
    payouts(&payable, fees)
}

#[cfg(test)]
pub(crate) mod tests;
