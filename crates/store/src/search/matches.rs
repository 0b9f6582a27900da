//! Reading a search's matches newest first, a bounded chunk at a time. A brand's search:
//! SQLite asks FTS5 for the next rowids (`ORDER BY rowid DESC LIMIT`, rowids being event
//! positions); PostgreSQL looks in a window of positions below the last one read, so
//! whichever plan it picks (walking the window by position, or the GIN index for a rare
//! word) reads a bounded number of rows. An expert's search starts from the conversations
//! they handled. Each matching entry comes with what its result shows.

use ebb_core::search::{SearchQuery, Term, visitor_code};
use ebb_core::{BrandId, ExpertId, Instant, Status, VisitorId};
use uuid::Uuid;

use super::Scope;
use crate::timefmt::from_micros;
use crate::{ConnRef, Handle, Result, StoreError, rows};

/// One match: its event's position, and its entry unless it is another brand's or outside
/// the scope (SQLite's index covers every brand; those rows only move the scan on).
pub(super) struct Match {
    /// The event's position (newest first).
    pub pos: i64,
    /// What the result shows.
    pub entry: Option<Matched>,
}

/// A matching entry of the brand, within the scope.
pub(super) struct Matched {
    /// Its conversation.
    pub conversation: Uuid,
    /// The conversation's status now.
    pub status: Status,
    /// The conversation's visitor.
    pub visitor: VisitorId,
    /// The entry's seq.
    pub seq: u64,
    /// When it was written.
    pub at: Instant,
    /// The text that matched: the message, or the visitor's code for the `started` entry.
    pub text: String,
}

/// A chunk of matches: `$1` brand, `$2` the backend's query text, `$3` the position the
/// chunk starts below, `$4` its size, and `$5` the lowest position of PostgreSQL's window
/// (a brand's search) or the expert (a search of what they handled). A brand's search on
/// SQLite reads the index's next rowids, whatever their brand.
const SQLITE_BRAND: &str = "SELECT s.rowid AS pos, e.conversation_id, c.status, c.visitor_id, \
    e.seq, e.created_at, e.kind, e.data FROM ( \
      SELECT rowid FROM events_search WHERE events_search MATCH $2 AND rowid < $3 \
       ORDER BY rowid DESC LIMIT $4) s \
    LEFT JOIN events e ON e.pos = s.rowid AND e.brand_id = $1 \
    LEFT JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
    ORDER BY s.rowid DESC";
/// An expert's search on SQLite walks their conversations' events (`CROSS JOIN` keeps that
/// order) and looks each up in the index's list of matching rowids, built once per chunk.
const SQLITE_HANDLED: &str = "SELECT e.pos, e.conversation_id, c.status, c.visitor_id, \
    e.seq, e.created_at, e.kind, e.data \
    FROM conversation_experts x CROSS JOIN events e \
      ON e.brand_id = x.brand_id AND e.conversation_id = x.conversation_id \
    JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
    WHERE x.brand_id = $1 AND x.expert_id = $5 AND e.pos < $3 \
      AND e.pos IN (SELECT rowid FROM events_search WHERE events_search MATCH $2 AND rowid < $3) \
    ORDER BY e.pos DESC LIMIT $4";
const POSTGRES_BRAND: &str = "SELECT e.pos, e.conversation_id, c.status, c.visitor_id, \
    e.seq, e.created_at, e.kind, e.data \
    FROM events e JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
    WHERE e.brand_id = $1 AND e.search @@ to_tsquery('simple', $2) AND e.pos < $3 \
      AND e.pos >= $5 \
    ORDER BY e.pos DESC LIMIT $4";
/// A brand's search on PostgreSQL past its windows (a rare word): every match below `$3`
/// through the GIN index (`MATERIALIZED`, so no plan walks the whole key instead), then the
/// newest `$4`.
const POSTGRES_BRAND_ALL: &str = "WITH m AS MATERIALIZED ( \
      SELECT pos FROM events WHERE brand_id = $1 AND search @@ to_tsquery('simple', $2) \
         AND pos < $3) \
    SELECT e.pos, e.conversation_id, c.status, c.visitor_id, e.seq, e.created_at, e.kind, \
      e.data FROM (SELECT pos FROM m ORDER BY pos DESC LIMIT $4) p \
    JOIN events e ON e.pos = p.pos \
    JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
    ORDER BY e.pos DESC";
/// PostgreSQL finds an expert's few conversations through `conversation_experts` first.
const POSTGRES_HANDLED: &str = "SELECT e.pos, e.conversation_id, c.status, c.visitor_id, \
    e.seq, e.created_at, e.kind, e.data \
    FROM conversation_experts x \
    JOIN events e ON e.brand_id = x.brand_id AND e.conversation_id = x.conversation_id \
    JOIN conversations c ON c.brand_id = e.brand_id AND c.id = e.conversation_id \
    WHERE x.brand_id = $1 AND x.expert_id = $5 AND e.pos < $3 \
      AND e.search @@ to_tsquery('simple', $2) \
    ORDER BY e.pos DESC LIMIT $4";
/// Above every event's position (PostgreSQL's windows start there).
const POSTGRES_TOP: &str = "SELECT COALESCE(MAX(pos), 0) + 1 FROM events";
/// How many positions a PostgreSQL window spans per match a chunk may hold: the first
/// window, then a wider one when the first held too few; after that, no window (the word
/// is rare, so the GIN index finds its few matches at once).
const WINDOWS_PER_MATCH: [i64; 2] = [16, 64];
/// The most matches read in one query.
const MAX_CHUNK: u32 = 4096;

