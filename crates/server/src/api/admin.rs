//! The brand admin's API: log in, see every conversation of the brand, edit the brand's
//! settings (automatic message, reply time, snooze limit, allowed widget origins), manage
//! experts and API keys ([`team`]). An admin sees their whole brand and nothing else.

pub mod earnings;
pub mod reports;
pub mod routing;
pub mod team;
pub mod webhooks;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ebb_core::{Brand, BrandSettings, ConversationId};
use ebb_store::admins::{self, Admin};
use ebb_store::{brands, conversations};
use serde::{Deserialize, Serialize};
use time::Duration;

use super::expert::ListedConversation;
use super::page::PageQuery;
use super::widget::{ConversationView, Page};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{AdminAuth, SESSION_DAYS, hash_token, new_token, verify_password};
use crate::{ApiError, AppState};
use ebb_store::page::Cursor;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/admin`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(me))
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(get_settings, put_settings))
        .merge(team::router())
        .merge(earnings::router())
        .merge(routing::router())
        .merge(webhooks::router())
        .merge(reports::router())
}

/// Admin login request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AdminLogin)]
pub struct Login {
    /// The brand's slug.
    pub brand: String,
    /// The admin's e-mail.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// A new admin session.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AdminSession {
    /// Bearer token for the admin API and the WebSocket.
    pub token: String,
    /// Who logged in.
    pub admin: Admin,
}

/// Admin login: a session token for valid credentials.
#[utoipa::path(post, path = "/login", tag = "public", request_body = Login,
    responses((status = 201, description = "A new session", body = AdminSession)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<Login>,
) -> Result<(StatusCode, Json<AdminSession>), ApiError> {
    let mut conn = state.store.conn().await?;
    let found = match brands::by_slug(&mut conn, &login.brand).await? {
        Some(b) => admins::by_email(&mut conn, b.id, &login.email).await?,
        None => None,
    };
    drop(conn);
    let Some((admin, hash)) = found else {
        return Err(ApiError::Unauthorized);
    };
    if !verify_password(login.password, hash).await {
        return Err(ApiError::Unauthorized);
    }
    let token = new_token();
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let expires = now + Duration::days(SESSION_DAYS);
    admins::insert_session(&mut tx, &hash_token(&token), &admin, now, expires).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(AdminSession { token, admin })))
}

/// The admin and their brand.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AdminOverview)]
struct Me {
    /// Who is logged in.
    admin: Admin,
    /// Their brand.
    brand: Brand,
}

/// The admin and their brand.
#[utoipa::path(get, path = "/me", tag = "admin",
    responses((status = 200, description = "The admin", body = Me)))]
async fn me(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<Me>, ApiError> {
    let brand = own_brand(&state, &admin).await?;
    Ok(Json(Me { admin, brand }))
}

async fn own_brand(state: &AppState, admin: &Admin) -> Result<Brand, ApiError> {
    let mut conn = state.store.conn().await?;
    brands::by_id(&mut conn, admin.brand_id)
        .await?
        .ok_or(ApiError::NotFound("brand"))
}

/// A list of conversations with their visitors' presence.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationList {
    /// Newest first.
    pub conversations: Vec<ListedConversation>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl ConversationList {
    /// A page of `brand`'s conversations, newest first.
    pub async fn load(
        state: &AppState,
        brand: ebb_core::BrandId,
        page: &PageQuery,
    ) -> Result<Self, ApiError> {
        let mut conn = state.store.conn().await?;
        let rows = conversations::for_brand(&mut conn, brand, page.cursor()?, page.fetch()).await?;
        let (rows, next_cursor) = page.cut(rows, |c| Cursor::new(c.created_at, c.id.0));
        Ok(Self {
            conversations: ListedConversation::with_presence(state, rows),
            next_cursor,
        })
    }
}

/// Every conversation of the brand.
#[utoipa::path(get, path = "/conversations", tag = "admin", params(PageQuery),
    responses((status = 200, description = "Newest first", body = ConversationList)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ConversationList>, ApiError> {
    Ok(Json(
        ConversationList::load(&state, admin.brand_id, &page).await?,
    ))
}

/// Read any conversation of the brand and a page of its timeline.
#[utoipa::path(get, path = "/conversations/{id}", tag = "admin", params(Page),
    responses((status = 200, description = "The conversation", body = ConversationView)))]
async fn read(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let view = ConversationView::load(&state, admin.brand_id, id, &page, |_| true).await?;
    Ok(Json(view))
}

/// The brand settings an admin edits.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BrandSettings)]
pub struct Settings {
    /// Automatic message after a visitor's first message; may contain
    /// `{typical_reply_time}`.
    pub auto_message: String,
    /// Human wording of the usual reply delay, e.g. "a few hours".
    pub typical_reply_time: String,
    /// Longest custom snooze, in days (1 to 365).
    pub max_snooze_days: i64,
    /// Origins (`https://shop.example`) whose pages may open the widget's WebSocket.
    pub allowed_origins: Vec<String>,
    /// Minutes an offline expert keeps conversations that woke up for them before they go
    /// back to the brand queue (0 to 10080); unchanged when absent.
    #[serde(default)]
    pub offline_grace_minutes: Option<i64>,
    /// Hours after a conversation ends during which a purchase still earns its expert a
    /// commission (0 to 720); unchanged when absent.
    #[serde(default)]
    pub purchase_window_hours: Option<i64>,
}

