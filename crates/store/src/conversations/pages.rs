//! Pages of conversation lists, newest first by (created_at, id) after a [`Cursor`]: the
//! admin and server-to-server lists, a visitor's own, and an expert's history.

use ebb_core::{BrandId, Conversation, ExpertId, VisitorId};

use super::{COLUMNS, ConversationRow};
use crate::page::Cursor;
use crate::{Handle, Result, rows};

/// A page of `brand`'s conversations, newest first, after `before`: at most `limit`
/// (the admin and server-to-server lists).
pub async fn for_brand(
    h: &mut impl Handle,
    brand: BrandId,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Conversation>> {
    newest_first(h, brand, Only::All, before, limit).await
}

/// A page of the conversations of `brand` that `expert` handled (closed ones included, see
/// [`ebb_core::search::handler`]), newest first, after `before`.
pub async fn page_handled_by(
    h: &mut impl Handle,
    brand: BrandId,
    expert: ExpertId,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Conversation>> {
    newest_first(h, brand, Only::HandledBy(expert), before, limit).await
}

/// Which of the brand's conversations a page lists.
#[derive(Clone, Copy)]
enum Only {
    All,
    Visitor(VisitorId),
    HandledBy(ExpertId),
    Tagged(uuid::Uuid),
}

/// A page of `brand`'s conversations carrying the brand's tag `tag`, newest first, after
/// `before`: at most `limit` (the admin list filtered by tag).
pub async fn for_brand_tagged(
    h: &mut impl Handle,
    brand: BrandId,
    tag: uuid::Uuid,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Conversation>> {
    newest_first(h, brand, Only::Tagged(tag), before, limit).await
}

/// A page of a visitor's conversations, newest first, after `before`.
pub async fn page_for_visitor(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Conversation>> {
    newest_first(h, brand, Only::Visitor(visitor), before, limit).await
}

/// Runs a newest-first page query of `brand`'s conversations (only those of `only`):
/// `$1` brand, `$2`/`$3` the cursor, `$4` the limit and `$5` the visitor, expert or tag.
async fn newest_first(
    h: &mut impl Handle,
    brand: BrandId,
    only: Only,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Conversation>> {
    let (filter, with) = match only {
        Only::All => ("", None),
        Only::Visitor(v) => (" AND visitor_id = $5", Some(v.0)),
        Only::HandledBy(e) => (
            " AND id IN (SELECT conversation_id FROM conversation_experts \
             WHERE brand_id = $1 AND expert_id = $5)",
            Some(e.0),
        ),
        Only::Tagged(tag) => (
            " AND id IN (SELECT conversation_id FROM conversation_tags \
             WHERE brand_id = $1 AND tag_id = $5)",
            Some(tag),
        ),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations WHERE brand_id = $1 \
         AND (created_at < $2 OR (created_at = $2 AND id < $3)){filter} \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    );
    let before = before.unwrap_or_else(Cursor::newest);
    let mut params = rows::page_of(brand, before, limit).to_vec();
    params.extend(with.map(rows::Param::from));
    rows::all::<ConversationRow, _>(h, &sql, &params).await
}