/// A search's matches, read newest first a chunk at a time.
pub(super) struct Matches {
    sql: &'static str,
    text: String,
    brand: BrandId,
    expert: Option<ExpertId>,
    postgres: bool,
    /// The next chunk starts below this position.
    below: i64,
    /// How many matches the next chunk holds at most.
    size: u32,
    /// How many PostgreSQL windows came back short so far.
    short: usize,
    done: bool,
}

impl Matches {
    /// The reader of `query`'s matches in `brand` within `scope`, on `h`'s backend, whose
    /// first chunk holds `size` matches (later ones grow fourfold up to [`MAX_CHUNK`], so a
    /// scope whose matches are sparse, an expert's, takes few round trips).
    pub fn new(
        h: &mut impl Handle,
        brand: BrandId,
        scope: Scope,
        query: &SearchQuery,
        size: u32,
    ) -> Self {
        let postgres = matches!(h.conn(), ConnRef::Postgres(_));
        let text = if postgres {
            tsquery(query)
        } else {
            fts5(query)
        };
        let expert = match scope {
            Scope::Brand => None,
            Scope::HandledBy(expert) => Some(expert),
        };
        let sql = match (postgres, expert) {
            (false, None) => SQLITE_BRAND,
            (false, Some(_)) => SQLITE_HANDLED,
            (true, None) => POSTGRES_BRAND,
            (true, Some(_)) => POSTGRES_HANDLED,
        };
        Self {
            sql,
            text,
            brand,
            expert,
            postgres,
            below: i64::MAX,
            size: size.clamp(1, MAX_CHUNK),
            short: 0,
            done: false,
        }
    }

    /// The next chunk of matches, newest first; `None` once every match was read.
    pub async fn next(&mut self, h: &mut impl Handle) -> Result<Option<Vec<Match>>> {
        if self.done {
            return Ok(None);
        }
        if self.postgres && self.below == i64::MAX {
            let top = rows::column::<i64>(h, POSTGRES_TOP, &[]).await?;
            self.below = top.first().copied().unwrap_or(1);
        }
        let size = i64::from(self.size);
        let low = self.low(size);
        let mut params = vec![
            self.brand.0.into(),
            self.text.as_str().into(),
            self.below.into(),
            size.into(),
        ];
        let mut sql = self.sql;
        match self.expert {
            Some(expert) => params.push(expert.0.into()),
            None if self.postgres && low > 0 => params.push(low.into()),
            None if self.postgres => sql = POSTGRES_BRAND_ALL,
            None => {}
        }
        let matches: Vec<Match> = rows::all::<MatchRow, _>(h, sql, &params).await?;
        match matches.last() {
            Some(last) if matches.len() >= usize::try_from(size).unwrap_or(usize::MAX) => {
                self.below = last.pos;
            }
            _ if low > 0 => {
                self.below = low;
                self.short += 1;
            }
            _ => self.done = true,
        }
        self.size = self.size.saturating_mul(4).min(MAX_CHUNK);
        Ok(Some(matches))
    }

    /// The lowest position the next chunk of a brand's search on PostgreSQL looks at (0:
    /// all of them; an expert's search and SQLite have no window).
    fn low(&self, size: i64) -> i64 {
        let per_match = WINDOWS_PER_MATCH.get(self.short).copied();
        match per_match {
            Some(per) if self.postgres && self.expert.is_none() => {
                self.below.saturating_sub(size.saturating_mul(per)).max(0)
            }
            _ => 0,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MatchRow {
    pos: i64,
    conversation_id: Option<Uuid>,
    status: Option<String>,
    visitor_id: Option<Uuid>,
    seq: Option<i64>,
    created_at: Option<i64>,
    kind: Option<String>,
    data: Option<String>,
}

row_into!(MatchRow, Match, |r| {
    let entry = match (
        r.conversation_id,
        r.status,
        r.visitor_id,
        r.seq,
        r.created_at,
    ) {
        (Some(conversation), Some(status), Some(visitor), Some(seq), Some(at)) => {
            let visitor = VisitorId(visitor);
            let text = match r.kind.as_deref() {
                Some("started") => visitor_code(visitor),
                _ => body(r.data.as_deref().unwrap_or_default())?,
            };
            Some(Matched {
                conversation,
                status: status_of(&status)?,
                visitor,
                seq: u64::try_from(seq).map_err(|_| StoreError::Corrupt("seq".into()))?,
                at: from_micros(at)?,
                text,
            })
        }
        _ => None,
    };
    Ok(Self { pos: r.pos, entry })
});

/// A message event's body, from its stored data.
fn body(data: &str) -> Result<String> {
    let value: serde_json::Value =
        serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("event data: {e}")))?;
    Ok(value["body"].as_str().unwrap_or_default().to_owned())
}

fn status_of(text: &str) -> Result<Status> {
    [
        Status::Queued,
        Status::Assigned,
        Status::Snoozed,
        Status::Closed,
    ]
    .into_iter()
    .find(|s| s.as_str() == text)
    .ok_or_else(|| StoreError::Corrupt(format!("conversation status {text}")))
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
