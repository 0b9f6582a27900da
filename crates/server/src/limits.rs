//! Request limits: the body size cap (413), per-IP / per-visitor rate limits (429 with
//! `Retry-After`), and the flood limits on anonymous visitors: new visitors and new
//! conversations per IP per hour (429 `too-many-visitors` / `too-many-conversations`), all
//! answered as problem+json. Rate limits use GCRA from `governor`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ebb_core::VisitorId;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{ApiError, AppState};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Keyed limiters are pruned of idle keys once they hold this many.
const PRUNE_AT: usize = 10_000;

/// Requests allowed per minute, and new visitors and conversations per hour (0 turns a
/// limit off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateSettings {
    /// Per client IP address, over every API route and WebSocket upgrade.
    pub per_ip_per_minute: u32,
    /// Per visitor, over the widget API and their WebSocket messages.
    pub per_visitor_per_minute: u32,
    /// Per expert or admin, over their WebSocket messages (all their sockets together).
    pub per_member_per_minute: u32,
    /// New anonymous visitors per client IP address per hour (bursts up to that many).
    pub new_visitors_per_ip_per_hour: u32,
    /// New conversations started per client IP address per hour (bursts up to that many).
    pub new_conversations_per_ip_per_hour: u32,
}

impl Default for RateSettings {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 600,
            per_visitor_per_minute: 120,
            per_member_per_minute: 600,
            new_visitors_per_ip_per_hour: 60,
            new_conversations_per_ip_per_hour: 30,
        }
    }
}

/// The rate limiters of one server; cheap to clone.
#[derive(Clone, Default)]
pub struct RateLimits {
    per_ip: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    per_visitor: Option<Arc<DefaultKeyedRateLimiter<VisitorId>>>,
    per_member: Option<Arc<DefaultKeyedRateLimiter<uuid::Uuid>>>,
    new_visitors: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    new_conversations: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
}

impl RateLimits {
    /// Limiters for `settings`.
    pub fn new(settings: RateSettings) -> Self {
        Self {
            per_ip: keyed(Quota::per_minute, settings.per_ip_per_minute),
            per_visitor: keyed(Quota::per_minute, settings.per_visitor_per_minute),
            per_member: keyed(Quota::per_minute, settings.per_member_per_minute),
            new_visitors: keyed(Quota::per_hour, settings.new_visitors_per_ip_per_hour),
            new_conversations: keyed(Quota::per_hour, settings.new_conversations_per_ip_per_hour),
        }
    }

    /// Counts one new visitor from `ip` (none known: not counted).
    pub fn check_new_visitor(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        check(self.new_visitors.as_deref(), &ip).map_err(|e| match e {
            ApiError::RateLimited(secs) => ApiError::TooManyVisitors(secs),
            other => other,
        })
    }

    /// Counts one new conversation started from `ip` (none known: not counted).
    pub fn check_new_conversation(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        check(self.new_conversations.as_deref(), &ip).map_err(|e| match e {
            ApiError::RateLimited(secs) => ApiError::TooManyConversations(secs),
            other => other,
        })
    }

    /// Counts one request from `ip`.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        check(self.per_ip.as_deref(), &ip)
    }

    /// Counts one request from `visitor`.
    pub fn check_visitor(&self, visitor: VisitorId) -> Result<(), ApiError> {
        check(self.per_visitor.as_deref(), &visitor)
    }

    /// Counts one WebSocket message from the expert or admin with id `member`.
    pub fn check_member(&self, member: uuid::Uuid) -> Result<(), ApiError> {
        check(self.per_member.as_deref(), &member)
    }
}

fn keyed<K: Clone + Eq + std::hash::Hash>(
    quota: fn(NonZeroU32) -> Quota,
    n: u32,
) -> Option<Arc<DefaultKeyedRateLimiter<K>>> {
    NonZeroU32::new(n).map(|n| Arc::new(RateLimiter::keyed(quota(n))))
}

/// The client's IP address (behind trusted proxies, the forwarded client's, as for
/// [`per_ip`]), when the server runs with peer addresses.
#[derive(Clone, Copy, Debug)]
pub struct PeerIp(pub Option<IpAddr>);

impl axum::extract::FromRequestParts<AppState> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(peer.map(|ConnectInfo(addr)| {
            state.settings.proxies.client_ip(addr.ip(), &parts.headers)
        })))
    }
}

fn check<K>(limiter: Option<&DefaultKeyedRateLimiter<K>>, key: &K) -> Result<(), ApiError>
where
    K: Clone + Eq + std::hash::Hash,
{
    let Some(limiter) = limiter else {
        return Ok(());
    };
    if limiter.len() > PRUNE_AT {
        limiter.retain_recent();
    }
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::RateLimited(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    })
}

/// Middleware: the per-IP limit (skipped when the server runs without peer addresses),
/// keyed by the client address behind the trusted proxies ([`crate::forwarded`]).
pub async fn per_ip(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = state
            .settings
            .proxies
            .client_ip(peer.ip(), request.headers());
        state.limits.check_ip(client)?;
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_over_the_limit_is_refused_with_a_retry_delay() {
        let limits = RateLimits::new(RateSettings {
            per_ip_per_minute: 2,
            per_visitor_per_minute: 0,
            per_member_per_minute: 0,
            new_visitors_per_ip_per_hour: 1,
            new_conversations_per_ip_per_hour: 0,
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        assert!(limits.check_ip(ip).is_ok());
        assert!(limits.check_ip(ip).is_ok());
        match limits.check_ip(ip) {
            Err(ApiError::RateLimited(secs)) => assert!((1..=30).contains(&secs)),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limits.check_ip(IpAddr::from([10, 0, 0, 2])).is_ok());
        for _ in 0..100 {
            assert!(limits.check_visitor(VisitorId::new()).is_ok(), "0 = off");
            assert!(limits.check_new_conversation(Some(ip)).is_ok(), "0 = off");
        }
        assert!(limits.check_new_visitor(Some(ip)).is_ok());
        assert!(matches!(
            limits.check_new_visitor(Some(ip)),
            Err(ApiError::TooManyVisitors(secs)) if secs > 60
        ));
        assert!(
            limits.check_new_visitor(None).is_ok(),
            "no address, no count"
        );
    }
}
