//! Group commit for the embedded SQLite database. Connections run WAL with
//! `synchronous=NORMAL`, so a commit only writes its frames to the write-ahead log; before
//! [`crate::Tx::commit`] returns, [`WalSync::sync`] makes sure one `fdatasync` of the log
//! started after that commit finished. Writers that commit while an fsync runs share the
//! next one, so N concurrent commits cost about one fsync instead of N, and a commit is
//! still acknowledged only once it is on disk. Writers also queue on an in-process lock
//! instead of SQLite's sleeping busy handler.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Result, StoreError};

/// Makes committed WAL frames durable, one fsync for every commit that waits on it.
#[derive(Debug)]
pub struct WalSync {
    wal: PathBuf,
    dir: PathBuf,
    /// Tickets handed out: one per finished commit that wants to be durable.
    requested: AtomicU64,
    /// Every ticket up to this one is durable.
    synced: AtomicU64,
    /// Held by the one task running an fsync; `true` once the directory was synced.
    leader: tokio::sync::Mutex<bool>,
}

impl WalSync {
    /// Syncs the write-ahead log of the database file `db` (`<db>-wal`).
    pub fn new(db: &Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let dir = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        Self {
            wal: PathBuf::from(wal),
            dir,
            requested: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            leader: tokio::sync::Mutex::new(false),
        }
    }

    /// Returns once everything committed before the call is on disk. The first waiter
    /// runs the fsync; those arriving meanwhile are covered by the next one, run by
    /// whichever of them gets the lock first (the others find their ticket synced).
    pub async fn sync(&self) -> Result<()> {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let mut dir_synced = self.leader.lock().await;
        if self.synced.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every commit holding a ticket up to `upto` finished writing before taking it.
        let upto = self.requested.load(Ordering::SeqCst);
        let (wal, dir) = (self.wal.clone(), (!*dir_synced).then(|| self.dir.clone()));
        tokio::task::spawn_blocking(move || fsync(&wal, dir.as_deref()))
            .await
            .map_err(|e| StoreError::Durability(std::io::Error::other(e)))??;
        *dir_synced = true;
        self.synced.fetch_max(upto, Ordering::AcqRel);
        Ok(())
    }
}

/// `fdatasync` of the log (absent: SQLite checkpointed it into the synced database file
/// and removed it) and, the first time, of its directory so the log's entry is durable.
/// A file that cannot be opened is an error the caller answers (nothing was
/// acknowledged); a failed fsync ends the process, see [`fsync_failed`].
fn fsync(wal: &Path, dir: Option<&Path>) -> Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file
            .sync_data()
            .unwrap_or_else(|err| fsync_failed(wal, &err)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(StoreError::Durability(err)),
    }
    if let Some(dir) = dir {
        let file = std::fs::File::open(dir).map_err(StoreError::Durability)?;
        file.sync_all()
            .unwrap_or_else(|err| fsync_failed(dir, &err));
    }
    Ok(())
}

/// PostgreSQL's rule for a failed fsync: never continue. After a failed fsync the kernel
/// may have dropped the dirty pages and marked them clean, so a retried fsync could
/// "succeed" over lost data. The process aborts (no commit waiting on this fsync was
/// acknowledged); on restart SQLite recovers from what the log really holds on disk.
fn fsync_failed(path: &Path, err: &std::io::Error) -> ! {
    tracing::error!(path = %path.display(), error = %err, "fsync failed; aborting to recover from the log on restart");
    eprintln!("ebb: fsync of {} failed: {err}; aborting", path.display());
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::WalSync;

    #[tokio::test]
    async fn concurrent_waiters_share_fsyncs_and_all_return() {
        let dir = std::env::temp_dir().join(format!("ebb-wal-sync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("x.db");
        std::fs::write(dir.join("x.db-wal"), b"frames").expect("wal");
        let sync = Arc::new(WalSync::new(&db));
        let waiters: Vec<_> = (0..64)
            .map(|_| {
                let sync = sync.clone();
                tokio::spawn(async move { sync.sync().await })
            })
            .collect();
        for w in waiters {
            w.await.expect("join").expect("sync");
        }
        assert_eq!(sync.synced.load(std::sync::atomic::Ordering::Acquire), 64);
        // A log that does not exist (checkpointed away) is not an error.
        let gone = WalSync::new(&dir.join("none.db"));
        gone.sync().await.expect("no log");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
