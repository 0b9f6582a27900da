//! Transfer: the expert holding a conversation hands it to a colleague or back to the
//! brand queue. Core decides (holder, brand, availability, capacity); this loads the
//! colleague's load, stores the result and routes the brand queue.

use ebb_core::conversation::{TransferNote, TransferTarget};
use ebb_core::{BrandId, Command, ConversationId, ExpertId};
use ebb_store::jobs::SNOOZE_EXPIRY;
use ebb_store::{conversations, experts, jobs};

use super::{Outcome, finish, route, save, with_retry};
use crate::{ApiError, AppState};

/// Transfers conversation `id`, held by `by`, to expert `to` (or none: the brand queue).
/// A conversation the expert does not own is not found; an unknown colleague too.
pub async fn transfer(
    state: &AppState,
    brand: BrandId,
    id: ConversationId,
    by: ExpertId,
    to: Option<ExpertId>,
    note: Option<TransferNote>,
) -> Result<Outcome, ApiError> {
    with_retry(|| {
        let note = note.clone();
        async move {
            let now = state.clock.now();
            let mut tx = state.store.begin().await?;
            let loads = experts::loads_locked(&mut tx, brand).await?;
            let conv = conversations::get_locked(&mut tx, brand, id)
                .await?
                .filter(|c| c.state.owner() == Some(by))
                .ok_or(ApiError::NotFound("conversation"))?;
            if let Some(to) = to {
                super::pace::check_hand_move(&mut tx, &state.presence, &loads, &conv, to).await?;
            }
            let target = match to {
                None => None,
                Some(to) => Some(match loads.iter().find(|l| l.id == to) {
                    Some(load) => TransferTarget {
                        expert: to,
                        brand,
                        status: load.status,
                        enabled: true,
                        slots: load.slots,
                    },
                    None if experts::disabled(&mut tx, brand).await?.contains(&to) => {
                        TransferTarget {
                            expert: to,
                            brand,
                            status: ebb_core::ExpertStatus::Offline,
                            enabled: false,
                            slots: ebb_core::slots::Slots {
                                held: 0,
                                capacity: 0,
                            },
                        }
                    }
                    None => return Err(ApiError::NotFound("expert")),
                }),
            };
            let (next, entries) = conv.decide(
                Command::Transfer {
                    by,
                    to: target,
                    note,
                },
                now,
            )?;
            let requeued = to.is_none().then_some(now);
            save(&mut tx, &conv, &next, &entries, requeued, now).await?;
            jobs::cancel(&mut tx, brand, SNOOZE_EXPIRY, id).await?;
            let routed = route(&mut tx, brand, now, &state.presence).await?;
            finish(state, tx, next, entries, routed, Some(by)).await
        }
    })
    .await
}
