//! Experts: their availability status and capacity (shared by real-time and async work).

use serde::{Deserialize, Serialize};

use crate::{BrandId, DomainError, ExpertId};

/// The largest capacity an expert may be given.
pub const MAX_CAPACITY: u32 = 50;

/// Whether an expert takes new conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExpertStatus {
    /// Takes new conversations while a slot is free.
    Available,
    /// Logged in but takes no new conversations.
    Away,
    /// Not working.
    Offline,
}

impl ExpertStatus {
    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Away => "away",
            Self::Offline => "offline",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "available" => Some(Self::Available),
            "away" => Some(Self::Away),
            "offline" => Some(Self::Offline),
            _ => None,
        }
    }
}

/// An expert working for one brand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expert {
    /// Identity.
    pub id: ExpertId,
    /// The brand they work for.
    pub brand_id: BrandId,
    /// Display name shown to visitors.
    pub name: String,
    /// Login e-mail.
    pub email: String,
    /// How many conversations they hold at once (real-time and async alike).
    pub capacity: u32,
    /// Availability.
    pub status: ExpertStatus,
    /// At most this many of their slots hold async conversations (visitor not online);
    /// `null`: no cap. Never above the capacity (see [`crate::routing::async_cap`]).
    #[serde(default)]
    pub async_cap: Option<u32>,
}

/// Checks a capacity value an admin asks for.
pub fn validate_capacity(capacity: u32) -> Result<u32, DomainError> {
    if capacity > MAX_CAPACITY {
        Err(DomainError::InvalidCapacity { max: MAX_CAPACITY })
    } else {
        Ok(capacity)
    }
}
