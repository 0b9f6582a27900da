//! The plans of routing's and the scheduler's hot queries (`EXPLAIN QUERY PLAN` on SQLite,
//! `EXPLAIN` on PostgreSQL): each must run on the index made for it (migration 0026), so
//! its cost follows the rows it returns, not the size of the queue. A store test checks
//! them; BENCHMARKS.md shows them.

use uuid::Uuid;

use crate::conversations::queue::{BRAND_HEAD, RESERVED_HEAD, RESERVED_LAPSED};
use crate::conversations::reserved::OLDEST_PER_EXPERT;
use crate::jobs::DUE_BRANDS;
use crate::{ConnRef, Handle, Result, Tx};

/// One hot query and its plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// What the query is for.
    pub name: &'static str,
    /// The index it must use.
    pub index: &'static str,
    /// The database's plan, one line per step.
    pub plan: Vec<String>,
}

/// A bind of a sample value.
#[derive(Clone, Copy)]
enum Bind {
    Id,
    Int,
}

/// The hot queries: name, index, SQL (`lock`: PostgreSQL's row lock clause), binds.
fn queries(lock: &str) -> Vec<(&'static str, &'static str, String, Vec<Bind>)> {
    use Bind::{Id, Int};
    let cols = crate::conversations::COLUMNS;
    let select = |tail: &str| format!("SELECT {cols}, queued_at FROM conversations {tail}");
    let claim = crate::jobs::QUEUE.claim_sql(lock, true);
    vec![
        (
            "brand queue head",
            "conversations_brand_queue",
            select(BRAND_HEAD),
            vec![Id, Int],
        ),
        (
            "reserved head",
            "conversations_reserved",
            select(RESERVED_HEAD),
            vec![Id, Id, Int],
        ),
        (
            "lapsed reservations",
            "conversations_reserved",
            select(RESERVED_LAPSED),
            vec![Id, Id, Int],
        ),
        (
            "oldest reservation per expert",
            "conversations_reserved",
            OLDEST_PER_EXPERT.into(),
            vec![Id],
        ),
        (
            "brands with due wake-ups",
            "jobs_brand_due",
            DUE_BRANDS.into(),
            vec![Int],
        ),
        (
            "claim a brand's wake-ups",
            "jobs_brand_due",
            claim,
            vec![Int, Int, Int, Id],
        ),
    ]
}

/// The plan of every hot query, on sample binds. On PostgreSQL sequential scans are turned
/// off for the transaction, so a small table shows the plan a large one gets.
pub async fn hot_queries(tx: &mut Tx) -> Result<Vec<Plan>> {
    let pg = matches!(tx.conn(), ConnRef::Postgres(_));
    if pg {
        exec!(tx, sqlx::query("SET LOCAL enable_seqscan = off"))?;
    }
    let lock = if pg { " FOR UPDATE SKIP LOCKED" } else { "" };
    let mut out = Vec::new();
    for (name, index, sql, binds) in queries(lock) {
        let explain = if pg {
            format!("EXPLAIN {sql}")
        } else {
            format!("EXPLAIN QUERY PLAN {sql}")
        };
        let plan = match tx.conn() {
            ConnRef::Sqlite(c) => {
                let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
                for b in &binds {
                    q = match b {
                        Bind::Id => q.bind(Uuid::nil()),
                        Bind::Int => q.bind(1_i64),
                    };
                }
                q.fetch_all(c).await?.into_iter().map(|r| r.3).collect()
            }
            ConnRef::Postgres(c) => {
                let mut q = sqlx::query_as::<_, (String,)>(&explain);
                for b in &binds {
                    q = match b {
                        Bind::Id => q.bind(Uuid::nil()),
                        Bind::Int => q.bind(1_i64),
                    };
                }
                q.fetch_all(c).await?.into_iter().map(|r| r.0).collect()
            }
        };
        out.push(Plan { name, index, plan });
    }
    Ok(out)
}
