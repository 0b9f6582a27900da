//! The visitor's email: the address they leave for follow-ups (shown only to them, with
//! the brand's consent text), a signed reopen link exchanged for a visitor session in any
//! browser, and "email me this transcript" (queued, rate-limited by core's rule).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ebb_core::followup::{AskEmail, transcript_allowed};
use ebb_core::{ConversationId, Email, VisitorId};
use ebb_store::mail::jobs::{self as mail_jobs, TRANSCRIPT};
use ebb_store::{conversations, mail, visitors};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::{ApiJson, ApiPath};
use crate::auth::{PathBrand, VisitorAuth, hash_token, new_token};
use crate::limits::PeerIp;
use crate::mail::link::{Link, Purpose};
use crate::{ApiError, AppState, signing};

/// Routes under `/api/v1/widget/{brand}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_email, put_email))
        .routes(routes!(resume))
        .routes(routes!(email_transcript))
}

/// When the widget asks for an email address, for every visitor (in the brand's info).
#[derive(Serialize, utoipa::ToSchema)]
pub struct EmailAsk {
    /// `never`, `after_first_message_when_no_expert_online` or `always_optional` (`never`
    /// when this server sends no email).
    ask: AskEmail,
    /// The consent text shown under the email field, in the widget's language.
    consent: String,
}

/// The brand's [`EmailAsk`] in `locale`.
pub async fn ask(
    state: &AppState,
    conn: &mut ebb_store::Conn,
    brand: ebb_core::BrandId,
    locale: ebb_core::texts::Locale,
) -> Result<EmailAsk, ApiError> {
    let settings = mail::settings(conn, brand).await?;
    let ask = if state.settings.mail.is_some() {
        settings.ask
    } else {
        AskEmail::Never
    };
    Ok(EmailAsk {
        ask,
        consent: settings.consent(locale.as_str()).to_owned(),
    })
}

/// The visitor's email address and what the widget shows around it.
#[derive(Serialize, utoipa::ToSchema)]
struct VisitorEmailView {
    /// When the widget asks for an address, and the consent text.
    #[serde(flatten)]
    asked: EmailAsk,
    /// The address the visitor left, if any (only ever shown to this visitor).
    email: Option<String>,
    /// Whether the visitor stopped follow-up emails.
    unsubscribed: bool,
    /// Whether the widget shows the email field now (the ask setting, whether the visitor
    /// wrote and whether an expert is available; always once they left an address).
    show: bool,
}

/// A new address, or `null` to forget it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SetEmail {
    /// The address (`null`: forget it).
    email: Option<String>,
}

async fn view(
    state: &AppState,
    auth: &VisitorAuth,
    headers: &HeaderMap,
) -> Result<VisitorEmailView, ApiError> {
    let (brand, visitor) = (auth.brand.id, auth.visitor);
    let mut conn = state.store.conn().await?;
    let words = ebb_store::widget_texts::get(&mut conn, brand).await?;
    let asked = ask(
        state,
        &mut conn,
        brand,
        super::texts::resolve(words.locale, headers),
    )
    .await?;
    let stored = mail::visitor_email(&mut conn, brand, visitor).await?;
    let mine = conversations::page_for_visitor(&mut conn, brand, visitor, None, 1).await?;
    let experts = ebb_store::experts::list(&mut conn, brand).await?;
    let online = experts
        .iter()
        .any(|e| e.status == ebb_core::ExpertStatus::Available);
    Ok(VisitorEmailView {
        show: asked.ask != AskEmail::Never
            && (asked.ask.shows_field(!mine.is_empty(), online) || stored.is_some()),
        asked,
        unsubscribed: stored.as_ref().is_some_and(|e| e.unsubscribed_at.is_some()),
        email: stored.map(|e| e.email),
    })
}

/// The visitor's email address, the brand's ask setting and consent text.
#[utoipa::path(get, path = "/email", tag = "visitor",
    responses((status = 200, description = "The address and the consent text", body = VisitorEmailView)))]
async fn get_email(
    State(state): State<AppState>,
    auth: VisitorAuth,
    headers: HeaderMap,
) -> Result<Json<VisitorEmailView>, ApiError> {
    Ok(Json(view(&state, &auth, &headers).await?))
}

