//! The admin's money views: missions (create, add experts), the payout report for a
//! period (JSON and CSV) and satisfaction results per expert and for the brand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ebb_core::earnings::{FULL_BP, Money, sum_minor};
use ebb_core::reports::{CsatSummary, csat_summaries};
use ebb_core::{ExpertId, Instant, MissionId};
use ebb_store::csat;
use ebb_store::missions::{self, Mission};
use ebb_store::{experts, ledger};
use serde::{Deserialize, Serialize};

use crate::api::page::PageQuery;
use crate::api::period::{PeriodQuery, csv, csv_text};
use crate::api::{ApiJson, ApiPath, ApiQuery, found};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes added under `/api/v1/admin`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_missions, create_mission))
        .routes(routes!(add_member))
        .routes(routes!(payouts))
        .routes(routes!(payouts_csv))
        .routes(routes!(csat_results))
}

crate::api::page::page_body! {
    /// The brand's missions.
    #[schema(as = AdminMissions)]
    struct Missions {
        /// Oldest first.
        missions: Vec<Mission>
    }
}

/// The brand's missions.
#[utoipa::path(get, path = "/missions", tag = "admin", params(PageQuery),
    responses((status = 200, description = "The missions", body = Missions)))]
async fn list_missions(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Missions>, ApiError> {
    let mut conn = state.store.conn().await?;
    let all = missions::list(&mut conn, admin.brand_id).await?;
    Ok(Json(page.slice_by_id(all, |m| m.id.0)?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fee {
    minor: i64,
    currency: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewMission {
    name: String,
    contact_fee: Option<Fee>,
    commission_bp: Option<i64>,
}

/// Create a mission.
#[utoipa::path(post, path = "/missions", tag = "admin", request_body = NewMission,
    responses((status = 201, description = "The mission", body = Mission)))]
async fn create_mission(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(req): ApiJson<NewMission>,
) -> Result<(StatusCode, Json<Mission>), ApiError> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::Invalid(
            "a mission needs a name of 1 to 100 characters".into(),
        ));
    }
    if req
        .commission_bp
        .is_some_and(|bp| !(0..=FULL_BP).contains(&bp))
    {
        return Err(ApiError::Invalid("commission_bp must be 0 to 10000".into()));
    }
    if req.contact_fee.is_none() && req.commission_bp.is_none() {
        return Err(ApiError::Invalid(
            "a mission pays a contact fee, a commission, or both".into(),
        ));
    }
    let contact_fee = req
        .contact_fee
        .map(|f| Money::parse(f.minor, &f.currency))
        .transpose()?;
    let mission = Mission {
        id: ebb_store::ids::new_id(),
        name: name.to_owned(),
        contact_fee,
        commission_bp: req.commission_bp,
        members: Vec::new(),
    };
    let mut tx = state.store.begin().await?;
    missions::insert(&mut tx, admin.brand_id, &mission, state.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(mission)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Member {
    #[schema(value_type = String, example = "01a212ea-fcea-7469-9184-c1ccff16b05e")]
    expert_id: ExpertId,
}

/// Add an expert to a mission.
#[utoipa::path(post, path = "/missions/{id}/members", tag = "admin", request_body = Member,
    responses(
        (status = 201, description = "The expert joined"),
        (status = 200, description = "The expert was already a member")))]
async fn add_member(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<MissionId>,
    ApiJson(req): ApiJson<Member>,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.begin().await?;
    found::expert(&mut tx, admin.brand_id, req.expert_id).await?;
    let now = state.clock.now();
    let joined = missions::join(&mut tx, admin.brand_id, id, req.expert_id, now).await?;
    tx.commit().await?;
    if joined {
        Ok(StatusCode::CREATED)
    } else {
        let mut conn = state.store.conn().await?;
        let exists = missions::list(&mut conn, admin.brand_id)
            .await?
            .iter()
            .any(|m| m.id == id);
        if exists {
            Ok(StatusCode::OK)
        } else {
            Err(ApiError::NotFound("mission"))
        }
    }
}

/// One expert's payout in one currency.
#[derive(Serialize, utoipa::ToSchema)]
struct PayoutLine {
    /// The expert.
    expert_id: ExpertId,
    /// Their name.
    expert_name: String,
    /// ISO 4217 code.
    currency: String,
    /// The sum, in minor units.
    amount_minor: i64,
    /// How many ledger entries it sums.
    entries: usize,
}

/// The payouts of a period.
#[derive(Serialize, utoipa::ToSchema)]
struct Payouts {
    /// Start (inclusive).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    from: Instant,
    /// End (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    to: Instant,
    /// One line per expert and currency.
    payouts: Vec<PayoutLine>,
}

async fn load_payouts(
    state: &AppState,
    admin: &ebb_store::admins::Admin,
    q: &PeriodQuery,
) -> Result<Payouts, ApiError> {
    let (from, to) = q.resolve(state.clock.now())?;
    let mut conn = state.store.conn().await?;
    let entries = ledger::brand_period(&mut conn, admin.brand_id, from, to).await?;
    let names: BTreeMap<ExpertId, String> = experts::list(&mut conn, admin.brand_id)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut sums: BTreeMap<(ExpertId, String), Vec<i64>> = BTreeMap::new();
    for e in &entries {
        sums.entry((e.earning.expert, e.earning.amount.currency.clone()))
            .or_default()
            .push(e.earning.amount.minor);
    }
    let payouts = sums
        .into_iter()
        .map(|((expert_id, currency), amounts)| PayoutLine {
            expert_name: names.get(&expert_id).cloned().unwrap_or_default(),
            expert_id,
            currency,
            entries: amounts.len(),
            amount_minor: sum_minor(amounts),
        })
        .collect();
    Ok(Payouts { from, to, payouts })
}

/// The payouts of a period, per expert and currency.
#[utoipa::path(get, path = "/payouts", tag = "admin", params(PeriodQuery),
    responses((status = 200, description = "The payouts", body = Payouts)))]
async fn payouts(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Payouts>, ApiError> {
    Ok(Json(load_payouts(&state, &admin, &q).await?))
}

/// The payouts of a period, as CSV.
#[utoipa::path(get, path = "/payouts.csv", tag = "admin", params(PeriodQuery),
    responses((status = 200, description = "One line per expert and currency", body = String, content_type = "text/csv")))]
async fn payouts_csv(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let p = load_payouts(&state, &admin, &q).await?;
    let mut out = String::from("expert_id,expert_name,currency,amount_minor,entries\n");
    for line in &p.payouts {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            line.expert_id,
            csv_text(&line.expert_name),
            line.currency,
            line.amount_minor,
            line.entries
        );
    }
    Ok(csv("ebb-payouts.csv", out))
}

/// Satisfaction results of a period.
#[derive(Serialize, utoipa::ToSchema)]
struct CsatResults {
    /// One summary per expert.
    experts: Vec<CsatSummary>,
    /// The whole brand (absent when nobody rated).
    brand: Option<CsatSummary>,
}

/// Satisfaction results per expert and for the brand.
#[utoipa::path(get, path = "/csat", tag = "admin", params(PeriodQuery),
    responses((status = 200, description = "The results", body = CsatResults)))]
async fn csat_results(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<CsatResults>, ApiError> {
    let (from, to) = q.resolve(state.clock.now())?;
    let mut conn = state.store.conn().await?;
    let mut all = csat_summaries(&csat::ratings(&mut conn, admin.brand_id, from, to).await?);
    let brand = all.pop();
    Ok(Json(CsatResults {
        experts: all,
        brand,
    }))
}
