//! What the panel's transfer dialog offers: the expert's colleagues (enabled, with a
//! password chosen) with their status and slots, each marked by core's transfer rule
//! ([`TransferTarget::can_take`]), and the brand's tags the expert may put on conversations.

use axum::Json;
use axum::extract::State;
use ebb_core::conversation::TransferTarget;
use ebb_core::slots::Slots;
use ebb_core::{ExpertId, ExpertStatus};
use ebb_store::{experts, tags};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::team::SlotsView;
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState};

/// Routes added under `/api/v1/expert`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(colleagues))
        .routes(routes!(brand_tags))
}

/// A colleague as the transfer dialog shows them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Colleague {
    /// Identity.
    pub id: ExpertId,
    /// Display name.
    pub name: String,
    /// Availability.
    pub status: ExpertStatus,
    /// Their slots as core counts them.
    pub slots: SlotsView,
    /// May a conversation be transferred to them now (available, with a free slot)?
    pub can_take: bool,
    /// Why not: the problem type the transfer would answer
    /// (`/problems/expert-unavailable`, `/problems/over-capacity`), or `null`.
    pub refusal: Option<String>,
}

/// The brand's other experts.
#[derive(Serialize, utoipa::ToSchema)]
struct Colleagues {
    /// By name.
    colleagues: Vec<Colleague>,
}

/// Your colleagues (enabled experts of the brand but you), with whether each can take a
/// transfer now.
#[utoipa::path(get, path = "/colleagues", tag = "expert",
    responses((status = 200, description = "The colleagues", body = Colleagues)))]
async fn colleagues(
    State(state): State<AppState>,
    ExpertAuth(me): ExpertAuth,
) -> Result<Json<Colleagues>, ApiError> {
    let brand = me.brand_id;
    let mut conn = state.store.conn().await?;
    let disabled = experts::disabled(&mut conn, brand).await?;
    let pending = experts::pending(&mut conn, brand).await?;
    let held = experts::held_counts(&mut conn, brand).await?;
    let colleagues = experts::list(&mut conn, brand)
        .await?
        .into_iter()
        .filter(|e| e.id != me.id && !disabled.contains(&e.id) && !pending.contains(&e.id))
        .map(|e| {
            let slots = Slots {
                held: experts::held_by(&held, e.id),
                capacity: e.capacity,
            };
            let target = TransferTarget {
                expert: e.id,
                brand,
                status: e.status,
                enabled: true,
                slots,
            };
            let refusal = target
                .can_take()
                .err()
                .map(|err| ApiError::Domain(err).problem_type());
            Colleague {
                id: e.id,
                name: e.name,
                status: e.status,
                slots: slots.into(),
                can_take: refusal.is_none(),
                refusal,
            }
        })
        .collect();
    Ok(Json(Colleagues { colleagues }))
}

crate::api::page::page_body! {
    /// The brand's tags, for the expert.
    #[schema(as = ExpertTagList)]
    struct TagList {
        /// Oldest first.
        tags: Vec<tags::Tag>
    }
}

/// The brand's tags (the admins define them), oldest first.
#[utoipa::path(get, path = "/tags", tag = "expert", params(crate::api::page::PageQuery),
    responses((status = 200, description = "The tags", body = TagList)))]
async fn brand_tags(
    State(state): State<AppState>,
    ExpertAuth(me): ExpertAuth,
    crate::api::ApiQuery(query): crate::api::ApiQuery<crate::api::page::PageQuery>,
) -> Result<Json<TagList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let rows = tags::page(&mut conn, me.brand_id, query.cursor()?, query.fetch()).await?;
    let cursor = |t: &tags::Tag| ebb_store::page::Cursor::new(t.created_at, t.id);
    Ok(Json(query.cut(rows, cursor).into()))
}
