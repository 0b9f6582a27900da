//! The inbound mail hook (`POST /api/v1/inbound/email`): the operator's mail server (a
//! Postfix pipe, an aiosmtpd relay, through `ebb mail-inbound`) posts each mail sent to a
//! reply address, raw. Authenticated by the `EBB_INBOUND_MAIL_SECRET` bearer, compared by
//! its SHA-256 in constant time; 404 when none is configured.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use ebb_core::{Author, ConversationId, Event};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use crate::auth::configured_secret;
use crate::inbound_mail::{self, Landed, MAX_MAIL_BYTES, Refusal};
use crate::{ApiError, AppState};

/// Routes under `/api/v1/inbound`, which take bodies up to [`MAX_MAIL_BYTES`].
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(receive))
        .layer(DefaultBodyLimit::max(MAX_MAIL_BYTES))
}

/// The operator's mail server, authenticated by the configured inbound mail secret.
pub struct MailServerAuth;

impl FromRequestParts<AppState> for MailServerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let expected = state.settings.inbound_mail_secret.as_deref();
        configured_secret(parts, expected, "inbound mail hook").map(|()| Self)
    }
}

/// Where the mail server delivered the mail.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The envelope recipient (Postfix's `${recipient}`), tried before the mail's own
    /// Delivered-To, X-Original-To, To and Cc headers.
    pub recipient: Option<String>,
}

/// What became of a mail.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailOutcome {
    /// Its new text is now the visitor's message.
    Landed,
    /// The same mail (same Message-ID) landed before; nothing was added.
    Replayed,
    /// A machine sent it (an auto-reply, a bounce, bulk mail); nothing landed.
    Ignored,
}

/// The answer to a posted mail.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct MailReceipt {
    /// What became of it.
    pub outcome: MailOutcome,
    /// The conversation its text is in: the replied one, or the follow-up opened because
    /// that one was closed. Absent when ignored.
    pub conversation_id: Option<ConversationId>,
    /// The timeline seq of the visitor message. Absent when ignored.
    pub seq: Option<u64>,
    /// Why it was ignored (`auto-submitted`, `bulk`, `bounce`, `out-of-office`).
    pub reason: Option<&'static str>,
}

/// Post a visitor's reply mail (raw RFC 5322, `Content-Type: message/rfc822`, at most
/// 10 MiB). The signed reply address among its recipients names the conversation; the
/// new text (quotes and signature cut) lands as the visitor's message. A replay of the
/// same Message-ID answers 200 and adds nothing; machine-sent mail answers 202 and lands
/// nothing. Refusals (problem+json, nothing lands): 415 `not-rfc822`, 400 `not-a-mail`,
/// 404 `unknown-reply-address`, 403 `forged-reply-address`, 422 `empty-reply`, 422
/// `reply-too-long`, 413 `payload-too-large`.
#[utoipa::path(post, path = "/email", tag = "inbound-mail", params(Envelope),
    request_body(content = String, content_type = "message/rfc822", description = "The whole mail, headers and body"),
    responses(
        (status = 201, description = "The reply landed", body = MailReceipt),
        (status = 200, description = "This mail had landed already", body = MailReceipt),
        (status = 202, description = "Machine-sent mail, ignored", body = MailReceipt)))]
async fn receive(
    State(state): State<AppState>,
    _: MailServerAuth,
    ApiQuery(envelope): ApiQuery<Envelope>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<MailReceipt>), ApiError> {
    let answer = receive_mail(&state, envelope, &headers, raw).await;
    if let Err(err) = &answer {
        tracing::warn!(inbound.refused = %err, "reply mail refused");
    }
    answer
}

async fn receive_mail(
    state: &AppState,
    envelope: Envelope,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<MailReceipt>), ApiError> {
    let rfc822 = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("message/rfc822"));
    if !rfc822 {
        return Err(Refusal::NotRfc822.into());
    }
    let raw = raw.map_err(body_refusal)?;
    let recipients: Vec<String> = envelope.recipient.into_iter().collect();
    let mail = inbound_mail::read(&raw, &recipients)?;
    let key = mail.key.clone();
    Ok(match inbound_mail::land(state, mail).await? {
        Landed::Ignored(why) => {
            let ignored = MailReceipt {
                outcome: MailOutcome::Ignored,
                conversation_id: None,
                seq: None,
                reason: Some(why.as_str()),
            };
            (StatusCode::ACCEPTED, Json(ignored))
        }
        Landed::Posted(out) => {
            let seq = out.entries.iter().find_map(|e| match &e.event {
                Event::Message {
                    author: Author::Visitor(_),
                    client_msg_id: Some(id),
                    ..
                } if *id == key => Some(e.seq),
                _ => None,
            });
            let (status, outcome) = match out.replayed {
                true => (StatusCode::OK, MailOutcome::Replayed),
                false => (StatusCode::CREATED, MailOutcome::Landed),
            };
            tracing::info!(conversation.id = %out.conversation.id, inbound.outcome = ?outcome, "reply mail taken");
            (status, Json(posted(outcome, out.conversation.id, seq)))
        }
    })
}

/// The receipt of a mail that landed (or had).
fn posted(outcome: MailOutcome, conversation_id: ConversationId, seq: Option<u64>) -> MailReceipt {
    MailReceipt {
        outcome,
        conversation_id: Some(conversation_id),
        seq,
        reason: None,
    }
}

/// The problem for a body that could not be read.
fn body_refusal(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(MAX_MAIL_BYTES)
    } else if crate::error::timed_out(&rejection) {
        ApiError::RequestTimeout
    } else {
        ApiError::BadRequest(rejection.body_text())
    }
}
