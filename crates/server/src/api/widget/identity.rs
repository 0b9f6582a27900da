//! Signed identity for the widget: a browser presents the customer id and signature the
//! brand's backend gave it, and gets a token of the one visitor known by that id (the same
//! on every device). A signature that does not check gets a fresh anonymous visitor,
//! answered exactly like a good one, so nothing tells an attacker which ids exist.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ebb_core::identity::{self, CustomerId, Known};
use ebb_core::{BrandId, Instant, VisitorId};
use ebb_store::{Tx, visitors};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::NewVisitor;
use crate::api::ApiJson;
use crate::auth::{PathBrand, bearer_header, hash_token, new_token};
use crate::limits::PeerIp;
use crate::{ApiError, AppState};

/// `/identity` (merged under `/api/v1/widget/{brand}`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(identify))
}

/// A customer id and its signature, as the brand's backend computed them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    /// The brand's own id for its customer (1 to 255 bytes, taken exactly as given).
    pub customer_id: String,
    /// Lowercase hex of HMAC-SHA256(the brand's identity secret, customer_id).
    pub customer_hash: String,
}

/// A token for a signed visitor: the one visitor of this customer id on every device. An
/// anonymous visitor's bearer token, when sent, has its conversations merged into the
/// signed visitor (never a signed visitor's). A signature that does not check gets a
/// fresh anonymous visitor, with the same answer shape and status.
#[utoipa::path(post, path = "/identity", tag = "public", request_body = Identify,
    responses((status = 201, description = "A visitor and its token", body = NewVisitor)))]
async fn identify(
    State(state): State<AppState>,
    PathBrand(brand): PathBrand,
    PeerIp(ip): PeerIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Identify>,
) -> Result<(StatusCode, Json<NewVisitor>), ApiError> {
    crate::ws::check_origin(&state, brand.id, &headers).await?;
    let customer = CustomerId::parse(&body.customer_id)?;
    state.limits.check_new_visitor(ip)?;
    let (now, token) = (state.clock.now(), new_token());
    let mut tx = state.store.begin().await?;
    let (secret, _) = ebb_store::identity::secret(&mut tx, brand.id, &new_token(), now).await?;
    let visitor_id = if identity::verify(&secret, &customer, &body.customer_hash) {
        let visitor = signed_visitor(&mut tx, brand.id, &customer, &token, now).await?;
        merge_anonymous(&mut tx, brand.id, &headers, visitor).await?;
        visitor
    } else {
        tracing::info!(brand = %brand.slug, "customer hash did not check: anonymous visitor");
        let visitor: VisitorId = ebb_store::ids::new_id();
        visitors::insert(&mut tx, visitor, brand.id, &hash_token(&token), now).await?;
        visitor
    };
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(NewVisitor { visitor_id, token })))
}

/// The visitor known as `customer`, made on first sight, now also holding `token`.
async fn signed_visitor(
    tx: &mut Tx,
    brand: BrandId,
    customer: &CustomerId,
    token: &str,
    now: Instant,
) -> Result<VisitorId, ApiError> {
    let fresh: VisitorId = ebb_store::ids::new_id();
    let hash = hash_token(token);
    let store = ebb_store::identity::insert_signed;
    if store(tx, fresh, brand, customer.as_str(), &hash, now).await? {
        return Ok(fresh);
    }
    let known = ebb_store::identity::visitor_of(tx, brand, customer.as_str()).await?;
    let visitor = known.ok_or(ApiError::Internal("signed visitor vanished".into()))?;
    ebb_store::visitors::add_token(tx, brand, visitor, &hash, now).await?;
    Ok(visitor)
}

/// Moves the conversations of the browser's anonymous visitor (its bearer token, if any)
/// into the signed visitor `into`, when core says they merge.
async fn merge_anonymous(
    tx: &mut Tx,
    brand: BrandId,
    headers: &HeaderMap,
    into: VisitorId,
) -> Result<(), ApiError> {
    let Some(token) = bearer_header(headers) else {
        return Ok(());
    };
    let Some(from) = visitors::by_token(tx, brand, &hash_token(token)).await? else {
        return Ok(());
    };
    let known = match ebb_store::identity::customer_of(tx, brand, from).await? {
        Some(None) => Known::Anonymous,
        Some(Some(customer)) => Known::Signed(CustomerId::parse(&customer)?),
        None => return Ok(()),
    };
    if identity::merges_into(&known, from == into) {
        let moved = ebb_store::identity::merge(tx, brand, from, into).await?;
        tracing::info!(
            conversations = moved,
            "anonymous visitor merged into a signed one"
        );
    }
    Ok(())
}
