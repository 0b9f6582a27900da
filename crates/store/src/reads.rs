//! Read markers: how far each side (visitor, expert) of a conversation has read, by seq.
//! A marker only moves forward.

use ebb_core::{BrandId, ConversationId, Instant};
use serde::{Deserialize, Serialize};

use crate::timefmt::to_micros;
use crate::{Handle, Result};

/// Which side of a conversation read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The visitor.
    Visitor,
    /// The brand's side (the expert, or an admin reading as the brand).
    Expert,
}

impl Side {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visitor => "visitor",
            Self::Expert => "expert",
        }
    }
}

/// Both read markers of a conversation (0: nothing read yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadMarkers {
    /// Highest seq the visitor has read.
    pub visitor: u64,
    /// Highest seq the expert side has read.
    pub expert: u64,
}

/// Moves `side`'s marker to `seq` unless it is already there or further.
pub async fn mark(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    side: Side,
    seq: u64,
    now: Instant,
) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO conversation_reads (brand_id, conversation_id, side, seq, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (conversation_id, side) DO UPDATE \
         SET seq = excluded.seq, updated_at = excluded.updated_at \
         WHERE conversation_reads.seq < excluded.seq"
        )
        .bind(brand.0)
        .bind(conversation.0)
        .bind(side.as_str())
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(to_micros(now))
    )?;
    Ok(())
}

/// The read markers of a conversation.
pub async fn markers(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<ReadMarkers> {
    let rows: Vec<(String, i64)> = run!(h, |c| sqlx::query_as(
        "SELECT side, seq FROM conversation_reads WHERE brand_id = $1 AND conversation_id = $2"
    )
    .bind(brand.0)
    .bind(conversation.0)
    .fetch_all(c)
    .await)?;
    let mut out = ReadMarkers::default();
    for (side, seq) in rows {
        let seq = u64::try_from(seq).unwrap_or(0);
        match side.as_str() {
            "visitor" => out.visitor = seq,
            _ => out.expert = seq,
        }
    }
    Ok(out)
}
