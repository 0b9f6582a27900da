//! Read receipts and typing indicators, shared by the HTTP endpoints and the WebSocket:
//! read markers are stored (they only move forward) then signalled; typing is only signalled.

use ebb_core::{BrandId, Conversation, ConversationId};
use ebb_store::reads::{self, ReadMarkers, Side};
use ebb_store::{Handle, conversations};

use crate::bus::{Hint, Signal};
use crate::{ApiError, AppState};

async fn visible(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
    can_see: impl FnOnce(&Conversation) -> bool,
) -> Result<Conversation, ApiError> {
    conversations::get(h, brand, id)
        .await?
        .filter(|c| can_see(c))
        .ok_or(ApiError::NotFound("conversation"))
}

/// Marks `side` as having read `id` up to `seq`; returns both markers.
pub async fn mark_read(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    side: Side,
    seq: u64,
    can_see: impl FnOnce(&Conversation) -> bool,
) -> Result<ReadMarkers, ApiError> {
    let mut tx = state.store.begin().await?;
    let conv = visible(&mut tx, brand, id, can_see).await?;
    if seq > conv.last_seq {
        return Err(ApiError::SeqOutOfRange {
            seq,
            last: conv.last_seq,
        });
    }
    reads::mark(&mut tx, brand, id, side, seq, state.clock.now()).await?;
    let markers = reads::markers(&mut tx, brand, id).await?;
    tx.commit().await?;
    let now_at = match side {
        Side::Visitor => markers.visitor,
        Side::Expert => markers.expert,
    };
    if now_at == seq {
        state.bus.signal(Signal::Read {
            at: Hint::of(&conv, None),
            by: side,
            seq,
        });
    }
    Ok(markers)
}

/// The read markers of a conversation the caller may see.
pub async fn markers(
    h: &mut impl Handle,
    brand: BrandId,
    id: ConversationId,
) -> Result<ReadMarkers, ApiError> {
    Ok(reads::markers(h, brand, id).await?)
}

/// Tells the other side that `side` started or stopped typing in `id`.
pub async fn typing(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    side: Side,
    typing: bool,
    can_see: impl FnOnce(&Conversation) -> bool,
) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    let conv = visible(&mut conn, brand, id, can_see).await?;
    state.bus.signal(Signal::Typing {
        at: Hint::of(&conv, None),
        from: side,
        typing,
    });
    Ok(())
}
