//! The conversation timeline: one row per entry, keyed by (conversation, seq). Message
//! entries carry the client's message id, unique per conversation and author (its
//! [`Author::key`]), for idempotent retries.

use ebb_core::earnings::Reply;
use ebb_core::{Author, BrandId, ConversationId, Entry, Event, VisitorId};

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result, StoreError, rows};

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    data: String,
    created_at: i64,
}

row_into!(EntryRow, Entry, |r| {
    Ok(Self {
        seq: u64::try_from(r.seq).map_err(|_| StoreError::Corrupt("seq".into()))?,
        at: from_micros(r.created_at)?,
        event: serde_json::from_str::<Event>(&r.data)?,
    })
});

const APPEND: &str = "INSERT INTO events (brand_id, conversation_id, seq, kind, client_msg_id, \
    author_key, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends `entries` to a conversation's timeline (and notes the experts they show
/// handling it, see [`crate::search`]).
pub async fn append(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    entries: &[Entry],
) -> Result<()> {
    for entry in entries {
        let (client_msg_id, author_key) = match &entry.event {
            Event::Message {
                client_msg_id: Some(id),
                author,
                ..
            } => (Some(id.as_str()), Some(author.key())),
            _ => (None, None),
        };
        let data = serde_json::to_string(&entry.event)?;
        let params = [
            brand.0.into(),
            conversation.0.into(),
            i64::try_from(entry.seq).unwrap_or(i64::MAX).into(),
            entry.event.kind().into(),
            client_msg_id.into(),
            author_key.as_deref().into(),
            data.as_str().into(),
            to_micros(entry.at).into(),
        ];
        rows::execute(h, APPEND, &params).await?;
    }
    crate::search::note_handlers(h, brand, conversation, entries).await
}

/// The seq of the last entry of `kind` (e.g. `"snoozed"`) in `conversation`, if any.
pub async fn last_seq_of_kind(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    kind: &str,
) -> Result<Option<u64>> {
    let row: Option<(Option<i64>,)> = run!(h, |c| sqlx::query_as(
        "SELECT MAX(seq) FROM events WHERE brand_id = $1 AND conversation_id = $2 AND kind = $3"
    )
    .bind(brand.0)
    .bind(conversation.0)
    .bind(kind)
    .fetch_optional(c)
    .await)?;
    Ok(row
        .and_then(|(seq,)| seq)
        .and_then(|seq| u64::try_from(seq).ok()))
}

/// Up to `limit` entries after `after_seq`, in order.
pub async fn after(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    after_seq: u64,
    limit: u32,
) -> Result<Vec<Entry>> {
    let sql = "SELECT seq, data, created_at FROM events WHERE brand_id = $1 \
               AND conversation_id = $2 AND seq > $3 ORDER BY seq LIMIT $4";
    let params = [
        brand.0.into(),
        conversation.0.into(),
        i64::try_from(after_seq).unwrap_or(i64::MAX).into(),
        i64::from(limit).into(),
    ];
    rows::all::<EntryRow, _>(h, sql, &params).await
}

/// The message `author` already stored under this client message id, if any.
pub async fn by_client_msg_id(
    h: &mut impl Handle,
    brand: BrandId,
    conversation: ConversationId,
    author: Author,
    client_msg_id: &str,
) -> Result<Option<Entry>> {
    let sql = "SELECT seq, data, created_at FROM events WHERE brand_id = $1 \
               AND conversation_id = $2 AND author_key = $3 AND client_msg_id = $4";
    let author = author.key();
    let params = [
        brand.0.into(),
        conversation.0.into(),
        author.as_str().into(),
        client_msg_id.into(),
    ];
    rows::one::<EntryRow, _>(h, sql, &params).await
}

/// The conversation of `visitor` (in `brand`) holding a message with this client id, if
/// any: how a retried first message finds the conversation it already started.
pub async fn conversation_of_client_msg_id(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: ebb_core::VisitorId,
    client_msg_id: &str,
) -> Result<Option<ConversationId>> {
    let row: Option<(uuid::Uuid,)> = run!(h, |c| sqlx::query_as(
        "SELECT e.conversation_id FROM events e \
         JOIN conversations v ON v.brand_id = e.brand_id AND v.id = e.conversation_id \
         WHERE e.brand_id = $1 AND v.visitor_id = $2 AND e.author_key = $3 \
           AND e.client_msg_id = $4 LIMIT 1"
    )
    .bind(brand.0)
    .bind(visitor.0)
    .bind(Author::Visitor(visitor).key())
    .bind(client_msg_id)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(id,)| ConversationId(id)))
}

/// One entry of a brand's log: its global position, conversation, and event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedEvent {
    /// Global insertion order (monotonic per database).
    pub pos: i64,
    /// The conversation.
    pub conversation: ConversationId,
    /// The entry.
    pub entry: Entry,
}

/// Every event of `brand` of the given kinds, in insertion order (audits and tests).
pub async fn brand_log(
    h: &mut impl Handle,
    brand: BrandId,
    kinds: &[&str],
) -> Result<Vec<LoggedEvent>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        pos: i64,
        conversation_id: uuid::Uuid,
        kind: String,
        #[sqlx(flatten)]
        entry: EntryRow,
    }
    let rows = run!(h, |c| sqlx::query_as::<_, Row>(
        "SELECT pos, conversation_id, kind, seq, data, created_at FROM events \
         WHERE brand_id = $1 ORDER BY pos"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .filter(|r| kinds.contains(&r.kind.as_str()))
        .map(|r| {
            Ok(LoggedEvent {
                pos: r.pos,
                conversation: ConversationId(r.conversation_id),
                entry: Entry::try_from(r.entry)?,
            })
        })
        .collect()
}

/// Every expert message to `visitor` across all their conversations, oldest first, in one
/// query (purchase credit follows the visitor across linked conversations).
pub async fn expert_replies(
    h: &mut impl Handle,
    brand: BrandId,
    visitor: VisitorId,
) -> Result<Vec<Reply>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        conversation_id: uuid::Uuid,
        #[sqlx(flatten)]
        entry: EntryRow,
    }
    let rows = run!(h, |c| sqlx::query_as::<_, Row>(
        "SELECT e.conversation_id, e.seq, e.data, e.created_at FROM events e \
         JOIN conversations c ON c.id = e.conversation_id \
         WHERE e.brand_id = $1 AND c.brand_id = $1 AND c.visitor_id = $2 \
         AND e.kind = 'message' ORDER BY e.created_at, e.pos"
    )
    .bind(brand.0)
    .bind(visitor.0)
    .fetch_all(c)
    .await)?;
    let mut replies = Vec::new();
    for r in rows {
        let conversation = ConversationId(r.conversation_id);
        let entry = Entry::try_from(r.entry)?;
        if let Event::Message {
            author: Author::Expert(expert),
            ..
        } = entry.event
        {
            replies.push(Reply {
                conversation,
                at: entry.at,
                expert,
            });
        }
    }
    Ok(replies)
}