/// Longest automatic message template.
pub const MAX_AUTO_MESSAGE: usize = 2000;
/// Most allowed origins per brand.
pub const MAX_ORIGINS: usize = 50;

impl Settings {
    fn validate(&self) -> Result<(), ApiError> {
        let invalid = |what: &str| Err(ApiError::Invalid(what.to_owned()));
        if self.auto_message.trim().is_empty()
            || self.auto_message.chars().count() > MAX_AUTO_MESSAGE
        {
            return invalid("auto_message must be 1 to 2000 characters");
        }
        let reply = self.typical_reply_time.trim();
        if reply.is_empty() || reply.chars().count() > 100 {
            return invalid("typical_reply_time must be 1 to 100 characters");
        }
        if !(1..=365).contains(&self.max_snooze_days) {
            return invalid("max_snooze_days must be 1 to 365");
        }
        if self
            .offline_grace_minutes
            .is_some_and(|m| !(0..=10_080).contains(&m))
        {
            return invalid("offline_grace_minutes must be 0 to 10080");
        }
        if self
            .purchase_window_hours
            .is_some_and(|h| !(0..=720).contains(&h))
        {
            return invalid("purchase_window_hours must be 0 to 720");
        }
        if self.allowed_origins.len() > MAX_ORIGINS {
            return invalid("at most 50 allowed_origins");
        }
        match self
            .allowed_origins
            .iter()
            .find(|o| !is_origin(o.trim_end_matches('/')))
        {
            Some(bad) => invalid(&format!("{bad} is not an origin like https://shop.example")),
            None => Ok(()),
        }
    }
}

/// `scheme://host[:port]` with scheme http or https and nothing after the authority.
fn is_origin(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|host| {
        !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    })
}

/// The brand's settings.
#[utoipa::path(get, path = "/settings", tag = "admin",
    responses((status = 200, description = "The settings", body = Settings)))]
async fn get_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<Settings>, ApiError> {
    let brand = own_brand(&state, &admin).await?;
    let mut conn = state.store.conn().await?;
    let allowed_origins = brands::allowed_origins(&mut conn, brand.id).await?;
    Ok(Json(Settings {
        auto_message: brand.settings.auto_message,
        typical_reply_time: brand.settings.typical_reply_time,
        max_snooze_days: brand.settings.max_snooze_days,
        allowed_origins,
        offline_grace_minutes: Some(brand.settings.offline_grace_minutes),
        purchase_window_hours: Some(brand.settings.purchase_window_hours),
    }))
}

/// Replace the brand's settings.
#[utoipa::path(put, path = "/settings", tag = "admin", request_body = Settings,
    responses((status = 200, description = "The settings as stored", body = Settings)))]
async fn put_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<Settings>,
) -> Result<Json<Settings>, ApiError> {
    new.validate()?;
    let brand = own_brand(&state, &admin).await?;
    let settings = BrandSettings {
        auto_message: new.auto_message.clone(),
        typical_reply_time: new.typical_reply_time.trim().to_owned(),
        max_snooze_days: new.max_snooze_days,
        offline_grace_minutes: new
            .offline_grace_minutes
            .unwrap_or(brand.settings.offline_grace_minutes),
        purchase_window_hours: new
            .purchase_window_hours
            .unwrap_or(brand.settings.purchase_window_hours),
    };
    let origins: Vec<String> = new
        .allowed_origins
        .iter()
        .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
        .collect();
    let mut tx = state.store.begin().await?;
    brands::update_settings(&mut tx, brand.id, &settings, &origins).await?;
    tx.commit().await?;
    Ok(Json(Settings {
        auto_message: settings.auto_message,
        typical_reply_time: settings.typical_reply_time,
        max_snooze_days: settings.max_snooze_days,
        allowed_origins: origins,
        offline_grace_minutes: Some(settings.offline_grace_minutes),
        purchase_window_hours: Some(settings.purchase_window_hours),
    }))
}

#[cfg(test)]
mod tests {
    use super::is_origin;

    #[test]
    fn origins_are_scheme_and_authority_only() {
        assert!(is_origin("https://shop.example"));
        assert!(is_origin("http://127.0.0.1:8080"));
        assert!(!is_origin("shop.example"));
        assert!(!is_origin("https://shop.example/path"));
        assert!(!is_origin("ftp://shop.example"));
        assert!(!is_origin("https://"));
    }
}
