//! Stale-work guardrails for the brand admin: the brand's two thresholds, and the open
//! conversations core finds stale (`ebb_core::stale`), grouped by the expert they belong to,
//! so the admin can reassign them in one click (`POST /conversations/{id}/reassign`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use ebb_core::stale::{StaleReason, StaleThresholds, staleness};
use ebb_core::{BrandId, Conversation, ExpertId};
use ebb_store::page::Cursor;
use ebb_store::{experts, stale};
use serde::Serialize;
use uuid::Uuid;

use crate::api::page::{Order, PageQuery};
use crate::api::{ApiJson, ApiQuery};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/admin`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_thresholds, put_thresholds))
        .routes(routes!(list_stale))
}

/// The brand's stale thresholds.
#[utoipa::path(get, path = "/stale-thresholds", tag = "admin",
    responses((status = 200, description = "The thresholds", body = StaleThresholds)))]
async fn get_thresholds(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<StaleThresholds>, ApiError> {
    let mut conn = state.store.conn().await?;
    Ok(Json(thresholds_of(&mut conn, admin.brand_id).await?))
}

/// Replace the brand's stale thresholds.
#[utoipa::path(put, path = "/stale-thresholds", tag = "admin", request_body = StaleThresholds,
    responses((status = 200, description = "The thresholds as stored", body = StaleThresholds)))]
async fn put_thresholds(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<StaleThresholds>,
) -> Result<Json<StaleThresholds>, ApiError> {
    let new = new.validated()?;
    let mut conn = state.store.conn().await?;
    if !stale::set_thresholds(&mut conn, admin.brand_id, new).await? {
        return Err(ApiError::NotFound("brand"));
    }
    Ok(Json(new))
}

async fn thresholds_of(
    conn: &mut ebb_store::Conn,
    brand: BrandId,
) -> Result<StaleThresholds, ApiError> {
    stale::thresholds(conn, brand)
        .await?
        .ok_or(ApiError::NotFound("brand"))
}

/// A stale conversation: why, and since when.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StaleConversation {
    /// The conversation.
    #[serde(flatten)]
    pub conversation: Conversation,
    /// Is its visitor online right now?
    pub visitor_online: bool,
    /// Why it is stale.
    pub reason: StaleReason,
    /// Since when (the snooze, or the message still waiting for an answer).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: ebb_core::Instant,
}

/// The stale conversations of one expert (or of nobody: waiting in the brand queue).
#[derive(Serialize, utoipa::ToSchema)]
pub struct StaleGroup {
    /// The expert they belong to (assigned, snoozed or woken for); `null`: the brand queue.
    pub expert_id: Option<ExpertId>,
    /// That expert's display name.
    pub expert_name: Option<String>,
    /// Longest stale first.
    pub conversations: Vec<StaleConversation>,
}

crate::api::page::page_body! {
    /// Stale work, one group per expert.
    pub struct StaleWork {
        /// The brand queue's group first, then by expert id.
        pub experts: Vec<StaleGroup>
    }
}

/// The brand's stale conversations under its thresholds, grouped by expert (a page of
/// groups).
#[utoipa::path(get, path = "/stale", tag = "admin", params(PageQuery),
    responses((status = 200, description = "Stale conversations by expert", body = StaleWork)))]
async fn list_stale(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<StaleWork>, ApiError> {
    let brand = admin.brand_id;
    let now = state.clock.now();
    let mut conn = state.store.conn().await?;
    let limits = thresholds_of(&mut conn, brand).await?;
    let open = stale::open_with_snoozed_at(&mut conn, brand).await?;
    let names: BTreeMap<ExpertId, String> = experts::list(&mut conn, brand)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut groups: BTreeMap<Uuid, StaleGroup> = BTreeMap::new();
    for (conversation, snoozed_at) in open {
        let Some(found) = staleness(&conversation, snoozed_at, limits, now) else {
            continue;
        };
        let owner = conversation.state.owner();
        let group = groups
            .entry(owner.map_or(Uuid::nil(), |e| e.0))
            .or_insert_with(|| StaleGroup {
                expert_id: owner,
                expert_name: owner.and_then(|e| names.get(&e).cloned()),
                conversations: Vec::new(),
            });
        group.conversations.push(StaleConversation {
            visitor_online: state.presence.is_online(brand, conversation.visitor_id),
            conversation,
            reason: found.reason,
            since: found.since,
        });
    }
    let all: Vec<(Uuid, StaleGroup)> = groups
        .into_iter()
        .map(|(id, mut g)| {
            g.conversations
                .sort_by_key(|c| (c.since, c.conversation.id));
            (id, g)
        })
        .collect();
    let (rows, next) = page.slice(all, Order::Ascending, |(id, _)| Cursor::by_id(*id))?;
    let experts = rows.into_iter().map(|(_, g)| g).collect();
    Ok(Json((experts, next).into()))
}
