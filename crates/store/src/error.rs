//! The store's one error type. Unique-constraint violations become `Conflict` with the
//! [`Unique`] rule that was broken, so no constraint or table name leaves the store.

/// Which uniqueness rule a write broke. Callers turn it into words for their audience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unique {
    /// Another brand already uses this slug.
    BrandSlug,
    /// The brand already has an expert with this e-mail address.
    ExpertEmail,
    /// The brand already has an admin with this e-mail address.
    AdminEmail,
    /// The brand already has a saved reply with this key.
    SavedReplyKey,
    /// The brand already recorded a purchase with this order id.
    PurchaseOrder,
    /// The conversation was already rated.
    CsatRating,
    /// The conversation already has a message with this client message id.
    ClientMessageId,
    /// The brand already has a tag with this name.
    TagName,
    /// Any other uniqueness rule (internal keys the caller does not choose).
    Other,
}

/// One row per named constraint: its name (as PostgreSQL reports it) and the columns SQLite
/// lists in its message (`UNIQUE constraint failed: <columns>`).
const UNIQUE_RULES: [(&str, &str, Unique); 8] = [
    ("brands_slug_key", "brands.slug", Unique::BrandSlug),
    (
        "experts_brand_email_key",
        "experts.brand_id, experts.email",
        Unique::ExpertEmail,
    ),
    (
        "admins_brand_email_key",
        "admins.brand_id, admins.email",
        Unique::AdminEmail,
    ),
    (
        "saved_replies_pkey",
        "saved_replies.brand_id, saved_replies.key",
        Unique::SavedReplyKey,
    ),
    (
        "purchases_brand_order_key",
        "purchases.brand_id, purchases.order_id",
        Unique::PurchaseOrder,
    ),
    ("csat_pkey", "csat.conversation_id", Unique::CsatRating),
    (
        "events_client_msg_id_key",
        "events.conversation_id, events.author_key, events.client_msg_id",
        Unique::ClientMessageId,
    ),
    (
        "tags_brand_name_key",
        "tags.brand_id, tags.name",
        Unique::TagName,
    ),
];

impl Unique {
    /// The rule a database error names: PostgreSQL gives the constraint, SQLite the columns.
    fn of(constraint: Option<&str>, message: &str) -> Self {
        let columns = message
            .strip_prefix("UNIQUE constraint failed: ")
            .unwrap_or_default();
        UNIQUE_RULES
            .iter()
            .find(|(name, cols, _)| constraint == Some(*name) || columns == *cols)
            .map_or(Self::Other, |(_, _, rule)| *rule)
    }
}

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (a duplicate e-mail, slug, client message id...).
    #[error("conflict: {0:?}")]
    Conflict(Unique),
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
    /// The operation exists on the other backend only (e.g. an SQLite online backup).
    #[error("not on this database: {0}")]
    WrongBackend(&'static str),
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
                let rule = Unique::of(db.constraint(), db.message());
                tracing::debug!(?rule, db.message = db.message(), "unique violation");
                Self::Conflict(rule)
            }
            // PostgreSQL deadlock / serialization failure: the transaction may be retried.
            Some(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")) => {
                Self::Concurrent("transaction")
            }
            _ => Self::Database(err),
        }
    }
}

impl StoreError {
    /// Whether the database cannot serve right now but may again without intervention: a
    /// full disk or I/O error (SQLite), a lost or refused connection, a pool that ran
    /// out of connections or time. Clients should retry these (503 with `Retry-After`).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Database(err) => sqlx_unavailable(err),
            Self::Durability(_) => true,
            _ => false,
        }
    }
}

/// SQLite primary result codes of a full or failing disk: `SQLITE_BUSY` (5), `SQLITE_LOCKED`
/// (6), `SQLITE_NOMEM` (7), `SQLITE_IOERR` (10), `SQLITE_FULL` (13), `SQLITE_CANTOPEN` (14).
const SQLITE_UNAVAILABLE: [i64; 6] = [5, 6, 7, 10, 13, 14];

/// Whether a sqlx error means "unavailable for now" (see [`StoreError::is_unavailable`]).
fn sqlx_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.parse::<i64>() {
                // SQLite: the extended code carries the primary code in its low byte.
                Ok(extended) => SQLITE_UNAVAILABLE.contains(&(extended & 0xff)),
                // PostgreSQL: connection exceptions, shutdown, too many connections, read-only
                // (a replica or a server recovering), disk full, I/O error.
                Err(_) => {
                    code.starts_with("08")
                        || code.starts_with("57P")
                        || matches!(code.as_ref(), "53100" | "53300" | "25006" | "58030")
                }
            }
        }
        _ => false,
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        Self::Corrupt(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_name_the_same_rule() {
        for (name, columns, rule) in UNIQUE_RULES {
            assert_eq!(Unique::of(Some(name), "duplicate key value"), rule);
            let message = format!("UNIQUE constraint failed: {columns}");
            assert_eq!(Unique::of(None, &message), rule);
        }
        assert_eq!(Unique::of(Some("jobs_pkey"), "x"), Unique::Other);
        assert_eq!(
            Unique::of(None, "UNIQUE constraint failed: jobs.id"),
            Unique::Other
        );
    }

    #[test]
    fn io_faults_are_unavailable_and_input_faults_are_not() {
        let io = std::io::Error::other("disk");
        assert!(StoreError::Durability(io).is_unavailable());
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(!StoreError::Corrupt("x".into()).is_unavailable());
        assert!(!StoreError::Conflict(Unique::Other).is_unavailable());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
    }
}
