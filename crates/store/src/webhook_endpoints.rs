//! A brand's webhook endpoints: a URL, the event types it subscribes to, and the secret
//! deliveries are signed with. Deleting an endpoint keeps its row (for delivery history)
//! with `deleted_at` set; deleted endpoints receive nothing more.

use ebb_core::{BrandId, Instant};
use serde::Serialize;
use uuid::Uuid;

use crate::timefmt::{from_micros, to_micros};
use crate::{Handle, Result};

/// A live endpoint, without its secret (what lists show).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Endpoint {
    /// Identity.
    pub id: Uuid,
    /// Its brand.
    pub brand_id: BrandId,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Instant,
}

/// An endpoint with the secret deliveries are signed with (for the delivery worker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The HMAC key.
    pub secret: String,
    /// Whether it was deleted (deliveries to it are abandoned).
    pub deleted: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    brand_id: Uuid,
    url: String,
    events: String,
    secret: String,
    created_at: i64,
    deleted_at: Option<i64>,
}

row_into!(Row, Target, |r| {
    Ok(Self {
        endpoint: Endpoint {
            id: r.id,
            brand_id: BrandId(r.brand_id),
            url: r.url,
            events: serde_json::from_str(&r.events)?,
            created_at: from_micros(r.created_at)?,
        },
        secret: r.secret,
        deleted: r.deleted_at.is_some(),
    })
});

const COLUMNS: &str = "id, brand_id, url, events, secret, created_at, deleted_at";

/// Stores a new endpoint with its secret.
pub async fn insert(h: &mut impl Handle, endpoint: &Endpoint, secret: &str) -> Result<()> {
    let events = serde_json::to_string(&endpoint.events)?;
    exec!(
        h,
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, brand_id, url, events, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(endpoint.id)
        .bind(endpoint.brand_id.0)
        .bind(&endpoint.url)
        .bind(&events)
        .bind(secret)
        .bind(to_micros(endpoint.created_at))
    )?;
    Ok(())
}

/// The brand's live endpoints with their secrets, oldest first.
pub async fn live(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Target>> {
    let rows = run!(h, |c| sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE brand_id = $1 AND deleted_at IS NULL \
         ORDER BY created_at, id"
    ))
    .bind(brand.0)
    .fetch_all(c)
    .await)?;
    rows.into_iter().map(Target::try_from).collect()
}

/// The brand's live endpoints, without secrets.
pub async fn list(h: &mut impl Handle, brand: BrandId) -> Result<Vec<Endpoint>> {
    Ok(live(h, brand)
        .await?
        .into_iter()
        .map(|t| t.endpoint)
        .collect())
}

/// One endpoint of the brand (deleted ones included), for the delivery worker.
pub async fn get(h: &mut impl Handle, brand: BrandId, id: Uuid) -> Result<Option<Target>> {
    let row = run!(h, |c| sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE brand_id = $1 AND id = $2"
    ))
    .bind(brand.0)
    .bind(id)
    .fetch_optional(c)
    .await)?;
    row.map(Target::try_from).transpose()
}

/// Deletes a live endpoint of the brand; false when there was none. Its pending
/// deliveries are abandoned (marked dead).
pub async fn delete(h: &mut impl Handle, brand: BrandId, id: Uuid, now: Instant) -> Result<bool> {
    let changed = exec!(
        h,
        sqlx::query(
            "UPDATE webhook_endpoints SET deleted_at = $3 \
         WHERE brand_id = $1 AND id = $2 AND deleted_at IS NULL"
        )
        .bind(brand.0)
        .bind(id)
        .bind(to_micros(now))
    )?;
    if changed == 0 {
        return Ok(false);
    }
    exec!(
        h,
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'dead', last_error = 'endpoint deleted', \
         locked_until = NULL WHERE brand_id = $1 AND endpoint_id = $2 AND status = 'pending'"
        )
        .bind(brand.0)
        .bind(id)
    )?;
    Ok(true)
}
