//! What a conversation list shows beside each conversation of a page: its last message
//! (system messages aside) and its tags. Each is one query per page, whatever its length:
//! the page is given as the span of its sort keys and whose conversations it lists.

use std::collections::HashMap;

use ebb_core::tag::TagName;
use ebb_core::{
    Author, BrandId, Conversation, ConversationId, Event, ExpertId, Instant, VisitorId,
};
use uuid::Uuid;

use crate::page::Cursor;
use crate::tags::Tag;
use crate::timefmt::from_micros;
use crate::{Handle, Result, StoreError};

/// Whose conversations a page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Among {
    /// Any of the brand's (the admin list).
    Brand,
    /// The open conversations an expert owns (the panel's list).
    Owner(ExpertId),
    /// A visitor's (their earlier conversations).
    Visitor(VisitorId),
}

/// A page of conversations as the queries see it: the first and last sort key
/// `(created_at, id)` of its rows (both included) and whose conversations they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSpan {
    /// Whose conversations.
    pub among: Among,
    /// The smallest sort key on the page.
    pub first: Cursor,
    /// The largest sort key on the page.
    pub last: Cursor,
}

impl PageSpan {
    /// The span of `page` (in any order) among `among`'s conversations; `None` when empty.
    pub fn of(among: Among, page: &[Conversation]) -> Option<Self> {
        let keys = page.iter().map(|c| Cursor::new(c.created_at, c.id.0));
        Some(Self {
            among,
            first: keys.clone().min()?,
            last: keys.max()?,
        })
    }

    /// `WHERE` conditions on `c` (conversations): `$1` the brand, `$2`..`$5` the span, `$6`
    /// the owner or visitor.
    fn filter(&self) -> String {
        let among = match self.among {
            Among::Brand => "",
            Among::Owner(_) => " AND c.expert_id = $6 AND c.status <> 'closed'",
            Among::Visitor(_) => " AND c.visitor_id = $6",
        };
        format!(
            "c.brand_id = $1 AND (c.created_at > $2 OR (c.created_at = $2 AND c.id >= $3)) \
             AND (c.created_at < $4 OR (c.created_at = $4 AND c.id <= $5)){among}"
        )
    }

    /// The owner's or visitor's id bound as `$6`, if the filter names one.
    fn who(&self) -> Option<Uuid> {
        match self.among {
            Among::Brand => None,
            Among::Owner(e) => Some(e.0),
            Among::Visitor(v) => Some(v.0),
        }
    }
}

/// Runs `$sql` (a `SELECT` with [`PageSpan::filter`]'s binds) for `$span` of `$brand` into
/// rows of type `$row`.
macro_rules! span_rows {
    ($h:expr, $row:ty, $sql:expr, $brand:expr, $span:expr) => {
        run!($h, |c| {
            let q = sqlx::query_as::<_, $row>($sql)
                .bind($brand.0)
                .bind($span.first.at)
                .bind($span.first.id)
                .bind($span.last.at)
                .bind($span.last.id);
            match $span.who() {
                Some(id) => q.bind(id),
                None => q,
            }
            .fetch_all(c)
            .await
        })
    };
}

/// The last message of a conversation (system messages aside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastMessage {
    /// Who wrote it.
    pub author: Author,
    /// Its whole text.
    pub body: String,
    /// When.
    pub at: Instant,
}

/// The last message of each conversation of the page that has one, in one query: the
/// message written at the conversation's `last_message_at` (the latest by seq if several
/// were, the automatic message never).
pub async fn last_messages(
    h: &mut impl Handle,
    brand: BrandId,
    span: &PageSpan,
) -> Result<HashMap<ConversationId, LastMessage>> {
    let sql = format!(
        "SELECT c.id, e.seq, e.data, e.created_at FROM conversations c JOIN events e \
         ON e.brand_id = c.brand_id AND e.conversation_id = c.id \
         AND e.created_at = c.last_message_at AND e.kind = 'message' \
         WHERE {} ORDER BY c.id, e.seq",
        span.filter()
    );
    let rows: Vec<(Uuid, i64, String, i64)> =
        span_rows!(h, (Uuid, i64, String, i64), &sql, brand, span)?;
    let mut out = HashMap::new();
    for (id, _, data, at) in rows {
        let Event::Message { author, body, .. } = serde_json::from_str::<Event>(&data)? else {
            return Err(StoreError::Corrupt(format!("message event of {id}")));
        };
        if author == Author::System {
            continue;
        }
        let at = from_micros(at)?;
        let body = body.as_str().to_owned();
        out.insert(ConversationId(id), LastMessage { author, body, at });
    }
    Ok(out)
}

/// The tags on each conversation of the page, by name, in one query.
pub async fn tags(
    h: &mut impl Handle,
    brand: BrandId,
    span: &PageSpan,
) -> Result<HashMap<ConversationId, Vec<Tag>>> {
    let sql = format!(
        "SELECT c.id, t.id, t.name, t.created_at FROM conversations c \
         JOIN conversation_tags ct ON ct.brand_id = c.brand_id AND ct.conversation_id = c.id \
         JOIN tags t ON t.brand_id = ct.brand_id AND t.id = ct.tag_id \
         WHERE {} ORDER BY t.name, t.id",
        span.filter()
    );
    let rows: Vec<(Uuid, Uuid, String, i64)> =
        span_rows!(h, (Uuid, Uuid, String, i64), &sql, brand, span)?;
    let mut out: HashMap<ConversationId, Vec<Tag>> = HashMap::new();
    for (conversation, id, name, created_at) in rows {
        let tag = Tag {
            id,
            name: TagName::parse(&name).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: from_micros(created_at)?,
        };
        out.entry(ConversationId(conversation))
            .or_default()
            .push(tag);
    }
    Ok(out)
}
