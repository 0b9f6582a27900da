//! The machine's limits, measured by the same client in the same run: a bare tokio
//! WebSocket echo server (latency, memory per connection) and bare sqlx inserts with Ebb's
//! durability settings (SQLite WAL + synchronous=FULL; PostgreSQL synchronous commit).

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Executor};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::report::Latency;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS messages (id BLOB PRIMARY KEY, conversation_id BLOB \
                      NOT NULL, seq BIGINT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)";
const INSERT: &str =
    "INSERT INTO messages (id, conversation_id, seq, body, created_at) VALUES ($1, $2, $3, $4, $5)";

/// Runs the bare echo server on `listen` (4 KiB read buffer, like Ebb's WebSocket);
/// `GET /healthz` over plain HTTP answers `ok` so the bench can wait for it.
pub async fn echo_server(listen: &str) -> anyhow::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    loop {
        let (mut stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut head = [0u8; 16];
            if let Ok(n) = stream.peek(&mut head).await
                && head[..n].starts_with(b"GET /healthz")
            {
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
                return;
            }
            let config = WebSocketConfig::default()
                .read_buffer_size(4 * 1024)
                .write_buffer_size(8 * 1024);
            let Ok(mut ws) =
                tokio_tungstenite::accept_async_with_config(stream, Some(config)).await
            else {
                return;
            };
            while let Some(Ok(msg)) = ws.next().await {
                if msg.is_text() && ws.send(msg).await.is_err() {
                    break;
                }
            }
        });
    }
}

/// Round trips through the echo server: `conns` connections, `rate` messages/s in total
/// for `secs`, each timed from send to its echo.
pub async fn echo_latency(
    ws_base: &str,
    conns: usize,
    rate: u64,
    secs: u64,
) -> anyhow::Result<Latency> {
    let per_conn_rate = (rate as f64 / conns as f64).max(0.001);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..conns {
        let ws = crate::api::ws_connect(&format!("{ws_base}/echo")).await?;
        tasks.spawn(async move {
            let (mut write, mut read) = ws.split();
            let mut samples = Vec::new();
            let n = (per_conn_rate * secs as f64) as usize;
            let start = Instant::now();
            let offset = Duration::from_secs_f64(i as f64 / rate as f64);
            for k in 0..n {
                let due = start + offset + Duration::from_secs_f64(k as f64 / per_conn_rate);
                tokio::time::sleep_until(due.into()).await;
                let sent = Instant::now();
                if write
                    .send(Message::text(format!("echo {k}")))
                    .await
                    .is_err()
                {
                    break;
                }
                match tokio::time::timeout(Duration::from_secs(5), read.next()).await {
                    Ok(Some(Ok(_))) => samples.push(sent.elapsed()),
                    _ => break,
                }
            }
            samples
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done?);
    }
    Ok(Latency::of(&all))
}

/// What the bare SQLite baseline measured.
#[derive(Debug, serde::Serialize)]
pub struct SqliteBaseline {
    /// One row per fsync'd commit, one writer: commit latency.
    pub single_commit: Latency,
    /// Commits per second of that loop.
    pub single_commits_per_sec: f64,
    /// 100-row transactions: rows per second.
    pub batch100_rows_per_sec: f64,
}

/// Bare sqlx on a fresh SQLite file with WAL and synchronous=FULL, `secs` per phase.
pub async fn sqlite_inserts(secs: u64) -> anyhow::Result<SqliteBaseline> {
    let dir = std::env::temp_dir().join(format!("ebb-bench-sqlite-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let options = SqliteConnectOptions::new()
        .filename(dir.join("base.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    pool.execute(CREATE).await?;
    let conv = uuid::Uuid::new_v4();
    let mut seq = 0i64;
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        seq += 1;
        insert_one(&pool, conv, seq).await?;
        samples.push(t.elapsed());
    }
    let single_commits_per_sec = samples.len() as f64 / start.elapsed().as_secs_f64();
    let mut rows = 0u64;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        let mut tx = pool.begin().await?;
        for _ in 0..100 {
            seq += 1;
            insert_one(&mut *tx, conv, seq).await?;
        }
        tx.commit().await?;
        rows += 100;
    }
    let batch100_rows_per_sec = rows as f64 / start.elapsed().as_secs_f64();
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(SqliteBaseline {
        single_commit: Latency::of(&samples),
        single_commits_per_sec,
        batch100_rows_per_sec,
    })
}

/// Inserts one typical message row through `executor` (the pool, or an open transaction).
async fn insert_one<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    conv: uuid::Uuid,
    seq: i64,
) -> anyhow::Result<()> {
    sqlx::query(INSERT)
        .bind(uuid::Uuid::new_v4())
        .bind(conv)
        .bind(seq)
        .bind("a message of a typical length, about sixty bytes long")
        .bind(seq)
        .execute(executor)
        .await?;
    Ok(())
}

/// Runs one statement on PostgreSQL at `url` (database creation and removal).
pub async fn pg_admin(url: &str, sql: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    conn.execute(sql).await?;
    conn.close().await?;
    Ok(())
}

/// What the bare PostgreSQL baseline measured.
#[derive(Debug, serde::Serialize)]
pub struct PgBaseline {
    /// Clients inserting at once.
    pub clients: usize,
    /// Single-row autocommit inserts per second (synchronous_commit on).
    pub inserts_per_sec: f64,
    /// Insert latency.
    pub insert: Latency,
}

/// `clients` connections each inserting one row per synchronous commit for `secs`.
pub async fn pg_inserts(admin_url: &str, clients: usize, secs: u64) -> anyhow::Result<PgBaseline> {
    let name = format!("ebb_bench_base_{}", std::process::id());
    pg_admin(
        admin_url,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await?;
    pg_admin(admin_url, &format!("CREATE DATABASE {name}")).await?;
    let url = match admin_url.rfind('/') {
        Some(i) => format!("{}/{name}", &admin_url[..i]),
        None => anyhow::bail!("bad PostgreSQL URL"),
    };
    let options =
        sqlx::postgres::PgConnectOptions::from_str(&url)?.options([("synchronous_commit", "on")]);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(u32::try_from(clients)?)
        .connect_with(options)
        .await?;
    pool.execute(&*CREATE.replace("BLOB", "UUID")).await?;
    let deadline = Instant::now() + Duration::from_secs(secs);
    let pool = Arc::new(pool);
    let mut tasks = tokio::task::JoinSet::new();
    let start = Instant::now();
    for _ in 0..clients {
        let pool = pool.clone();
        tasks.spawn(async move {
            let conv = uuid::Uuid::new_v4();
            let mut samples = Vec::new();
            let mut seq = 0i64;
            while Instant::now() < deadline {
                seq += 1;
                let t = Instant::now();
                let r = sqlx::query(INSERT)
                    .bind(uuid::Uuid::new_v4())
                    .bind(conv)
                    .bind(seq)
                    .bind("a message of a typical length, about sixty bytes long")
                    .bind(seq)
                    .execute(&*pool)
                    .await;
                if r.is_err() {
                    break;
                }
                samples.push(t.elapsed());
            }
            samples
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    pool.close().await;
    pg_admin(
        admin_url,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await?;
    Ok(PgBaseline {
        clients,
        inserts_per_sec: all.len() as f64 / elapsed,
        insert: Latency::of(&all),
    })
}
