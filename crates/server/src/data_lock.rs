//! The lock file `ebb.lock` in the SQLite data directory: every `ebb serve` on the directory
//! holds it shared while it runs, `ebb restore` takes it exclusively, so a restore never
//! replaces a database under a running server (the OS drops the lock when a process dies).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// A held lock on a data directory; released when dropped.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

/// Why a data directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock in a conflicting mode.
    #[error("{0}")]
    Busy(&'static str),
    /// The lock file could not be opened or locked.
    #[error("lock file: {0}")]
    Io(#[from] std::io::Error),
}

fn open(dir: &Path) -> std::io::Result<File> {
    std::fs::create_dir_all(dir)?;
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("ebb.lock"))
}

impl DataDirLock {
    /// The lock of a server on `dir` (shared: several processes may serve one directory);
    /// busy while a restore runs.
    pub fn serving(dir: &Path) -> Result<Self, LockError> {
        let file = open(dir)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy(
                "a restore is replacing the database in this data directory",
            )),
            Err(TryLockError::Error(err)) => Err(err.into()),
        }
    }

    /// The lock of a restore on `dir` (exclusive); busy while any server runs on it.
    pub fn restoring(dir: &Path) -> Result<Self, LockError> {
        let file = open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy(
                "an ebb server is running on this data directory; stop it first",
            )),
            Err(TryLockError::Error(err)) => Err(err.into()),
        }
    }
}
