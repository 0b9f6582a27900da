//! A brand's saved replies (nudge, snooze announcement, goodbye with survey, and its own),
//! falling back to the playbook's defaults until the brand edits them.

use ebb_core::BrandId;
use ebb_core::playbook::DEFAULT_SAVED_REPLIES;
use serde::{Deserialize, Serialize};

use crate::{Handle, Result};

/// One saved reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedReply {
    /// Stable key (`nudge`, `announce_snooze`, `goodbye_survey`, or the brand's own).
    pub key: String,
    /// Short title shown on the button.
    pub title: String,
    /// The text sent.
    pub body: String,
}

/// The brand's saved replies in display order (the defaults if it has none).
pub async fn list(h: &mut impl Handle, brand: BrandId) -> Result<Vec<SavedReply>> {
    let rows = run!(h, |c| sqlx::query_as::<_, SavedReply>(
        "SELECT key, title, body FROM saved_replies WHERE brand_id = $1 ORDER BY position, key"
    )
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    if !rows.is_empty() {
        return Ok(rows);
    }
    Ok(DEFAULT_SAVED_REPLIES
        .iter()
        .map(|(key, title, body)| SavedReply {
            key: (*key).to_owned(),
            title: (*title).to_owned(),
            body: (*body).to_owned(),
        })
        .collect())
}

/// Replaces the brand's saved replies with `replies`, in that order.
pub async fn replace(h: &mut impl Handle, brand: BrandId, replies: &[SavedReply]) -> Result<()> {
    exec!(
        h,
        sqlx::query("DELETE FROM saved_replies WHERE brand_id = $1").bind(brand.0)
    )?;
    for (position, reply) in (0i64..).zip(replies) {
        exec!(
            h,
            sqlx::query(
                "INSERT INTO saved_replies (brand_id, key, title, body, position) \
             VALUES ($1, $2, $3, $4, $5)"
            )
            .bind(brand.0)
            .bind(&reply.key)
            .bind(&reply.title)
            .bind(&reply.body)
            .bind(position)
        )?;
    }
    Ok(())
}
