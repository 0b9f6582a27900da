//! Keyset pagination shared by every list: a [`Cursor`] is the `(time, id)` of the last
//! row of a page, so the next page starts strictly after it and rows inserted meanwhile
//! never make a page skip or repeat one.

use ebb_core::Instant;
use uuid::Uuid;

use crate::timefmt::to_micros;

/// Where a page ended: the sort key of its last row (time in microseconds, then id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    /// The row's time, microseconds since the epoch (0 for lists ordered by id alone; the
    /// position for lists ordered by position).
    pub at: i64,
    /// The row's id (UUIDv7, so ties on time still have one order).
    pub id: Uuid,
}

impl Cursor {
    /// The key of a row with time `at` and `id`.
    pub fn new(at: Instant, id: Uuid) -> Self {
        Self {
            at: to_micros(at),
            id,
        }
    }

    /// A key for lists ordered by id alone.
    pub fn by_id(id: Uuid) -> Self {
        Self { at: 0, id }
    }

    /// A key for lists ordered by a position (the ledger's `pos`).
    pub fn by_position(pos: i64) -> Self {
        Self {
            at: pos,
            id: Uuid::nil(),
        }
    }

    /// Before every row of an oldest-first list.
    pub fn oldest() -> Self {
        Self {
            at: i64::MIN,
            id: Uuid::nil(),
        }
    }

    /// Before every row of a newest-first list.
    pub fn newest() -> Self {
        Self {
            at: i64::MAX,
            id: Uuid::max(),
        }
    }

    /// The opaque text handed to clients.
    pub fn encode(&self) -> String {
        format!("{:016x}{}", self.at.cast_unsigned(), self.id.simple())
    }

    /// Parses [`Cursor::encode`]'s text; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        if text.len() != 48 || !text.is_ascii() {
            return None;
        }
        let (at, id) = text.split_at(16);
        let at = u64::from_str_radix(at, 16).ok()?.cast_signed();
        let id = Uuid::try_parse(id).ok()?;
        Some(Self { at, id })
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;
    use uuid::Uuid;

    #[test]
    fn a_cursor_survives_its_text_and_nothing_else_parses() {
        for c in [
            Cursor::newest(),
            Cursor::by_id(crate::ids::new_uuid()),
            Cursor {
                at: -5,
                id: Uuid::nil(),
            },
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(Cursor::decode("nope"), None);
        assert_eq!(Cursor::decode(&"z".repeat(48)), None);
    }
}
