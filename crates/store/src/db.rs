//! Connection handling for both backends: the pool, transactions, migrations, and the
//! `run!` macro that executes one SQL text on whichever backend a handle points to.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

use crate::{Result, StoreError};

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
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
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
pub enum Tx {
    /// SQLite (`BEGIN IMMEDIATE`: writers queue instead of failing on lock upgrade).
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Handle for Tx {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Self::Sqlite(t) => ConnRef::Sqlite(t),
            Self::Postgres(t) => ConnRef::Postgres(t),
        }
    }
}

impl Tx {
    /// Commits; when this returns `Ok` the data is durable.
    pub async fn commit(self) -> Result<()> {
        match self {
            Self::Sqlite(t) => t.commit().await?,
            Self::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
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

    async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
        })
    }

    async fn connect_postgres(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Which engine this store uses.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
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
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        run!(&mut conn, |c| sqlx::query("SELECT 1")
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection (used at shutdown).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// The URL without its password, for error messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
