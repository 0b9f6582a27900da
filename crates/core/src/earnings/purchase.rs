//! A purchase's life: who reported it (the widget or the brand's server), its status
//! (pending until the server confirms it, then confirmed, or refunded), and what a second
//! report of the same order does.

use serde::{Deserialize, Serialize};

use super::Money;
use crate::VisitorId;

/// Where a purchase is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    /// Reported by the page only: earns nothing until the brand's server confirms it.
    Pending,
    /// Reported (or confirmed) by the brand's server: it may earn a commission.
    Confirmed,
    /// Refunded or cancelled: any commission was reversed.
    Refunded,
}

impl PurchaseStatus {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Refunded => "refunded",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "confirmed" => Some(Self::Confirmed),
            "refunded" => Some(Self::Refunded),
            _ => None,
        }
    }
}

/// Who reported a purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PurchaseSource {
    /// The brand's page, through the widget (`Ebb.purchase(...)`).
    Widget,
    /// The brand's server, with an API key.
    Server,
}

impl PurchaseSource {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Server => "server",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "widget" => Some(Self::Widget),
            "server" => Some(Self::Server),
            _ => None,
        }
    }

    /// The status of a purchase first reported from here: the server's word confirms it,
    /// the page's waits for the server.
    pub fn first_status(self) -> PurchaseStatus {
        match self {
            Self::Widget => PurchaseStatus::Pending,
            Self::Server => PurchaseStatus::Confirmed,
        }
    }
}

/// The details that identify an order: a report with other details is not the same order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderDetails<'a> {
    /// Who bought.
    pub visitor: VisitorId,
    /// How much.
    pub amount: &'a Money,
}

/// What a new report of an order already on file does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// The brand's server confirms a pending purchase: the server's details replace the
    /// page's hint, then the purchase is attributed and paid.
    Confirm,
    /// The brand's server reports a confirmed order again with other details: refused.
    Conflict,
    /// Nothing changes; the stored purchase is the answer.
    Unchanged,
}

/// Decides what reporting `reported` from `source` does to a stored order with `status`
/// and `stored` details. The brand's server is the authority: a page (widget) report is
/// only a hint that never changes, conflicts with or pre-attributes anything; the server
/// confirms a pending order with its own details (whatever the hint said), and only a
/// second server report with other details than the server's own conflicts.
pub fn on_repeat(
    status: PurchaseStatus,
    stored: OrderDetails<'_>,
    reported: OrderDetails<'_>,
    source: PurchaseSource,
) -> Repeat {
    match (source, status) {
        (PurchaseSource::Widget, _) => Repeat::Unchanged,
        (PurchaseSource::Server, PurchaseStatus::Pending) => Repeat::Confirm,
        (PurchaseSource::Server, _) if stored != reported => Repeat::Conflict,
        (PurchaseSource::Server, _) => Repeat::Unchanged,
    }
}

#[cfg(test)]
mod tests;
