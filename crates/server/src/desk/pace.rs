//! Real-time or async: marks routing's loads from visitor presence, so core's
//! async cap ([`ebb_core::routing::async_cap`]) can keep slots for real-time visitors; and
//! refuses a hand move of an async conversation to an expert at their cap; routes again
//! when a visitor with a queued conversation comes online.

use ebb_core::routing::ExpertLoad;
use ebb_core::{BrandId, Conversation, ConversationState, ExpertId, VisitorId};
use ebb_store::{Handle, conversations, experts};

use super::{route, with_retry};
use crate::presence::Presence;
use crate::{ApiError, AppState};

/// Counts each expert's assigned conversations whose visitor is not online
/// (`async_held`); routing marks its queue window real-time from presence. Skipped when no
/// expert of the brand has a cap: nothing would read it. Returns whether some expert has one.
pub async fn pace_loads(
    h: &mut impl Handle,
    brand: BrandId,
    presence: &Presence,
    loads: &mut [ExpertLoad],
) -> Result<bool, ApiError> {
    if loads.iter().all(|l| l.async_cap.is_none()) {
        return Ok(false);
    }
    for p in conversations::pacing(h, brand).await? {
        if presence.is_online(brand, p.visitor) {
            continue;
        }
        if let Some(load) = loads.iter_mut().find(|l| l.id == p.holder) {
            load.async_held += 1;
        }
    }
    Ok(true)
}

/// Refuses to move `conv` by hand to `to` (among `loads`) when it is async and `to` is at
/// their async cap (core's [`ExpertLoad::check_async_room`]); any other refusal is core's.
pub async fn check_hand_move(
    h: &mut impl Handle,
    presence: &Presence,
    loads: &[ExpertLoad],
    conv: &Conversation,
    to: ExpertId,
) -> Result<(), ApiError> {
    let Some(target) = loads.iter().find(|l| l.id == to && l.async_cap.is_some()) else {
        return Ok(());
    };
    let mut one = [*target];
    pace_loads(h, conv.brand_id, presence, &mut one).await?;
    let realtime = presence.is_online(conv.brand_id, conv.visitor_id);
    Ok(one[0].check_async_room(realtime)?)
}

/// A visitor's widget connected: when one of their conversations waits in the queue (an
/// async conversation an expert's cap held back is now real-time) and some expert of the
/// brand has a cap, the brand is routed again so it can take a slot kept for real-time
/// visitors.
pub async fn visitor_online(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    let mine = conversations::for_visitor(&mut conn, brand, visitor).await?;
    let queued = mine
        .iter()
        .any(|c| matches!(c.state, ConversationState::Queued { .. }));
    // Without a cap, being online changes nothing routing decides: no brand lock taken.
    if !queued
        || !experts::list(&mut conn, brand)
            .await?
            .iter()
            .any(|e| e.async_cap.is_some())
    {
        return Ok(());
    }
    drop(conn);
    let routed = with_retry(|| async {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let routed = route(&mut tx, brand, now, &state.presence).await?;
        tx.commit().await?;
        Ok(routed)
    })
    .await?;
    for (conv, entries) in &routed {
        state.bus.publish(super::routed_hint(conv, entries, None));
    }
    Ok(())
}
