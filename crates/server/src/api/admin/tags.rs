//! The brand's tags: an admin defines them (at most `ebb_core::tag::MAX_TAGS_PER_BRAND`,
//! names unique), lists and deletes them, and tags any conversation of the brand.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::ConversationId;
use ebb_core::note::NoteAuthor;
use ebb_core::tag::{self, TagName};
use ebb_store::page::Cursor;
use ebb_store::tags::{self, Tag};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::super::page::PageQuery;
use super::super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// Tag routes (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(remove))
        .routes(routes!(put_tag, delete_tag))
}

/// A new tag.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTag {
    /// 1 to 40 characters once trimmed, unique in the brand.
    pub name: String,
}

crate::api::page::page_body! {
    /// The brand's tags.
    pub struct TagList {
        /// Oldest first.
        pub tags: Vec<Tag>
    }
}

/// The brand's tags, oldest first.
#[utoipa::path(get, path = "/tags", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The tags", body = TagList)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<TagList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let rows = tags::page(&mut conn, admin.brand_id, query.cursor()?, query.fetch()).await?;
    Ok(Json(
        query.cut(rows, |t| Cursor::new(t.created_at, t.id)).into(),
    ))
}

/// Define a tag.
#[utoipa::path(post, path = "/tags", tag = "admin", request_body = NewTag,
    responses((status = 201, description = "The tag", body = Tag)))]
async fn create(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<NewTag>,
) -> Result<(StatusCode, Json<Tag>), ApiError> {
    let name = TagName::parse(&new.name)?;
    let mut tx = state.store.begin().await?;
    tag::may_define(tags::count(&mut tx, admin.brand_id).await?)?;
    let tag = Tag {
        id: ebb_store::ids::new_uuid(),
        name,
        created_at: state.clock.now(),
    };
    tags::insert(&mut tx, admin.brand_id, &tag).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(tag)))
}

/// Delete a tag (it comes off every conversation).
#[utoipa::path(delete, path = "/tags/{id}", tag = "admin",
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.begin().await?;
    if !tags::delete(&mut tx, admin.brand_id, id).await? {
        return Err(ApiError::NotFound("tag"));
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put one of the brand's tags on any conversation of the brand.
#[utoipa::path(put, path = "/conversations/{id}/tags/{tag_id}", tag = "admin",
    responses((status = 204, description = "Tagged")))]
async fn put_tag(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(ids): ApiPath<(ConversationId, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let who = NoteAuthor::Admin(admin.id);
    super::super::expert::tags::tag(&state, admin.brand_id, ids, who, true).await
}

/// Take a tag off any conversation of the brand.
#[utoipa::path(delete, path = "/conversations/{id}/tags/{tag_id}", tag = "admin",
    responses((status = 204, description = "Untagged")))]
async fn delete_tag(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(ids): ApiPath<(ConversationId, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let who = NoteAuthor::Admin(admin.id);
    super::super::expert::tags::tag(&state, admin.brand_id, ids, who, false).await
}
