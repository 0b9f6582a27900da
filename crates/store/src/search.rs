//! Full-text search over a brand's conversations (migration 0014): SQLite's FTS5 table
//! `events_search`, PostgreSQL's GIN-indexed `events.search`, one API. Also who handled a
//! conversation (`conversation_experts`), which bounds what an expert may find and read.

use ebb_core::search::{SearchQuery, Term, handler};
use ebb_core::{BrandId, ConversationId, Entry, ExpertId, Instant, Status, VisitorId};
use uuid::Uuid;

use crate::page::Cursor;
use crate::timefmt::{from_micros, to_micros};
use crate::{ConnRef, Handle, Result, StoreError, rows};

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
    /// When the matching entry was written.
    pub matched_at: Instant,
    /// Text around the match, each match between [`ebb_core::search::MATCH_START`] and
    /// [`ebb_core::search::MATCH_END`].
    pub snippet: String,
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

#[derive(sqlx::FromRow)]
struct HitRow {
    conversation_id: Uuid,
    status: String,
    visitor_id: Uuid,
    seq: i64,
    matched_at: i64,
    snippet: Option<String>,
}

row_into!(HitRow, Hit, |r| {
    let status = [
        Status::Queued,
        Status::Assigned,
        Status::Snoozed,
        Status::Closed,
    ]
    .into_iter()
    .find(|s| s.as_str() == r.status)
    .ok_or_else(|| StoreError::Corrupt(format!("conversation status {}", r.status)))?;
    Ok(Self {
        conversation: ConversationId(r.conversation_id),
        status,
        visitor: VisitorId(r.visitor_id),
        seq: u64::try_from(r.seq).map_err(|_| StoreError::Corrupt("seq".into()))?,
        matched_at: from_micros(r.matched_at)?,
        snippet: r.snippet.unwrap_or_default(),
    })
});

/// The page query: `$1` brand, `$2` the backend's query text, `$3`/`$4` the cursor, `$5`
/// the limit, `$6` the expert of [`Scope::HandledBy`]. `{matches}` is the backend's test
/// that event `e` matches, `{snippet}` its snippet of the entry at `p.pos`.
const PAGE: &str = "SELECT p.conversation_id, p.status, p.visitor_id, h.seq, p.matched_at, \
    {snippet} AS snippet FROM ( \
      SELECT e.conversation_id, c.status, c.visitor_id, MAX(e.pos) AS pos, \
             MAX(e.created_at) AS matched_at \
        FROM events e JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
       WHERE e.brand_id = $1 AND {matches}{scope} \
       GROUP BY e.conversation_id, c.status, c.visitor_id \
      HAVING MAX(e.created_at) < $3 OR (MAX(e.created_at) = $3 AND e.conversation_id < $4) \
       ORDER BY matched_at DESC, e.conversation_id DESC LIMIT $5) p \
    JOIN events h ON h.pos = p.pos \
    ORDER BY p.matched_at DESC, p.conversation_id DESC";

const SCOPE_HANDLED: &str = " AND EXISTS (SELECT 1 FROM conversation_experts x \
    WHERE x.brand_id = $1 AND x.conversation_id = e.conversation_id AND x.expert_id = $6)";

const SQLITE_MATCHES: &str =
    "e.pos IN (SELECT rowid FROM events_search WHERE events_search MATCH $2)";
const SQLITE_SNIPPET: &str = "(SELECT snippet(events_search, 0, char(57344), char(57345), '…', 16) \
    FROM events_search WHERE events_search MATCH $2 AND rowid = p.pos)";
const POSTGRES_MATCHES: &str = "e.search @@ to_tsquery('simple', $2)";
const POSTGRES_SNIPPET: &str = "ts_headline('simple', \
    COALESCE(h.data::jsonb ->> 'body', upper(right(h.data::jsonb ->> 'visitor', 4))), \
    to_tsquery('simple', $2), 'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || \
    ', MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…')";

/// A page of `brand`'s conversations matching `query` within `scope`, newest match first,
/// after `before` (a cursor of `(matched_at, conversation id)`): at most `limit`.
pub async fn search(
    h: &mut impl Handle,
    brand: BrandId,
    scope: Scope,
    query: &SearchQuery,
    before: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Hit>> {
    let (matches, snippet, text) = match h.conn() {
        ConnRef::Sqlite(_) => (SQLITE_MATCHES, SQLITE_SNIPPET, fts5(query)),
        ConnRef::Postgres(_) => (POSTGRES_MATCHES, POSTGRES_SNIPPET, tsquery(query)),
    };
    let scope_sql = match scope {
        Scope::Brand => "",
        Scope::HandledBy(_) => SCOPE_HANDLED,
    };
    let sql = PAGE
        .replace("{snippet}", snippet)
        .replace("{matches}", matches)
        .replace("{scope}", scope_sql);
    let before = before.unwrap_or_else(Cursor::newest);
    let mut params = vec![
        brand.0.into(),
        text.as_str().into(),
        before.at.into(),
        before.id.into(),
        i64::from(limit).into(),
    ];
    if let Scope::HandledBy(expert) = scope {
        params.push(expert.0.into());
    }
    rows::all::<HitRow, _>(h, &sql, &params).await
}

/// `query` as an FTS5 MATCH expression: each term a double-quoted phrase (its words are
/// letters and digits only, so nothing in it is FTS5 syntax), `*` after a prefix term,
/// all of them required.
fn fts5(query: &SearchQuery) -> String {
    join(query.terms(), " AND ", |t| {
        let star = if t.prefix { "*" } else { "" };
        format!("\"{}\"{star}", t.words.join(" "))
    })
}

/// `query` as a `to_tsquery` text: each term its quoted words joined by `<->` (followed
/// by), `:*` after a prefix, all terms joined by `&`.
fn tsquery(query: &SearchQuery) -> String {
    join(query.terms(), " & ", |t| {
        let last = t.words.len().saturating_sub(1);
        let words: Vec<String> = t
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let star = if t.prefix && i == last { ":*" } else { "" };
                format!("'{w}'{star}")
            })
            .collect();
        format!("({})", words.join(" <-> "))
    })
}

fn join(terms: &[Term], sep: &str, render: impl Fn(&Term) -> String) -> String {
    terms.iter().map(render).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::{fts5, tsquery};
    use ebb_core::search::SearchQuery;

    #[test]
    fn queries_render_for_each_backend() {
        let q = SearchQuery::parse("\"blue kayak\" ref").expect("query");
        assert_eq!(fts5(&q), "\"blue kayak\" AND \"ref\"*");
        assert_eq!(tsquery(&q), "('blue' <-> 'kayak') & ('ref':*)");
    }
}
