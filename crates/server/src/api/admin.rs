//! The brand admin's API: log in, see every conversation of the brand, edit the brand's
//! settings (automatic message, reply time, snooze limit and budget, allowed widget origins),
//! manage experts and API keys ([`team`]). An admin sees their whole brand and nothing else.

pub mod earnings;
pub mod reports;
pub mod routing;
pub mod team;
pub mod webhooks;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ebb_core::brand::parse_origins;
use ebb_core::{Brand, BrandSettings, BudgetMode, ConversationId};
use ebb_store::admins::Admin;
use ebb_store::{brands, conversations};
use serde::{Deserialize, Serialize};

use super::expert::ListedConversation;
use super::widget::{ConversationView, Page};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// The most conversations one list returns.
pub const MAX_LIST: u32 = 500;

/// Routes under `/api/v1/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/conversations", get(list))
        .route("/conversations/{id}", get(read))
        .route("/settings", get(get_settings).put(put_settings))
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
#[derive(Serialize)]
pub struct AdminSession {
    /// Bearer token for the admin API and the WebSocket.
    pub token: String,
    /// Who logged in.
    pub admin: Admin,
}

/// `POST /api/v1/admin/login`: a session token for valid credentials.
pub async fn login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<Login>,
) -> Result<(StatusCode, Json<AdminSession>), ApiError> {
    let (token, admin) =
        crate::auth::log_in(&state, &login.brand, &login.email, login.password).await?;
    Ok((StatusCode::CREATED, Json(AdminSession { token, admin })))
}

#[derive(Serialize)]
struct Me {
    admin: Admin,
    brand: Brand,
}

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
#[derive(Serialize)]
pub struct ConversationList {
    /// Newest first.
    pub conversations: Vec<ListedConversation>,
}

async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<ConversationList>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = conversations::for_brand(&mut conn, admin.brand_id, MAX_LIST).await?;
    Ok(Json(ConversationList {
        conversations: ListedConversation::with_presence(&state, all),
    }))
}

async fn read(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<ConversationView>, ApiError> {
    let view = ConversationView::load(&state, admin.brand_id, id, &page, |_| true).await?;
    Ok(Json(view))
}

/// The brand settings an admin edits; core checks every range.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BrandSettings)]
pub struct Settings {
    /// Automatic message after a visitor's first message (1 to 2000 characters); may
    /// contain `{typical_reply_time}`.
    pub auto_message: String,
    /// Human wording of the usual reply delay, e.g. "a few hours" (1 to 100 characters).
    pub typical_reply_time: String,
    /// Longest custom snooze, in days (1 to 365).
    pub max_snooze_days: i64,
    /// Origins (`https://shop.example`) whose pages may open the widget's WebSocket (at
    /// most 50).
    pub allowed_origins: Vec<String>,
    /// Minutes an offline expert keeps conversations that woke up for them before they go
    /// back to the brand queue (0 to 10080); unchanged when absent.
    #[serde(default)]
    pub offline_grace_minutes: Option<i64>,
    /// Hours after a conversation ends during which a purchase still earns its expert a
    /// commission (0 to 720); unchanged when absent.
    #[serde(default)]
    pub purchase_window_hours: Option<i64>,
    /// Minutes a woken conversation waits for its own expert while they are full or away
    /// before it is passed on to the team (0 to 10080); unchanged when absent.
    #[serde(default)]
    pub woken_wait_minutes: Option<i64>,
    /// Times in a row a conversation may come back from a snooze without a word from the
    /// visitor before the playbook says "close with a goodbye" (1 to 10, default 2);
    /// unchanged when absent.
    #[serde(default)]
    pub snooze_budget: Option<u32>,
    /// `suggest` (only the suggestion changes once the budget is spent) or `refuse` (a
    /// further snooze is refused with `/problems/snooze-budget-spent`); unchanged when
    /// absent.
    #[serde(default)]
    #[schema(value_type = Option<SnoozeBudgetMode>, inline, example = "suggest")]
    pub snooze_budget_mode: Option<BudgetMode>,
}

/// How a brand enforces its snooze budget (the JSON form of core's `BudgetMode`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[expect(dead_code, reason = "only describes the JSON of core's BudgetMode")]
enum SnoozeBudgetMode {
    /// Only the suggestion changes once the budget is spent.
    Suggest,
    /// A further snooze is refused.
    Refuse,
}

impl Settings {
    /// The API view of a brand's settings and allowed origins.
    fn of(settings: BrandSettings, allowed_origins: Vec<String>) -> Self {
        Self {
            auto_message: settings.auto_message,
            typical_reply_time: settings.typical_reply_time,
            max_snooze_days: settings.max_snooze_days,
            allowed_origins,
            offline_grace_minutes: Some(settings.offline_grace_minutes),
            purchase_window_hours: Some(settings.purchase_window_hours),
            woken_wait_minutes: Some(settings.woken_wait_minutes),
            snooze_budget: Some(settings.snooze_budget),
            snooze_budget_mode: Some(settings.snooze_budget_mode),
        }
    }

    /// `current` with this request's changes applied (absent optional fields unchanged).
    fn apply_to(&self, current: &BrandSettings) -> BrandSettings {
        BrandSettings {
            auto_message: self.auto_message.clone(),
            typical_reply_time: self.typical_reply_time.clone(),
            max_snooze_days: self.max_snooze_days,
            offline_grace_minutes: self
                .offline_grace_minutes
                .unwrap_or(current.offline_grace_minutes),
            purchase_window_hours: self
                .purchase_window_hours
                .unwrap_or(current.purchase_window_hours),
            woken_wait_minutes: self
                .woken_wait_minutes
                .unwrap_or(current.woken_wait_minutes),
            snooze_budget: self.snooze_budget.unwrap_or(current.snooze_budget),
            snooze_budget_mode: self
                .snooze_budget_mode
                .unwrap_or(current.snooze_budget_mode),
        }
    }
}

async fn get_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<Settings>, ApiError> {
    let brand = own_brand(&state, &admin).await?;
    let mut conn = state.store.conn().await?;
    let allowed_origins = brands::allowed_origins(&mut conn, brand.id).await?;
    Ok(Json(Settings::of(brand.settings, allowed_origins)))
}

async fn put_settings(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(new): ApiJson<Settings>,
) -> Result<Json<Settings>, ApiError> {
    let brand = own_brand(&state, &admin).await?;
    let settings = new.apply_to(&brand.settings).validated()?;
    let origins = parse_origins(&new.allowed_origins)?;
    let mut tx = state.store.begin().await?;
    brands::update_settings(&mut tx, brand.id, &settings, &origins).await?;
    tx.commit().await?;
    Ok(Json(Settings::of(settings, origins)))
}
