//! The admin's money views: missions (create, add experts), the payout report for a
//! period (JSON and CSV) and satisfaction results per expert and for the brand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use ebb_core::earnings::{FULL_BP, Money};
use ebb_core::{ExpertId, Instant, MissionId};
use ebb_store::csat::{self, Summary};
use ebb_store::missions::{self, Mission};
use ebb_store::{experts, ledger};
use serde::{Deserialize, Serialize};

use crate::api::period::{PeriodQuery, csv};
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// Routes added under `/api/v1/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/missions", get(list_missions).post(create_mission))
        .route("/missions/{id}/members", post(add_member))
        .route("/payouts", get(payouts))
        .route("/payouts.csv", get(payouts_csv))
        .route("/csat", get(csat_results))
}

#[derive(Serialize)]
struct Missions {
    missions: Vec<Mission>,
}

async fn list_missions(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<Missions>, ApiError> {
    let mut conn = state.store.conn().await?;
    Ok(Json(Missions {
        missions: missions::list(&mut conn, admin.brand_id).await?,
    }))
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

async fn add_member(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiPath(id): ApiPath<MissionId>,
    ApiJson(req): ApiJson<Member>,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.begin().await?;
    let known = experts::by_id(&mut tx, admin.brand_id, req.expert_id).await?;
    if known.is_none() {
        return Err(ApiError::NotFound("expert"));
    }
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
#[derive(Serialize)]
struct PayoutLine {
    expert_id: ExpertId,
    expert_name: String,
    currency: String,
    amount_minor: i64,
    entries: usize,
}

#[derive(Serialize)]
struct Payouts {
    #[serde(with = "time::serde::rfc3339")]
    from: Instant,
    #[serde(with = "time::serde::rfc3339")]
    to: Instant,
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
    let mut sums: BTreeMap<(ExpertId, String), (i64, usize)> = BTreeMap::new();
    for e in &entries {
        let slot = sums
            .entry((e.earning.expert, e.earning.amount.currency.clone()))
            .or_default();
        slot.0 += e.earning.amount.minor;
        slot.1 += 1;
    }
    let payouts = sums
        .into_iter()
        .map(|((expert_id, currency), (amount_minor, n))| PayoutLine {
            expert_name: names.get(&expert_id).cloned().unwrap_or_default(),
            expert_id,
            currency,
            amount_minor,
            entries: n,
        })
        .collect();
    Ok(Payouts { from, to, payouts })
}

async fn payouts(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Payouts>, ApiError> {
    Ok(Json(load_payouts(&state, &admin, &q).await?))
}

async fn payouts_csv(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let p = load_payouts(&state, &admin, &q).await?;
    let mut out = String::from("expert_id,expert_name,currency,amount_minor,entries\n");
    for line in &p.payouts {
        let name = line.expert_name.replace('"', "\"\"");
        let _ = writeln!(
            out,
            "{},\"{name}\",{},{},{}",
            line.expert_id, line.currency, line.amount_minor, line.entries
        );
    }
    Ok(csv("ebb-payouts.csv", out))
}

#[derive(Serialize)]
struct CsatResults {
    experts: Vec<Summary>,
    brand: Option<Summary>,
}

async fn csat_results(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<CsatResults>, ApiError> {
    let (from, to) = q.resolve(state.clock.now())?;
    let mut conn = state.store.conn().await?;
    let mut all = csat::summary(&mut conn, admin.brand_id, from, to).await?;
    let brand = all.pop();
    Ok(Json(CsatResults {
        experts: all,
        brand,
    }))
}
