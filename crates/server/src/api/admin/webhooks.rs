//! The admin's webhook endpoints: subscribe a URL to event types (its signing secret is
//! shown once), list and delete endpoints, and see recent deliveries with their status.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_store::outbox::{self, Delivery};
use ebb_store::webhook_endpoints::{self, Endpoint};
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use super::super::page::{Order, PageQuery};
use super::super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{AdminAuth, new_token};
use crate::webhooks::{EVENT_TYPES, TargetPolicy};
use crate::{ApiError, AppState};
use ebb_store::page::Cursor;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Longest endpoint URL.
pub const MAX_URL: usize = 2000;
/// Most endpoints per brand.
pub const MAX_ENDPOINTS: usize = 20;

/// Webhook routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(remove))
        .routes(routes!(deliveries))
}

/// A new endpoint: where to POST and which event types.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    /// `http://` or `https://` URL.
    pub url: String,
    /// Event types, from [`EVENT_TYPES`]; at least one.
    pub events: Vec<String>,
}

impl NewEndpoint {
    /// The endpoint's URL and sorted event types, or why they are refused; the URL's
    /// target must be one `targets` allows.
    fn validate(&self, targets: &TargetPolicy) -> Result<(Url, Vec<String>), ApiError> {
        let url = self.url.trim();
        if url.len() > MAX_URL || url.chars().any(char::is_whitespace) {
            return Err(ApiError::Invalid(
                "url must be an http:// or https:// URL with a host (at most 2000 characters)"
                    .into(),
            ));
        }
        let url = targets.check_url(url).map_err(ApiError::TargetRefused)?;
        if self.events.is_empty() {
            return Err(ApiError::Invalid(
                "events must name at least one event".into(),
            ));
        }
        if let Some(bad) = self
            .events
            .iter()
            .find(|e| !EVENT_TYPES.contains(&e.as_str()))
        {
            return Err(ApiError::Invalid(format!(
                "unknown event {bad}; known: {}",
                EVENT_TYPES.join(", ")
            )));
        }
        let mut events = self.events.clone();
        events.sort();
        events.dedup();
        Ok((url, events))
    }
}

/// A created endpoint with its secret (shown only in this answer).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedEndpoint {
    /// The endpoint.
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The HMAC-SHA256 key deliveries are signed with.
    pub secret: String,
}

/// Add a webhook endpoint (its signing secret is shown once).
#[utoipa::path(post, path = "/webhooks", tag = "admin", request_body = NewEndpoint,
    responses((status = 201, description = "The endpoint and its secret", body = CreatedEndpoint)))]
async fn create(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<NewEndpoint>,
) -> Result<(StatusCode, Json<CreatedEndpoint>), ApiError> {
    let targets = &state.settings.webhook_targets;
    let (url, events) = new.validate(targets)?;
    targets
        .check_resolved(&url)
        .await
        .map_err(ApiError::TargetRefused)?;
    let endpoint = Endpoint {
        id: Uuid::now_v7(),
        brand_id: admin.brand_id,
        url: url.to_string(),
        events,
        created_at: state.clock.now(),
    };
    let secret = format!("whsec_{}", new_token());
    let mut tx = state.store.begin().await?;
    if webhook_endpoints::list(&mut tx, admin.brand_id)
        .await?
        .len()
        >= MAX_ENDPOINTS
    {
        return Err(ApiError::Conflict(format!(
            "a brand has at most {MAX_ENDPOINTS} webhook endpoints"
        )));
    }
    webhook_endpoints::insert(&mut tx, &endpoint, &secret).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedEndpoint { endpoint, secret }),
    ))
}

crate::api::page::page_body! {
    /// The brand's endpoints (secrets are never listed).
    pub struct EndpointList {
        /// Oldest first.
        pub webhooks: Vec<Endpoint>
    }
}

/// The brand's webhook endpoints.
#[utoipa::path(get, path = "/webhooks", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The endpoints", body = EndpointList)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<EndpointList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = webhook_endpoints::list(&mut conn, admin.brand_id).await?;
    Ok(Json(
        page.slice(all, Order::Ascending, |e| Cursor::new(e.created_at, e.id))?
            .into(),
    ))
}

/// Remove a webhook endpoint.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "admin",
    responses((status = 204, description = "Removed")))]
async fn remove(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    if !webhook_endpoints::delete(&mut tx, admin.brand_id, id, now).await? {
        return Err(ApiError::NotFound("webhook endpoint"));
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

crate::api::page::page_body! {
    /// Recent deliveries.
    pub struct DeliveryList {
        /// Newest first.
        pub deliveries: Vec<Delivery>
    }
}

/// Recent webhook deliveries with their status.
#[utoipa::path(get, path = "/webhook-deliveries", tag = "admin", params(PageQuery),
    responses((status = 200, description = "Newest first", body = DeliveryList)))]
async fn deliveries(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<DeliveryList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let rows = outbox::recent(&mut conn, admin.brand_id, page.cursor()?, page.fetch()).await?;
    Ok(Json(
        page.cut(rows, |d| Cursor::new(d.created_at, d.id)).into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::NewEndpoint;

    fn check(url: &str, events: &[&str]) -> bool {
        let loopback = crate::webhooks::TargetPolicy::parse("127.0.0.1").expect("a policy");
        NewEndpoint {
            url: url.to_owned(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
        }
        .validate(&loopback)
        .is_ok()
    }

    #[test]
    fn only_http_urls_and_known_events_are_accepted() {
        assert!(check("https://hooks.example/ebb", &["message.created"]));
        assert!(check("http://127.0.0.1:9000/x?y=1", &["csat.submitted"]));
        assert!(!check("ftp://hooks.example", &["message.created"]));
        assert!(!check("https://", &["message.created"]));
        assert!(!check("https://user@hooks.example", &["message.created"]));
        assert!(!check("javascript:alert(1)", &["message.created"]));
        assert!(!check("https://hooks.example", &[]));
        assert!(!check("https://hooks.example", &["message.deleted"]));
        assert!(!check("http://127.0.0.2:9000/x", &["csat.submitted"]));
    }
}
