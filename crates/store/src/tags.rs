//! A brand's tags and the tags on its conversations. Deleting a tag takes it off every
//! conversation of the brand.

use std::collections::BTreeSet;

use ebb_core::tag::TagName;
use ebb_core::{BrandId, ConversationId, Instant};
use serde::Serialize;
use uuid::Uuid;

use crate::page::Cursor;
use crate::rows;
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

/// One tag of a brand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    /// Identity.
    pub id: Uuid,
    /// Its name, unique in the brand.
    pub name: TagName,
    /// When the admin defined it.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
}

#[derive(sqlx::FromRow)]
struct TagRow {
    id: Uuid,
    name: String,
    created_at: i64,
}

row_into!(TagRow, Tag, |r| Ok(Tag {
    id: r.id,
    name: TagName::parse(&r.name).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    created_at: from_micros(r.created_at)?,
}));

/// Stores a new tag of `brand`; a name the brand has is a `Conflict`.
pub async fn insert(h: &mut impl Handle, brand: BrandId, tag: &Tag) -> Result<()> {
    let sql = "INSERT INTO tags (id, brand_id, name, created_at) VALUES ($1, $2, $3, $4)";
    let params = [
        tag.id.into(),
        brand.0.into(),
        tag.name.as_str().into(),
        to_micros(tag.created_at).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// How many tags `brand` defines.
pub async fn count(h: &mut impl Handle, brand: BrandId) -> Result<usize> {
    let sql = "SELECT COUNT(*) FROM tags WHERE brand_id = $1";
    let n: Vec<i64> = rows::column(h, sql, &[brand.0.into()]).await?;
    let n = n.first().copied().unwrap_or(0);
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Up to `limit` tags of `brand`, oldest first, after `after`.
pub async fn page(
    h: &mut impl Handle,
    brand: BrandId,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Tag>> {
    let after = after.unwrap_or_else(Cursor::oldest);
    let sql = "SELECT id, name, created_at FROM tags WHERE brand_id = $1 \
               AND (created_at > $2 OR (created_at = $2 AND id > $3)) ORDER BY created_at, id \
               LIMIT $4";
    rows::all::<TagRow, _>(h, sql, &rows::page_of(brand, after, limit)).await
}

/// The tag `id` of `brand`, if it has one.
pub async fn get(h: &mut impl Handle, brand: BrandId, id: Uuid) -> Result<Option<Tag>> {
    let sql = "SELECT id, name, created_at FROM tags WHERE brand_id = $1 AND id = $2";
    rows::one::<TagRow, _>(h, sql, &[brand.0.into(), id.into()]).await
}

/// Deletes the tag `id` of `brand` and takes it off its conversations; whether it existed.
pub async fn delete(h: &mut impl Handle, brand: BrandId, id: Uuid) -> Result<bool> {
    let params = [brand.0.into(), id.into()];
    let untag = "DELETE FROM conversation_tags WHERE brand_id = $1 AND tag_id = $2";
    rows::execute(h, untag, &params).await?;
    let sql = "DELETE FROM tags WHERE brand_id = $1 AND id = $2";
    rows::execute_one(h, sql, &params).await
}

/// Puts the tag on a conversation of `brand` (again: no change).
pub async fn set(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    tag: Uuid,
) -> Result<()> {
    let sql = "INSERT INTO conversation_tags (brand_id, conversation_id, tag_id) \
               VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
    rows::execute(h, sql, &[brand.0.into(), conversation.0.into(), tag.into()]).await?;
    Ok(())
}

/// Takes the tag off a conversation of `brand` (absent: no change).
pub async fn unset(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    tag: Uuid,
) -> Result<()> {
    let sql = "DELETE FROM conversation_tags WHERE brand_id = $1 AND conversation_id = $2 \
               AND tag_id = $3";
    rows::execute(h, sql, &[brand.0.into(), conversation.0.into(), tag.into()]).await?;
    Ok(())
}

/// The tags on a conversation of `brand`, by name.
pub async fn of_conversation(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<Vec<Tag>> {
    let sql = "SELECT t.id, t.name, t.created_at FROM conversation_tags ct \
               JOIN tags t ON t.brand_id = ct.brand_id AND t.id = ct.tag_id \
               WHERE ct.brand_id = $1 AND ct.conversation_id = $2 ORDER BY t.name, t.id";
    rows::all::<TagRow, _>(h, sql, &[brand.0.into(), conversation.0.into()]).await
}

/// The conversations of `brand` carrying the tag.
pub async fn tagged_with(
    h: &mut impl Handle,
    brand: BrandId,
    tag: Uuid,
) -> Result<BTreeSet<ConversationId>> {
    let sql = "SELECT conversation_id FROM conversation_tags WHERE brand_id = $1 AND tag_id = $2";
    let ids: Vec<Uuid> = rows::column(h, sql, &[brand.0.into(), tag.into()]).await?;
    Ok(ids.into_iter().map(ConversationId).collect())
}
