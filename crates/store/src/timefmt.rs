//! Instants are stored as integer microseconds since the Unix epoch on both backends,
//! so comparisons and ordering are exact and identical everywhere.

use ebb_core::Instant;

use crate::{Result, StoreError};

/// Microseconds since the epoch.
pub fn to_micros(at: Instant) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

/// Back from microseconds.
pub fn from_micros(micros: i64) -> Result<Instant> {
    Instant::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {micros}: {e}")))
}

/// Optional variant of [`from_micros`].
pub fn from_micros_opt(micros: Option<i64>) -> Result<Option<Instant>> {
    micros.map(from_micros).transpose()
}
