//! The unsubscribe link of follow-up emails: `GET` shows a confirmation page with a
//! button, `POST` (the button, or a mail client's one-click `List-Unsubscribe-Post`) stops
//! follow-up emails to that visitor. The token is signed (see `crate::mail::link`).

use axum::extract::State;
use axum::response::Html;
use ebb_core::transcript::escape;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiPath;
use crate::mail::link::{Link, Purpose, Refused};
use crate::{ApiError, AppState, signing};

/// Routes under `/api/v1/mail`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(confirm, unsubscribe))
}

/// The link's visitor, verified (403 `link-refused` otherwise).
async fn verified(state: &AppState, token: &str) -> Result<Link, ApiError> {
    let refused = || ApiError::LinkRefused(Refused::Invalid.detail());
    let brand = Link::brand_of(token).ok_or_else(refused)?;
    ebb_store::brands::by_id(&mut state.store.conn().await?, brand)
        .await?
        .ok_or_else(refused)?;
    let secret = signing::link_secret(state, brand).await?;
    Link::verify(token, &secret, Purpose::Unsubscribe, state.clock.now())
        .map_err(|r| ApiError::LinkRefused(r.detail()))
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{0}</title></head>\
         <body><main><h1>{0}</h1>{body}</main></body></html>\n",
        escape(title)
    ))
}

/// The confirmation page of an unsubscribe link.
#[utoipa::path(get, path = "/unsubscribe/{token}", tag = "public",
    responses((status = 200, description = "A page with a confirmation button", body = String, content_type = "text/html")))]
async fn confirm(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Html<String>, ApiError> {
    verified(&state, &token).await?;
    Ok(page(
        "Stop follow-up emails?",
        "<p>You will no longer get emails about replies you have not seen. You can still \
         read every reply in the chat on the site.</p>\
         <form method=\"post\"><button type=\"submit\">Stop these emails</button></form>",
    ))
}

/// Stop follow-up emails for the link's visitor (one-click, RFC 8058).
#[utoipa::path(post, path = "/unsubscribe/{token}", tag = "public",
    responses((status = 200, description = "Done", body = String, content_type = "text/html")))]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Html<String>, ApiError> {
    let link = verified(&state, &token).await?;
    let mut conn = state.store.conn().await?;
    ebb_store::mail::unsubscribe(&mut conn, link.brand, link.visitor, state.clock.now()).await?;
    tracing::info!(brand.id = %link.brand.0, "visitor unsubscribed from follow-up emails");
    Ok(page(
        "You are unsubscribed",
        "<p>We will not email you about this conversation's replies any more.</p>",
    ))
}
