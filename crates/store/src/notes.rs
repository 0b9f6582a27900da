//! Internal notes on conversations (experts and admins only): written once, listed oldest
//! first per conversation, removed with the conversation's text by erasure and retention.

use ebb_core::note::{Note, NoteAuthor};
use ebb_core::{BrandId, ConversationId, MessageBody, NoteId};
use uuid::Uuid;

use crate::page::Cursor;
use crate::rows;
use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError};

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    brand_id: Uuid,
    conversation_id: Uuid,
    author_kind: String,
    author_id: Uuid,
    body: String,
    created_at: i64,
}

row_into!(NoteRow, Note, |r| {
    let author = match r.author_kind.as_str() {
        "expert" => NoteAuthor::Expert(r.author_id.into()),
        "admin" => NoteAuthor::Admin(r.author_id.into()),
        other => return Err(StoreError::Corrupt(format!("note author kind {other}"))),
    };
    Ok(Note {
        id: NoteId(r.id),
        brand_id: BrandId(r.brand_id),
        conversation_id: ConversationId(r.conversation_id),
        author,
        body: MessageBody::parse(&r.body).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: from_micros(r.created_at)?,
    })
});

/// Stores a note core wrote.
pub async fn insert(h: &mut impl Handle, note: &Note) -> Result<()> {
    let (kind, author) = match note.author {
        NoteAuthor::Expert(id) => ("expert", id.0),
        NoteAuthor::Admin(id) => ("admin", id.0),
    };
    let sql = "INSERT INTO notes (id, brand_id, conversation_id, author_kind, author_id, body, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let params = [
        note.id.0.into(),
        note.brand_id.0.into(),
        note.conversation_id.0.into(),
        kind.into(),
        author.into(),
        note.body.as_str().into(),
        to_micros(note.created_at).into(),
    ];
    rows::execute(h, sql, &params).await?;
    Ok(())
}

/// Up to `limit` notes of a conversation of `brand`, oldest first, after `after`.
pub async fn page(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Note>> {
    let after = after.unwrap_or_else(Cursor::oldest);
    let sql = "SELECT id, brand_id, conversation_id, author_kind, author_id, body, created_at \
               FROM notes WHERE brand_id = $1 AND conversation_id = $5 \
               AND (created_at > $2 OR (created_at = $2 AND id > $3)) \
               ORDER BY created_at, id LIMIT $4";
    let mut params = rows::page_of(brand, after, limit).to_vec();
    params.push(conversation.0.into());
    rows::all::<NoteRow, _>(h, sql, &params).await
}

/// Deletes every note of a conversation of `brand` (erasure, retention); how many.
pub async fn delete_for(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
) -> Result<u64> {
    let sql = "DELETE FROM notes WHERE brand_id = $1 AND conversation_id = $2";
    rows::execute(h, sql, &[brand.0.into(), conversation.0.into()]).await
}
