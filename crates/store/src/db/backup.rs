//! Online copies of the embedded SQLite database: `VACUUM INTO` reads one consistent
//! snapshot (a read transaction, so WAL writers keep going) into a new file, and
//! `PRAGMA integrity_check` verifies a copy.

use std::path::Path;

use super::{Pool, Store};
use crate::{Result, StoreError};

impl Store {
    /// Opens the SQLite database file at `path` (e.g. a backup, to check it).
    pub async fn open_file(path: &Path) -> Result<Self> {
        Self::connect_sqlite(sqlx::sqlite::SqliteConnectOptions::new().filename(path)).await
    }

    /// Writes a consistent copy of the SQLite database to `dest`, which must not exist.
    /// Runs while other connections read and write: the copy is the database as of the
    /// moment its read transaction began. Refused on PostgreSQL (use `pg_dump`).
    pub async fn backup_into(&self, dest: &Path) -> Result<()> {
        let Pool::Sqlite(pool, _) = &self.pool else {
            return Err(StoreError::WrongBackend(
                "VACUUM INTO is SQLite's; use pg_dump",
            ));
        };
        let dest = dest
            .to_str()
            .ok_or(StoreError::WrongBackend("the backup path must be UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The answer of SQLite's `PRAGMA integrity_check`: `ok`, or what is wrong (one
    /// problem a line). Refused on PostgreSQL.
    pub async fn integrity_check(&self) -> Result<String> {
        let Pool::Sqlite(pool, _) = &self.pool else {
            return Err(StoreError::WrongBackend("integrity_check is SQLite's"));
        };
        let lines: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?;
        Ok(lines
            .into_iter()
            .map(|(line,)| line)
            .collect::<Vec<_>>()
            .join("\n"))
    }
}
