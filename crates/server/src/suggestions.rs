//! The playbook's next steps as the server sends them for an expert's conversations: over
//! HTTP (`GET /api/v1/expert/suggestions`) and inside the `presence` frames an expert
//! receives, so a panel's suggestion changes with the same frame as its presence dot.

use std::collections::HashMap;

use ebb_core::playbook;
use ebb_core::{BrandId, Conversation, ConversationId, ExpertId, VisitorId};
use ebb_store::conversations;
use ebb_store::{Conn, saved_replies};

use crate::api::expert::lifecycle::SuggestionView;
use crate::{ApiError, AppState};

/// The suggestion for each of `conversations` (of brand `brand`) the playbook has one for
/// (assigned ones), with the visitor's presence told by `online`.
pub async fn of(
    state: &AppState,
    conn: &mut Conn,
    brand: BrandId,
    conversations: &[Conversation],
    online: impl Fn(&Conversation) -> bool,
) -> Result<HashMap<ConversationId, SuggestionView>, ApiError> {
    let settings = crate::api::found::brand(conn, brand).await?.settings;
    let replies = saved_replies::list(conn, brand).await?;
    let now = state.clock.now();
    let budget = settings.budget();
    Ok(conversations
        .iter()
        .filter_map(|c| {
            let suggestion = playbook::suggest(c, online(c), budget, now)?;
            Some((c.id, SuggestionView::new(suggestion, &replies)))
        })
        .collect())
}

/// For a `presence` frame: `None` when `expert` holds no conversation with `visitor` (they
/// get no frame), else the suggestions for those conversations decided with `online`, or
/// `Some(None)` when they could not be read (the frame goes without them).
pub async fn with_visitor(
    state: &AppState,
    brand: BrandId,
    expert: ExpertId,
    visitor: VisitorId,
    online: bool,
) -> Option<Option<HashMap<ConversationId, SuggestionView>>> {
    let mut conn = state.store.conn().await.ok()?;
    let mut theirs = conversations::for_expert(&mut conn, brand, expert)
        .await
        .ok()?;
    theirs.retain(|c| c.visitor_id == visitor);
    if theirs.is_empty() {
        return None;
    }
    Some(of(state, &mut conn, brand, &theirs, |_| online).await.ok())
}
