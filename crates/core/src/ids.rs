//! Typed identifiers: one UUID newtype per noun so ids cannot be mixed up. Core never
//! makes ids (it has no clock nor randomness): the edges do (`ebb_store::ids`) and hand
//! them in through `From<Uuid>`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        #[cfg(any(test, feature = "test-ids"))]
        impl $name {
            /// A fresh random id, for tests only.
            #[expect(clippy::disallowed_methods, reason = "test-only ids")]
            #[expect(clippy::new_without_default, reason = "no default id outside tests")]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A brand: the tenant. Every row and query is scoped by it.
    BrandId
);
id_type!(
    /// An expert (human agent) working for a brand.
    ExpertId
);
id_type!(
    /// A brand administrator.
    AdminId
);
id_type!(
    /// An anonymous visitor of a brand's website.
    VisitorId
);
id_type!(
    /// A conversation between a visitor and the brand.
    ConversationId
);
id_type!(
    /// A brand's mission: the terms experts are paid under.
    MissionId
);
id_type!(
    /// A purchase reported by a brand.
    PurchaseId
);
id_type!(
    /// An internal note on a conversation (experts and admins only).
    NoteId
);
