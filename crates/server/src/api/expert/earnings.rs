//! The expert's money: their statement for a period (JSON and CSV), the missions they work
//! under, and their satisfaction ratings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use ebb_core::Instant;
use ebb_core::reports::{CsatSummary, csat_summaries};
use ebb_store::csat;
use ebb_store::ledger::{self, Entry};
use ebb_store::missions::{self, Mission};
use serde::Serialize;

use crate::api::ApiQuery;
use crate::api::page::{Order, PageQuery};
use crate::api::period::{PeriodQuery, csv};
use crate::auth::ExpertAuth;
use crate::{ApiError, AppState};
use ebb_store::page::Cursor;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/expert`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(statement))
        .routes(routes!(statement_csv))
        .routes(routes!(my_missions))
        .routes(routes!(my_csat))
}

/// A statement: entries of a period and their totals per currency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Statement {
    /// Start (inclusive).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: Instant,
    /// End (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: Instant,
    /// The entries, oldest first (one page of them in the JSON answer).
    pub entries: Vec<Entry>,
    /// Sum per currency over the whole period, in minor units.
    pub totals: BTreeMap<String, i64>,
    /// Pass as `cursor` to get the next page of entries; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Sums entries per currency (exactly, see [`ebb_core::earnings::sum_minor`]).
pub fn totals(entries: &[Entry]) -> BTreeMap<String, i64> {
    let mut amounts: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for e in entries {
        amounts
            .entry(e.earning.amount.currency.clone())
            .or_default()
            .push(e.earning.amount.minor);
    }
    amounts
        .into_iter()
        .map(|(currency, minor)| (currency, ebb_core::earnings::sum_minor(minor)))
        .collect()
}

/// `?from&to&cursor&limit` of the JSON statement: a [`PeriodQuery`] and a [`PageQuery`].
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementQuery {
    #[serde(default, with = "ebb_core::instant::rfc3339::option")]
    from: Option<Instant>,
    #[serde(default, with = "ebb_core::instant::rfc3339::option")]
    to: Option<Instant>,
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn load(state: &AppState, auth: &ExpertAuth, q: &PeriodQuery) -> Result<Statement, ApiError> {
    let (from, to) = q.resolve(state.clock.now())?;
    let expert = &auth.0;
    let mut conn = state.store.conn().await?;
    let entries = ledger::statement(&mut conn, expert.brand_id, expert.id, from, to).await?;
    Ok(Statement {
        from,
        to,
        totals: totals(&entries),
        entries,
        next_cursor: None,
    })
}

/// The expert's earnings statement for a period.
#[utoipa::path(get, path = "/earnings", tag = "expert", params(PeriodQuery, PageQuery),
    responses((status = 200, description = "The statement", body = Statement)))]
async fn statement(
    State(state): State<AppState>,
    auth: ExpertAuth,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> Result<Json<Statement>, ApiError> {
    let period = PeriodQuery {
        from: q.from,
        to: q.to,
    };
    let mut statement = load(&state, &auth, &period).await?;
    let page = PageQuery {
        cursor: q.cursor,
        limit: q.limit,
    };
    let (entries, next_cursor) = page.slice(statement.entries, Order::Ascending, |e| {
        Cursor::by_position(e.pos)
    })?;
    statement.entries = entries;
    statement.next_cursor = next_cursor;
    Ok(Json(statement))
}

/// The expert's earnings statement for a period, as CSV.
#[utoipa::path(get, path = "/earnings.csv", tag = "expert", params(PeriodQuery),
    responses((status = 200, description = "One line per entry", body = String, content_type = "text/csv")))]
async fn statement_csv(
    State(state): State<AppState>,
    auth: ExpertAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let s = load(&state, &auth, &q).await?;
    let mut out = String::from(
        "recorded_at,kind,amount_minor,currency,conversation_id,purchase_id,mission_id\n",
    );
    for e in &s.entries {
        let at =
            e.at.format(&time::format_description::well_known::Rfc3339)
                .map_err(|err| ApiError::Internal(err.to_string()))?;
        let opt = |v: Option<String>| v.unwrap_or_default();
        let _ = writeln!(
            out,
            "{at},{},{},{},{},{},{}",
            e.earning.kind.as_str(),
            e.earning.amount.minor,
            e.earning.amount.currency,
            opt(e.earning.conversation.map(|c| c.to_string())),
            opt(e.earning.purchase.map(|p| p.to_string())),
            e.earning.mission
        );
    }
    Ok(csv("ebb-statement.csv", out))
}

crate::api::page::page_body! {
    /// The missions the expert works under.
    #[schema(as = ExpertMissions)]
    struct Missions {
        /// Oldest first.
        missions: Vec<Mission>
    }
}

/// The expert's missions.
#[utoipa::path(get, path = "/missions", tag = "expert", params(PageQuery),
    responses((status = 200, description = "The missions", body = Missions)))]
async fn my_missions(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Missions>, ApiError> {
    let mut conn = state.store.conn().await?;
    let mine: Vec<Mission> = missions::list(&mut conn, expert.brand_id)
        .await?
        .into_iter()
        .filter(|m| m.members.contains(&expert.id))
        .collect();
    Ok(Json(page.slice_by_id(mine, |m| m.id.0)?.into()))
}

/// The expert's satisfaction ratings in a period.
#[derive(Serialize, utoipa::ToSchema)]
struct MyCsat {
    /// Ratings received.
    count: i64,
    /// Their average (0 when none).
    average: f64,
}

/// The expert's satisfaction ratings.
#[utoipa::path(get, path = "/csat", tag = "expert", params(PeriodQuery),
    responses((status = 200, description = "Count and average", body = MyCsat)))]
async fn my_csat(
    State(state): State<AppState>,
    ExpertAuth(expert): ExpertAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<MyCsat>, ApiError> {
    let (from, to) = q.resolve(state.clock.now())?;
    let mut conn = state.store.conn().await?;
    let all = csat_summaries(&csat::ratings(&mut conn, expert.brand_id, from, to).await?);
    let mine: Option<&CsatSummary> = all.iter().find(|s| s.expert_id == Some(expert.id));
    Ok(Json(MyCsat {
        count: mine.map_or(0, |s| s.count),
        average: mine.map_or(0.0, |s| s.average),
    }))
}
