//! The test clock's offset from real time, kept in the database so that time moved forward
//! in a test or demo survives a restart (and is the same for every node).

use crate::{Handle, Result};

/// The stored offset in microseconds (0 when never set).
pub async fn get(h: &mut impl Handle) -> Result<i64> {
    let row: Option<(i64,)> = run!(h, |c| sqlx::query_as(
        "SELECT offset_us FROM clock_offset WHERE id = 1"
    )
    .fetch_optional(c)
    .await)?;
    Ok(row.map_or(0, |(v,)| v))
}

/// Stores the offset.
pub async fn set(h: &mut impl Handle, offset_us: i64) -> Result<()> {
    exec!(
        h,
        sqlx::query(
            "INSERT INTO clock_offset (id, offset_us) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET offset_us = excluded.offset_us"
        )
        .bind(offset_us)
    )?;
    Ok(())
}