/// Leave, change or forget (`null`) the address follow-ups go to (422 `invalid-body` for
/// one that is not an address); a new address clears an earlier unsubscribe.
#[utoipa::path(put, path = "/email", tag = "visitor", request_body = SetEmail,
    responses((status = 200, description = "The address and the consent text", body = VisitorEmailView)))]
async fn put_email(
    State(state): State<AppState>,
    auth: VisitorAuth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SetEmail>,
) -> Result<Json<VisitorEmailView>, ApiError> {
    let email = body.email.as_deref().map(Email::parse).transpose()?;
    let mut conn = state.store.conn().await?;
    let now = state.clock.now();
    mail::set_visitor_email(&mut conn, auth.brand.id, auth.visitor, email.as_ref(), now).await?;
    drop(conn);
    Ok(Json(view(&state, &auth, &headers).await?))
}

/// A reopen link's token.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Resume {
    /// The token after `#ebb-resume=` in the link.
    token: String,
}

/// A visitor session given by a reopen link.
#[derive(Serialize, utoipa::ToSchema)]
struct Resumed {
    /// The visitor the link was for.
    visitor_id: VisitorId,
    /// A new bearer token of that visitor (the one in the first browser keeps working).
    token: String,
    /// The conversation the link opens.
    conversation_id: ConversationId,
}

/// Exchange a signed reopen link (from a follow-up email) for a session of its visitor, in
/// any browser: 403 `link-refused` for a forged, altered, expired or other brand's link.
#[utoipa::path(post, path = "/resume", tag = "public", request_body = Resume,
    responses((status = 201, description = "A session of the link's visitor", body = Resumed)))]
async fn resume(
    State(state): State<AppState>,
    PathBrand(brand): PathBrand,
    PeerIp(ip): PeerIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Resume>,
) -> Result<(StatusCode, Json<Resumed>), ApiError> {
    crate::ws::check_origin(&state, brand.id, &headers).await?;
    state.limits.check_new_visitor(ip)?;
    let secret = signing::link_secret(&state, brand.id).await?;
    let now = state.clock.now();
    let link = Link::verify(&body.token, &secret, Purpose::Resume, now)
        .map_err(|refused| ApiError::LinkRefused(refused.detail()))?;
    let mut tx = state.store.begin().await?;
    let conv = conversations::get(&mut tx, brand.id, link.conversation).await?;
    let known = visitors::exists(&mut tx, brand.id, link.visitor).await?;
    if !known || conv.is_none_or(|c| c.visitor_id != link.visitor) {
        return Err(ApiError::LinkRefused(
            crate::mail::link::Refused::Invalid.detail(),
        ));
    }
    let token = new_token();
    ebb_store::visitors::add_token(&mut tx, brand.id, link.visitor, &hash_token(&token), now)
        .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Resumed {
            visitor_id: link.visitor,
            token,
            conversation_id: link.conversation,
        }),
    ))
}

/// Email the conversation's transcript to the visitor's address (202): 409 `conflict`
/// without an address or when this server sends no email, 429 `rate-limited` within 10
/// minutes of the last one.
#[utoipa::path(post, path = "/conversations/{id}/transcript/email", tag = "visitor",
    responses((status = 202, description = "Queued")))]
async fn email_transcript(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ApiPath((_, id)): ApiPath<(String, ConversationId)>,
) -> Result<StatusCode, ApiError> {
    let brand = auth.brand.id;
    let mut tx = state.store.begin().await?;
    conversations::get(&mut tx, brand, id)
        .await?
        .filter(|c| c.visitor_id == auth.visitor)
        .ok_or(ApiError::NotFound("conversation"))?;
    if state.settings.mail.is_none() {
        return Err(ApiError::Conflict(
            "this server does not send email".to_owned(),
        ));
    }
    if mail::visitor_email(&mut tx, brand, auth.visitor)
        .await?
        .is_none()
    {
        return Err(ApiError::Conflict(
            "leave your email address first".to_owned(),
        ));
    }
    let now = state.clock.now();
    let last = mail_jobs::batches(&mut tx, brand, id, TRANSCRIPT)
        .await?
        .last()
        .map(|b| b.created_at);
    transcript_allowed(last, now).map_err(ApiError::RateLimited)?;
    mail_jobs::schedule(&mut tx, brand, id, TRANSCRIPT, now, now).await?;
    tx.commit().await?;
    Ok(StatusCode::ACCEPTED)
}
