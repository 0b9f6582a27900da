//! Connection handling for both backends: the pool, transactions, migrations, and the
//! `run!` macro that executes one SQL text on whichever backend a handle points to, and
//! `exec!` / `exec_one!` for writes that only need to know how many rows they touched
//! (and `row_into!` for a row type's conversion into its core type).
//! SQLite writes go through [`group_commit`]: one fsync covers every concurrent commit.

mod backup;
mod group_commit;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

use crate::{Result, StoreError};
use group_commit::WalSync;

/// Runs `$body` with `$c` bound to the backend connection behind handle `$h`. The body is
/// compiled once per backend, so it must only use SQL and binds valid on both.
macro_rules! run {
    ($h:expr, |$c:ident| $body:expr) => {
        match $crate::db::Handle::conn($h) {
            $crate::db::ConnRef::Sqlite($c) => $body,
            $crate::db::ConnRef::Postgres($c) => $body,
        }
    };
}

/// Executes the write `$query` (built with its binds) on handle `$h`: how many rows it
/// touched, as a `Result<u64>`.
macro_rules! exec {
    ($h:expr, $query:expr) => {
        $crate::db::rows(run!($h, |c| $query
            .execute(c)
            .await
            .map(|r| r.rows_affected())))
    };
}

/// Executes the write `$query` meant for one row on handle `$h`: whether it touched exactly
/// one, as a `Result<bool>` (`false` when the row is not there or did not qualify).
macro_rules! exec_one {
    ($h:expr, $query:expr) => {
        exec!($h, $query).map(|rows| rows == 1)
    };
}

/// Declares how the row type `$row` converts into `$ty`: `$body` (with the row as `$r`)
/// is a `Result<$ty>`, an error when a column holds what `$ty` cannot (a `Corrupt` row).
macro_rules! row_into {
    ($row:ty, $ty:ty, |$r:ident| $body:expr) => {
        impl TryFrom<$row> for $ty {
            type Error = $crate::StoreError;
            fn try_from($r: $row) -> $crate::Result<Self> {
                $body
            }
        }
    };
}

/// Which database engine a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool, Arc<Writer>),
    Postgres(PgPool),
}

/// What SQLite writers share: the in-process write lock (writers queue here, in order,
/// instead of in SQLite's sleeping busy handler) and the group commit, if the database
/// is a file.
#[derive(Debug)]
struct Writer {
    lock: Arc<tokio::sync::Mutex<()>>,
    sync: Option<WalSync>,
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Set when a write failed because the database could not take it (full disk, I/O
    /// error, connection lost); cleared by the next write that commits.
    write_fault: Arc<AtomicBool>,
}

/// A borrowed connection of either backend.
pub enum ConnRef<'a> {
    /// SQLite.
    Sqlite(&'a mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut PgConnection),
}

/// Anything queries can run on: a pooled connection or a transaction.
pub trait Handle {
    /// The underlying connection.
    fn conn(&mut self) -> ConnRef<'_>;
}

/// A pooled connection for reads outside a transaction.
pub enum Conn {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl Handle for Conn {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Self::Sqlite(c) => ConnRef::Sqlite(c),
            Self::Postgres(c) => ConnRef::Postgres(c),
        }
    }
}

/// A write transaction: everything in it commits together or not at all.
pub struct Tx {
    inner: TxInner,
    write_fault: Arc<AtomicBool>,
}

/// The backend's transaction.
enum TxInner {
    /// SQLite (`BEGIN IMMEDIATE` under the in-process write lock).
    Sqlite(SqliteTx),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// An SQLite write transaction holding the process's write lock until it ends.
struct SqliteTx {
    tx: sqlx::Transaction<'static, Sqlite>,
    writer: Arc<Writer>,
    lock: tokio::sync::OwnedMutexGuard<()>,
}

impl Handle for Tx {
    fn conn(&mut self) -> ConnRef<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => ConnRef::Sqlite(&mut t.tx),
            TxInner::Postgres(t) => ConnRef::Postgres(t),
        }
    }
}

impl Tx {
    /// Commits; when this returns `Ok` the data is durable. On SQLite the write lock is
    /// released at the commit, before waiting for the (shared) fsync of the log. A commit
    /// that fails leaves no transaction open: the connection is rolled back or, when
    /// that fails too, discarded by the pool before its next use.
    pub async fn commit(self) -> Result<()> {
        let committed = match self.inner {
            TxInner::Sqlite(SqliteTx { tx, writer, lock }) => {
                let result = tx.commit().await.map_err(StoreError::from);
                drop(lock);
                match (result, &writer.sync) {
                    (Ok(()), Some(sync)) => sync.sync().await,
                    (result, _) => result,
                }
            }
            TxInner::Postgres(t) => t.commit().await.map_err(StoreError::from),
        };
        note_write(&self.write_fault, &committed);
        committed
    }
}

/// Records whether a write reached the database: a fault that makes it unavailable sets
/// the store's write fault (readiness fails), a success clears it.
fn note_write<T>(write_fault: &AtomicBool, result: &Result<T>) {
    match result {
        Ok(_) => {
            if write_fault.swap(false, Ordering::AcqRel) {
                tracing::warn!("database writes succeed again");
            }
        }
        Err(err) if err.is_unavailable() => {
            if !write_fault.swap(true, Ordering::AcqRel) {
                tracing::error!(error = %err, "database write failed; node unready until writes succeed");
            }
        }
        Err(_) => {}
    }
}

