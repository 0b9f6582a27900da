//! The instants Ebb accepts from clients: RFC 3339, from 1970 (the store's epoch) up to
//! the year 9000, so every accepted instant fits the store and leaves room for any period
//! or snooze arithmetic. `rfc3339` is the serde format every API date goes through.

use time::macros::datetime;

use crate::Instant;

/// The earliest instant accepted (included).
pub const EARLIEST: Instant = datetime!(1970-01-01 0:00 UTC);
/// The first instant no longer accepted.
pub const LATEST: Instant = datetime!(9000-01-01 0:00 UTC);

/// Whether `at` is in `[EARLIEST, LATEST)`.
pub fn accepted(at: Instant) -> bool {
    (EARLIEST..LATEST).contains(&at)
}

/// Serde for an accepted instant as RFC 3339 text (`#[serde(with = "...::rfc3339")]`):
/// malformed text and instants outside `[EARLIEST, LATEST)` are refused.
pub mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::Instant;

    /// Writes RFC 3339.
    pub fn serialize<S: Serializer>(at: &Instant, s: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(at, s)
    }

    /// Reads RFC 3339 and checks the range.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        let text = String::deserialize(d)?;
        super::parse(&text).map_err(D::Error::custom)
    }

    /// The same for an optional instant.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

        use crate::Instant;

        /// Writes RFC 3339 or `null`.
        pub fn serialize<S: Serializer>(at: &Option<Instant>, s: S) -> Result<S::Ok, S::Error> {
            time::serde::rfc3339::option::serialize(at, s)
        }

        /// Reads RFC 3339 or `null` and checks the range.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| super::super::parse(&text).map_err(D::Error::custom))
                .transpose()
        }
    }
}

/// Parses RFC 3339 text into an accepted instant; the error says why not.
pub fn parse(text: &str) -> Result<Instant, String> {
    let at = Instant::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{text:?} is not an RFC 3339 date-time: {e}"))?;
    if accepted(at) {
        Ok(at)
    } else {
        Err(format!(
            "{text:?} is out of range: dates from 1970-01-01 to before 9000-01-01 are accepted"
        ))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_bounds_are_exact() {
        assert!(parse("1970-01-01T00:00:00Z").is_ok());
        assert!(parse("1969-12-31T23:59:59.999999Z").is_err());
        assert!(parse("8999-12-31T23:59:59Z").is_ok());
        assert!(parse("9000-01-01T00:00:00Z").is_err());
        assert!(parse("0000-01-01T00:00:00Z").is_err());
        assert!(parse("2026-02-30T00:00:00Z").is_err());
        assert!(parse("").is_err());
    }

    proptest! {
        /// Any instant a client can write is accepted exactly when it is in range.
        #[test]
        fn parse_accepts_exactly_the_range(secs in -62_167_219_200_i64..253_402_300_799) {
            let at = Instant::from_unix_timestamp(secs).expect("in time's range");
            let text = at
                .format(&time::format_description::well_known::Rfc3339)
                .expect("format");
            prop_assert_eq!(parse(&text).is_ok(), accepted(at));
        }
    }
}
