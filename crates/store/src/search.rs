//! Full-text search over a brand's conversations (migration 0014): SQLite's FTS5 table
//! `events_search`, PostgreSQL's GIN-indexed `events.search`, one API (the backends' SQL
//! is in `search/matches.rs`). Also who handled a conversation (`conversation_experts`),
//! which bounds what an expert may find and read.

use ebb_core::search::{NewestPerConversation, SearchQuery, handler, snippet};
use ebb_core::{BrandId, ConversationId, Entry, ExpertId, Instant, Status, VisitorId};
use uuid::Uuid;

use crate::page::Cursor;
use crate::timefmt::to_micros;
use crate::{Handle, Result, rows};

mod matches;

use matches::{Matched, Matches};

/// Whose conversations a search covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole brand (admins).
    Brand,
    /// Only those this expert handled (see [`ebb_core::search::handler`]).
    HandledBy(ExpertId),
}

/// One conversation that matched: its newest matching entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its status now.
    pub status: Status,
    /// Its visitor.
    pub visitor: VisitorId,
    /// The matching entry's seq in the timeline.
    pub seq: u64,
    /// The matching entry's position among all events (what pages are ordered by).
    pub pos: i64,
    /// When the matching entry was written.
    pub matched_at: Instant,
    /// Text around the match, each match between [`ebb_core::search::MATCH_START`] and
    /// [`ebb_core::search::MATCH_END`].
    pub snippet: String,
}

impl Hit {
    /// The cursor of a page ending with this result: its newest match's position.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.pos,
            id: self.conversation.0,
        }
    }
}

/// Records that the experts these entries show handling the conversation did (first time
/// kept); called by [`crate::events::append`].
pub(crate) async fn note_handlers(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    entries: &[Entry],
) -> Result<()> {
    for entry in entries {
        let Some(expert) = handler(&entry.event) else {
            continue;
        };
        let sql = "INSERT INTO conversation_experts (brand_id, conversation_id, expert_id, since) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
        let params = [
            brand.0.into(),
            conversation.0.into(),
            expert.0.into(),
            to_micros(entry.at).into(),
        ];
        rows::execute(h, sql, &params).await?;
    }
    Ok(())
}

/// Did `expert` ever handle this conversation of `brand`?
pub async fn handled_by(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    conversation: ConversationId,
) -> Result<bool> {
    let sql = "SELECT conversation_id FROM conversation_experts \
               WHERE brand_id = $1 AND expert_id = $2 AND conversation_id = $3";
    let params = [brand.0.into(), expert.0.into(), conversation.0.into()];
    Ok(!rows::column::<Uuid>(h, sql, &params).await?.is_empty())
}

/// The first chunk of matches read for a page of `limit`: enough for the page when every
/// conversation matches a few times.
fn first_chunk(limit: u32) -> u32 {
    limit.saturating_add(1).saturating_mul(2).max(64)
}

/// A page of `brand`'s conversations matching `query` within `scope`, newest match first,
/// after `before` (a previous page's last [`Hit::cursor`]): at most `limit`. Matches are
/// read newest first in bounded chunks from the newest until the page is full, so a page
/// costs the matches down to its last result (earlier pages' included), not every match;
/// snippets are made for the page's rows only.
pub async fn search(
    h: &mut impl Handle,
    brand: BrandId,
    scope: Scope,
    query: &SearchQuery,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Hit>> {
    let mut matches = Matches::new(h, brand, scope, query, first_chunk(limit));
    let capacity = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut page = NewestPerConversation::new(before.map(|c| c.at), capacity);
    while !page.is_full() {
        let Some(chunk) = matches.next(h).await? else {
            break;
        };
        for m in chunk {
            let Some(entry) = m.entry else { continue };
            page.offer(m.pos, entry.conversation, || hit(m.pos, entry, query));
        }
    }
    Ok(page.into_hits())
}

/// The result for `entry`, the newest match (at `pos`) of its conversation.
fn hit(pos: i64, entry: Matched, query: &SearchQuery) -> Hit {
    Hit {
        conversation: ConversationId(entry.conversation),
        status: entry.status,
        visitor: entry.visitor,
        seq: entry.seq,
        pos,
        matched_at: entry.at,
        snippet: snippet(&entry.text, query),
    }
}
