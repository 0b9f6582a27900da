//! One rule, two places: who handled a conversation is `ebb_core::search::handler` (applied
//! on every append) and, for the rows that existed before migration 0014, its backfill SQL.
//! Re-running that SQL over a timeline of every kind of entry gives the same rows.

use ebb_core::search::handler;
use ebb_core::{Actor, AssignReason, Author, Entry, Event, ExpertId, MessageBody, WakeReason};
use ebb_store::{ConnRef, Handle, events};
use time::Duration;

use crate::helpers::{T0, backends, committed, conversation, two_brands};

const SQLITE: &str = include_str!("../../migrations/sqlite/0014_search.sql");
const POSTGRES: &str = include_str!("../../migrations/postgres/0014_search.sql");

/// The backfill statement of a migration: from its `INSERT ... conversation_experts` on.
fn backfill(migration: &str) -> &str {
    let at = migration
        .find("INSERT OR IGNORE INTO conversation_experts")
        .or_else(|| migration.find("INSERT INTO conversation_experts"))
        .expect("a backfill");
    &migration[at..]
}

type Rows = Vec<(uuid::Uuid, uuid::Uuid, i64)>;

const ROWS: &str = "SELECT conversation_id, expert_id, since FROM conversation_experts \
    ORDER BY conversation_id, expert_id";

async fn rows_then(conn: &mut impl Handle, then: Option<&str>) -> Rows {
    let rows: Rows = match conn.conn() {
        ConnRef::Sqlite(c) => sqlx::query_as(ROWS).fetch_all(c).await,
        ConnRef::Postgres(c) => sqlx::query_as(ROWS).fetch_all(c).await,
    }
    .expect("rows");
    if let Some(sql) = then {
        let run = match conn.conn() {
            ConnRef::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
            ConnRef::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
        };
        run.expect("sql");
    }
    rows
}

#[tokio::test]
async fn the_backfill_sql_agrees_with_core_on_who_handled_a_conversation() {
    for db in backends().await {
        let store = &db.store;
        let (acme, _) = two_brands(store).await;
        let (c, _) = conversation(store, acme.id, None, T0, vec![]).await;
        let e: Vec<ExpertId> = (0..7).map(|_| ExpertId::new()).collect();
        let body = MessageBody::parse("hi").expect("body");
        let said = |author| Event::Message {
            author,
            body: body.clone(),
            client_msg_id: None,
        };
        let timeline = [
            Event::Assigned {
                expert: e[0],
                reason: AssignReason::New,
            },
            Event::Snoozed {
                expert: e[1],
                until: T0 + Duration::days(1),
                count: 1,
                until_return: false,
            },
            Event::Woken {
                expert: e[2],
                reason: WakeReason::SnoozeExpired,
            },
            Event::Transferred {
                from: e[0],
                to: Some(e[3]),
                note: None,
            },
            Event::Transferred {
                from: e[3],
                to: None,
                note: None,
            },
            said(Author::Expert(e[4])),
            said(Author::System),
            Event::Released { from: e[5] },
            Event::Unassigned {
                from: e[5],
                by: Actor::System,
            },
            Event::Closed {
                by: Actor::Expert(e[6]),
            },
            said(Author::Expert(e[0])),
        ];
        let entries: Vec<Entry> = timeline
            .into_iter()
            .enumerate()
            .map(|(i, event)| Entry {
                seq: c.last_seq + 1 + i as u64,
                at: T0 + Duration::minutes(i as i64),
                event,
            })
            .collect();
        committed(store, async |tx| {
            events::append(tx, acme.id, c.id, &entries)
                .await
                .expect("append")
        })
        .await;
        let expected = entries
            .iter()
            .filter_map(|en| handler(&en.event))
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(expected.len(), 6, "{}: e[5] never held it", db.name);

        let mut conn = store.conn().await.expect("conn");
        let sql = match conn.conn() {
            ConnRef::Sqlite(_) => backfill(SQLITE),
            ConnRef::Postgres(_) => backfill(POSTGRES),
        };
        let by_core = rows_then(&mut conn, Some("DELETE FROM conversation_experts")).await;
        rows_then(&mut conn, Some(sql)).await;
        let by_sql = rows_then(&mut conn, None).await;
        assert_eq!(by_core.len(), expected.len(), "{}", db.name);
        assert_eq!(by_sql, by_core, "{}: the backfill and core agree", db.name);
        drop(conn);
        db.finish().await;
    }
}
