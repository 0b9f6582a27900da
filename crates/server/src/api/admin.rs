//! The brand admin's API: log in, see every conversation of the brand, edit the brand's
//! settings (automatic message, reply time, snooze limit and budget, allowed widget origins),
//! manage experts and API keys ([`team`]). An admin sees their whole brand and nothing else.

pub mod earnings;
pub mod email;
pub mod hours;
pub mod identity;
pub mod notes;
pub mod privacy;
pub mod reports;
pub mod routing;
pub mod stale;
pub mod tags;
pub mod team;
pub mod texts;
pub mod webhooks;

use axum::Json;
use axum::extract::State;
use ebb_core::brand::parse_origins;
use ebb_core::{Brand, BrandSettings, BudgetMode, ConversationId};
use ebb_store::admins::Admin;
use ebb_store::{brands, conversations};
use serde::{Deserialize, Serialize};

use super::expert::{ListedConversation, PanelQuery};
use super::page::PageQuery;
use super::widget::{ConversationView, Page};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::AdminAuth;
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
        .merge(privacy::router())
        .merge(notes::router())
        .merge(tags::router())
        .merge(stale::router())
        .merge(email::router())
        .merge(super::transcript::admin_router())
        .merge(super::profile::admin_router())
        .merge(texts::router())
        .merge(hours::router())
        .merge(identity::router())
}

super::login::login_endpoint! {
    /// Admin login request.
    #[schema(as = AdminLogin)]
    request Login { email: " The admin's e-mail." }
    /// A new admin session.
    session AdminSession {
        token: " Bearer token for the admin API and the WebSocket.", admin: Admin
    }
    /// Admin login: a session token for valid credentials.
    #[utoipa::path(post, path = "/login", tag = "public", request_body = Login,
        responses((status = 201, description = "A new session", body = AdminSession)))]
    handler login
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

/// The admin's brand.
async fn own_brand(state: &AppState, admin: &Admin) -> Result<Brand, ApiError> {
    let mut conn = state.store.conn().await?;
    super::found::brand(&mut conn, admin.brand_id).await
}

crate::api::page::page_body! {
    /// A list of conversations with their visitors' presence.
    pub struct ConversationList {
        /// Newest first.
        pub conversations: Vec<ListedConversation>
    }
}

impl ConversationList {
    /// A page of `brand`'s conversations, newest first (only those carrying the brand's
    /// tag `tag`, if given; another brand's tag is a 404).
    pub async fn load(
        state: &AppState,
        brand: ebb_core::BrandId,
        page: &PageQuery,
        tag: Option<uuid::Uuid>,
    ) -> Result<Self, ApiError> {
        let mut conn = state.store.conn().await?;
        let (cursor, fetch) = (page.cursor()?, page.fetch());
        let rows = match tag {
            None => conversations::for_brand(&mut conn, brand, cursor, fetch).await?,
            Some(tag) => {
                ebb_store::tags::get(&mut conn, brand, tag)
                    .await?
                    .ok_or(ApiError::NotFound("tag"))?;
                conversations::for_brand_tagged(&mut conn, brand, tag, cursor, fetch).await?
            }
        };
        let (rows, next_cursor) = page.cut(rows, |c| Cursor::new(c.created_at, c.id.0));
        Ok(Self {
            conversations: ListedConversation::with_presence(
                state,
                ebb_store::listing::Among::Brand,
                rows,
            )
            .await?,
            next_cursor,
        })
    }
}

/// Every conversation of the brand (`?tag=`: only those carrying that tag).
#[utoipa::path(get, path = "/conversations", tag = "admin", params(PanelQuery),
    responses((status = 200, description = "Newest first", body = ConversationList)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(query): ApiQuery<PanelQuery>,
) -> Result<Json<ConversationList>, ApiError> {
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    };
    let list = ConversationList::load(&state, admin.brand_id, &page, query.tag).await?;
    Ok(Json(list))
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
    #[schema(example = "suggest")]
    pub snooze_budget_mode: Option<BudgetMode>,
    /// Days after a conversation closed after which its messages' text and CSAT comment
    /// are erased (0 to 3650; 0 keeps everything, the default); unchanged when absent.
    #[serde(default)]
    pub retention_days: Option<i64>,
    /// Whether experts see visitors' countries, as the operator's trusted proxy reports
    /// them (`--country-header`; no lookups); unchanged when absent.
    #[serde(default)]
    pub share_visitor_country: Option<bool>,
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
            retention_days: Some(settings.retention_days),
            share_visitor_country: Some(settings.share_visitor_country),
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
            retention_days: self.retention_days.unwrap_or(current.retention_days),
            share_visitor_country: self
                .share_visitor_country
                .unwrap_or(current.share_visitor_country),
        }
    }
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
    Ok(Json(Settings::of(brand.settings, allowed_origins)))
}

/// Replace the brand's settings.
#[utoipa::path(put, path = "/settings", tag = "admin", request_body = Settings,
    responses((status = 200, description = "The settings as stored", body = Settings)))]
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
