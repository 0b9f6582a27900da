//! Who performs a command: a visitor, an expert, a brand admin or the system itself.

use serde::{Deserialize, Serialize};

use crate::{AdminId, ExpertId, VisitorId};

/// The author of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// The conversation's visitor.
    Visitor(VisitorId),
    /// An expert of the brand.
    Expert(ExpertId),
    /// A brand administrator.
    Admin(AdminId),
    /// Ebb itself (scheduler, automatic messages).
    System,
}
