//! The store's one error type; unique-constraint violations become `Conflict`.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (a duplicate e-mail, slug, client message id...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A row changed under us (optimistic check failed); the caller may retry.
    #[error("concurrent update of {0}")]
    Concurrent(&'static str),
    /// A stored value could not be turned back into a domain value.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database URL names no supported backend.
    #[error("unsupported database URL {0} (use sqlite:... or postgres://...)")]
    UnsupportedUrl(String),
    /// The data directory could not be created.
    #[error("cannot create the data directory: {0}")]
    DataDir(std::io::Error),
    /// Committed data could not be made durable (fsync of the write-ahead log failed).
    #[error("cannot sync the write-ahead log: {0}")]
    Durability(std::io::Error),
    /// Any other database error.
    #[error(transparent)]
    Database(sqlx::Error),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => {
                Self::Conflict(db.constraint().unwrap_or(db.message()).to_owned())
            }
            // PostgreSQL deadlock / serialization failure: the transaction may be retried.
            Some(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")) => {
                Self::Concurrent("transaction")
            }
            _ => Self::Database(err),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        Self::Corrupt(err.to_string())
    }
}
