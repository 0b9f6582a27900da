//! `ebb backup` and `ebb restore`: an online, consistent copy of the embedded SQLite
//! database (`VACUUM INTO`) and putting one back while no server runs. PostgreSQL is backed
//! up with `pg_dump` (run for you when it is on `PATH`), restored with `pg_restore`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::Args;
use ebb_server::Config;
use ebb_server::data_lock::DataDirLock;
use ebb_store::Store;

/// `ebb backup <dest>`
#[derive(Args)]
pub struct BackupCommand {
    /// The file to write (must not exist): an SQLite database, or with PostgreSQL a
    /// `pg_dump --format=custom` archive.
    dest: PathBuf,
    #[command(flatten)]
    config: Config,
}

/// `ebb restore <src>`
#[derive(Args)]
pub struct RestoreCommand {
    /// A file written by `ebb backup` (SQLite only).
    src: PathBuf,
    /// Replace the data directory's existing database (still refused while a server runs).
    #[arg(long)]
    replace: bool,
    #[command(flatten)]
    config: Config,
}

/// Writes the backup; prints where.
pub async fn backup(command: BackupCommand) -> anyhow::Result<()> {
    let BackupCommand { dest, config } = command;
    if dest.exists() {
        bail!("{} exists; choose a new file", dest.display());
    }
    if let Some(url) = &config.database_url {
        return pg_dump(url, config.database_schema.as_deref(), &dest);
    }
    let db = config.data_dir.join("ebb.db");
    if !db.exists() {
        bail!("no database at {}", db.display());
    }
    let store = Store::open_dir(&config.data_dir).await?;
    let partial = partial_path(&dest);
    let _ = std::fs::remove_file(&partial);
    let copied = store.backup_into(&partial).await;
    store.close().await;
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(err).context("backup failed");
    }
    durable_rename(&partial, &dest)?;
    println!("backup written to {}", dest.display());
    Ok(())
}

/// Puts a backup in place of the data directory's database; prints where.
pub async fn restore(command: RestoreCommand) -> anyhow::Result<()> {
    let RestoreCommand {
        src,
        replace,
        config,
    } = command;
    if config.database_url.is_some() {
        bail!(
            "ebb restore is for the embedded SQLite database; restore PostgreSQL with pg_restore"
        );
    }
    if !src.is_file() {
        bail!("no backup at {}", src.display());
    }
    let dir = &config.data_dir;
    let _lock = DataDirLock::restoring(dir)?;
    let db = dir.join("ebb.db");
    if db.exists() && !replace {
        bail!("{} exists; pass --replace to overwrite it", db.display());
    }
    let partial = partial_path(&db);
    std::fs::copy(&src, &partial).context("cannot copy the backup")?;
    if let Err(err) = check(&partial).await {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    for stale in ["ebb.db-wal", "ebb.db-shm"] {
        match std::fs::remove_file(dir.join(stale)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(err).context("cannot remove the old write-ahead log");
            }
            _ => {}
        }
    }
    durable_rename(&partial, &db)?;
    println!("restored {} into {}", src.display(), db.display());
    Ok(())
}

/// Fails unless the SQLite database at `path` passes `PRAGMA integrity_check`.
async fn check(path: &Path) -> anyhow::Result<()> {
    let store = Store::open_file(path)
        .await
        .context("the backup is not an SQLite database")?;
    let verdict = store.integrity_check().await;
    store.close().await;
    let verdict = verdict.context("cannot check the backup")?;
    if verdict != "ok" {
        bail!("the backup fails its integrity check: {verdict}");
    }
    Ok(())
}

/// `pg_dump --format=custom` of the configured database (and schema) into `dest`.
fn pg_dump(url: &str, schema: Option<&str>, dest: &Path) -> anyhow::Result<()> {
    let mut command = Command::new("pg_dump");
    command.arg("--format=custom").arg("--file").arg(dest);
    if let Some(schema) = schema {
        command.arg("--schema").arg(schema);
    }
    let status = command.arg("--dbname").arg(url).status().map_err(|err| {
        anyhow::anyhow!(
            "this is a PostgreSQL database and pg_dump could not run ({err}); \
             back it up with pg_dump (see docs/operations.md)"
        )
    })?;
    if !status.success() {
        let _ = std::fs::remove_file(dest);
        bail!("pg_dump failed ({status})");
    }
    println!("pg_dump archive written to {}", dest.display());
    Ok(())
}

/// `<path>.partial`: where a file is written before it is renamed into place.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Flushes `from`, renames it to `to` and flushes the directory, so a crash leaves either
/// the old file or the whole new one.
fn durable_rename(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::File::open(from)
        .and_then(|f| f.sync_all())
        .context("cannot flush the copy")?;
    std::fs::rename(from, to).context("cannot move the copy into place")?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .context("cannot flush the directory")?;
    }
    Ok(())
}
