//! The WebSocket endpoint `GET /ws`: authenticates the token on upgrade (visitor token with
//! `brand`, or an expert/admin session), checks a visitor page's `Origin` against the
//! brand's allowed origins, caps open sockets per client IP, sets explicit buffer and
//! message size limits, then hands the socket to [`connection`], which closes it (4403) once
//! the session ends (logged out, revoked, expired, or the expert disabled). The protocol is
//! documented in `docs/api.md`.

pub mod connection;
pub mod frames;
mod gauge;

use axum::Extension;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::response::Response;
use ebb_store::brands;
use serde::Deserialize;

use crate::api::ApiQuery;
use crate::auth::{Principal, bearer_header};
use crate::{ApiError, AppState};

/// Read buffer per connection: small, since clients send little (the default costs
/// ~134 KiB per idle connection; 4 KiB brings it to ~7 KiB).
pub const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Write buffer per connection before a flush.
pub const WRITE_BUFFER_BYTES: usize = 8 * 1024;
/// Most bytes queued for a client that does not read before the connection is dropped.
pub const MAX_WRITE_BUFFER_BYTES: usize = 1024 * 1024;
/// Largest message (and frame) a client may send.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 16 * 1024;

/// Query of the upgrade request.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Connect {
    /// The token (browsers cannot set an `Authorization` header on a WebSocket).
    pub token: Option<String>,
    /// The brand's slug, for a visitor token.
    pub brand: Option<String>,
}

/// WebSocket (frames: see docs/api.md).
///
/// Authenticates, checks the origin, upgrades.
#[utoipa::path(get, path = "/ws", tag = "socket", params(Connect),
    responses((status = 101, description = "Switching to the WebSocket protocol")))]
pub async fn upgrade(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<Connect>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let token = query
        .token
        .as_deref()
        .or_else(|| bearer_header(&headers))
        .ok_or(ApiError::Unauthorized)?;
    let principal = Principal::resolve(&state, token, query.brand.as_deref()).await?;
    if let Principal::Visitor { brand, .. } = &principal {
        check_origin(&state, brand.id, &headers).await?;
    }
    let session = match &principal {
        Principal::Visitor { .. } => None,
        _ => Some(crate::auth::hash_token(token)),
    };
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let slot = match peer {
        Some(addr) => Some(
            state
                .websockets
                .try_take(state.settings.proxies.client_ip(addr.ip(), &headers))
                .ok_or(ApiError::TooManyWebSockets(state.websockets.max()))?,
        ),
        None => None,
    };
    Ok(upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            connection::run(state, (principal, session), socket, peer).await;
        }))
}

/// A browser's `Origin` must be the server's own or one the brand allows; requests without
/// one (non-browser clients) pass, as they cannot ride on a visitor's browser.
pub(crate) async fn check_origin(
    state: &AppState,
    brand: ebb_core::BrandId,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .map_err(|_| ApiError::OriginNotAllowed("(unreadable)".into()))?
        .trim_end_matches('/');
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| is_same_origin(origin, h)) {
        return Ok(());
    }
    let mut conn = state.store.conn().await?;
    let allowed = brands::allowed_origins(&mut conn, brand).await?;
    if allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed(origin.to_owned()))
    }
}

fn is_same_origin(origin: &str, host: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        origin
            .strip_prefix(scheme)
            .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
    })
}

#[cfg(test)]
mod tests {
    use super::is_same_origin;

    #[test]
    fn same_origin_matches_scheme_and_host_exactly() {
        assert!(is_same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(is_same_origin("https://Shop.example", "shop.example"));
        assert!(!is_same_origin("http://evil.example", "shop.example"));
        assert!(!is_same_origin("http://shop.example.evil", "shop.example"));
        assert!(!is_same_origin("shop.example", "shop.example"));
    }
}