/// The pool's check before it hands out an idle connection: one still inside a
/// transaction (a commit or rollback failed, e.g. on a full disk, and left the
/// connection's transaction depth behind) is closed instead of reused, so every
/// connection handed out is clean. SQLite's pool pings first, so a rollback queued when
/// the transaction was dropped has run by then.
fn clean_connection<C: Connection>(conn: &mut C) -> bool {
    if conn.is_in_transaction() {
        tracing::warn!("discarding a pooled connection left inside a transaction");
        return false;
    }
    true
}

impl Store {
    /// Opens the database at `url`: `postgres://...` for PostgreSQL, `sqlite://...` (or
    /// `sqlite:`) for SQLite.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(PgConnectOptions::from_str(url)?).await
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(SqliteConnectOptions::from_str(url)?).await
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// Opens (creating if needed) the embedded database `ebb.db` in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(StoreError::DataDir)?;
        Self::connect_sqlite(SqliteConnectOptions::new().filename(dir.join("ebb.db"))).await
    }

    /// Opens PostgreSQL with every query resolved in `schema` (used to isolate test runs).
    pub async fn connect_postgres_schema(url: &str, schema: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
        Self::connect_postgres(options).await
    }

    /// WAL; on a file `synchronous=NORMAL` plus the group commit's fsync before each
    /// commit returns (as durable as `FULL`), in memory plain `FULL`.
    async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self> {
        let file = options.get_filename();
        let in_memory = file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:");
        let writer = Writer {
            lock: Arc::default(),
            sync: (!in_memory).then(|| WalSync::new(file)),
        };
        let synchronous = if in_memory {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Normal
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(true)
            .before_acquire(|conn, _| Box::pin(async move { Ok(clean_connection(conn)) }))
            .connect_with(options)
            .await?;
        Ok(Self {
            pool: Pool::Sqlite(pool, Arc::new(writer)),
            write_fault: Arc::default(),
        })
    }

    async fn connect_postgres(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(PG_ACQUIRE_TIMEOUT)
            .before_acquire(|conn, _| Box::pin(async move { Ok(clean_connection(conn)) }))
            .connect_with(options)
            .await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
            write_fault: Arc::default(),
        })
    }

    /// Which engine this store uses.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(..) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p, _) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// The versions and descriptions of the migrations embedded for each backend.
    pub fn migration_versions() -> [Vec<(i64, String)>; 2] {
        let list = |m: sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect()
        };
        [
            list(sqlx::migrate!("./migrations/sqlite")),
            list(sqlx::migrate!("./migrations/postgres")),
        ]
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p, writer) => {
                let lock = writer.lock.clone().lock_owned().await;
                p.begin_with("BEGIN IMMEDIATE").await.map(|tx| {
                    TxInner::Sqlite(SqliteTx {
                        tx,
                        writer: writer.clone(),
                        lock,
                    })
                })
            }
            Pool::Postgres(p) => p.begin().await.map(TxInner::Postgres),
        }
        .map_err(StoreError::from);
        if inner.is_err() {
            note_write(&self.write_fault, &inner);
        }
        Ok(Tx {
            inner: inner?,
            write_fault: self.write_fault.clone(),
        })
    }

    /// Whether the database takes writes: `false` after a write failed for want of space,
    /// I/O or connection until one succeeds. When a write failed, this tries a small one
    /// (so a node nobody writes to notices that space came back).
    pub async fn writable(&self) -> bool {
        if !self.write_fault.load(Ordering::Acquire) {
            return true;
        }
        let probe = self.write_probe().await;
        note_write(&self.write_fault, &probe);
        probe.is_ok()
    }

    /// A committed write that changes nothing: rewrites SQLite's `user_version` (a page of
    /// the log, like any small write), or on PostgreSQL a write transaction's commit.
    async fn write_probe(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        match &mut tx.inner {
            TxInner::Sqlite(t) => {
                let (version,): (i64,) = sqlx::query_as("PRAGMA user_version")
                    .fetch_one(&mut *t.tx)
                    .await?;
                sqlx::query(&format!("PRAGMA user_version = {version}"))
                    .execute(&mut *t.tx)
                    .await?;
            }
            TxInner::Postgres(t) => {
                sqlx::query("SELECT pg_current_xact_id()")
                    .execute(&mut **t)
                    .await?;
            }
        }
        tx.commit().await
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(p, _) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        exec!(&mut conn, sqlx::query("SELECT 1"))?;
        Ok(())
    }

    /// Closes every connection (used at shutdown).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p, _) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// How long a request waits for a PostgreSQL connection before answering 503: short, so
/// clients hear "retry" quickly while the database restarts instead of hanging.
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// The row count of an executed write, its error in the store's terms (for `exec!`).
pub(crate) fn rows(executed: std::result::Result<u64, sqlx::Error>) -> Result<u64> {
    Ok(executed?)
}

/// The URL without its password, for error messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
