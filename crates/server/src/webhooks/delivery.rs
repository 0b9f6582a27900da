//! Webhook delivery, the [`Job`] on the outbox: each leased row is POSTed to its endpoint
//! with a short timeout and its outcome recorded: delivered (2xx), due again after an
//! exponential backoff with jitter, or dead after [`MAX_ATTEMPTS`]. A row is marked
//! delivered only after a 2xx, so a crash between the POST and the record re-sends it: at
//! least once. It runs in the shared [`worker`](crate::worker) loop, woken by bus hints.

use std::time::Duration as StdDuration;

use ebb_core::Instant;
use ebb_store::outbox::{self, Attempt, Delivery};
use ebb_store::{Conn, StoreError, Tx, webhook_endpoints};
use rand::Rng;
use time::Duration;

use super::signature;
use super::target::{GuardedResolver, REFUSED, TargetPolicy};
use crate::worker::{Job, Wakeup};
use crate::{ApiError, AppState};

/// How long a claimed delivery stays leased to this node (longer than [`TIMEOUT`]).
pub const LEASE: Duration = Duration::seconds(60);
/// The whole request's timeout.
pub const TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How many deliveries are claimed at once.
pub const BATCH: u32 = 50;
/// How many deliveries are in flight at once.
pub const CONCURRENCY: usize = 8;
/// After this many failed attempts a delivery is dead.
pub const MAX_ATTEMPTS: i64 = 16;
/// The wait after the first failure; it doubles with each further failure.
pub const FIRST_BACKOFF: Duration = Duration::seconds(10);
/// The longest wait between two attempts (before jitter).
pub const MAX_BACKOFF: Duration = Duration::hours(6);

/// The wait after failed attempt number `attempts` (1 for the first), before jitter:
/// 10 s, 20 s, 40 s ... capped at 6 h.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let secs = FIRST_BACKOFF
        .whole_seconds()
        .saturating_mul(1_i64 << doublings);
    Duration::seconds(secs).min(MAX_BACKOFF)
}

/// [`backoff`] plus a jitter of `fraction` (0 to 1) of up to a fifth of it, so receivers
/// that failed together are not retried together.
pub fn backoff_with_jitter(attempts: i64, fraction: f64) -> Duration {
    let base = backoff(attempts);
    base + base * (fraction.clamp(0.0, 1.0) / 5.0)
}

/// The delivery client: HTTPS through rustls with the `ring` provider (no aws-lc) and the
/// operating system's trusted roots, short timeouts, no redirects, no proxy, and names
/// resolved only to the addresses `targets` allows.
pub fn http_client(targets: TargetPolicy) -> Result<reqwest::Client, reqwest::Error> {
    crate::install_crypto_provider();
    reqwest::Client::builder()
        .dns_resolver(GuardedResolver::new(targets))
        .no_proxy()
        .timeout(TIMEOUT)
        .connect_timeout(StdDuration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Ebb-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Deliveries of the webhook outbox, POSTed with one shared client to allowed targets.
pub struct WebhookDelivery {
    client: reqwest::Client,
    targets: TargetPolicy,
}

impl WebhookDelivery {
    /// The job with its HTTP client ([`http_client`]) for `targets`.
    pub fn new(targets: TargetPolicy) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: http_client(targets.clone())?,
            targets,
        })
    }
}

impl Job for WebhookDelivery {
    type Item = Delivery;
    const KIND: &'static str = "webhook_delivery";
    const LEASE: Duration = LEASE;
    const BATCH: u32 = BATCH;
    const CONCURRENCY: usize = CONCURRENCY;

    async fn claim(&self, tx: &mut Tx, now: Instant) -> Result<Vec<Delivery>, StoreError> {
        outbox::claim_due(tx, now, now + LEASE, BATCH).await
    }

    async fn next_due(
        &self,
        conn: &mut Conn,
        _now: Instant,
    ) -> Result<Option<Instant>, StoreError> {
        outbox::next_due(conn).await
    }

    async fn handle(&self, state: &AppState, delivery: Delivery) -> Result<(), ApiError> {
        attempt(self, state, delivery).await
    }

    /// [`backoff_with_jitter`], until [`MAX_ATTEMPTS`] attempts failed.
    fn backoff(&self, attempts: i64, jitter: f64) -> Option<Duration> {
        (attempts < MAX_ATTEMPTS).then(|| backoff_with_jitter(attempts, jitter))
    }

    fn wakeup(&self, state: &AppState) -> Wakeup {
        Wakeup::Bus(state.bus.subscribe())
    }
}

/// Makes one attempt at `delivery` and records how it went.
#[tracing::instrument(skip_all, fields(
    webhook.delivery = %delivery.id,
    webhook.event_type = %delivery.event_type,
    webhook.attempt = delivery.attempts,
))]
async fn attempt(
    job: &WebhookDelivery,
    state: &AppState,
    delivery: Delivery,
) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    let target = webhook_endpoints::get(&mut conn, delivery.brand_id, delivery.endpoint_id).await?;
    drop(conn);
    let (outcome, gone) = match target {
        Some(t) if !t.deleted => (
            post(state, job, &t.endpoint.url, &t.secret, &delivery).await,
            false,
        ),
        _ => (Err((None, "endpoint deleted".to_owned())), true),
    };
    let now = state.clock.now();
    let record = match outcome {
        Ok(status_code) => Attempt::Delivered { status_code },
        Err((status_code, error)) => {
            let retry_at = job
                .backoff(delivery.attempts, rand::rng().random())
                .filter(|_| !gone)
                .map(|wait| now + wait);
            tracing::info!(
                webhook.status_code = status_code,
                webhook.retry_at = ?retry_at,
                error = %error,
                "webhook delivery failed"
            );
            Attempt::Failed {
                status_code,
                error,
                retry_at,
            }
        }
    };
    let mut conn = state.store.conn().await?;
    outbox::record(&mut conn, &delivery, &record, now).await?;
    Ok(())
}

/// POSTs the signed payload to an allowed target; the status code of a 2xx, else what went
/// wrong (a refused address is checked here for address literals, by the resolver for
/// names).
async fn post(
    state: &AppState,
    job: &WebhookDelivery,
    url: &str,
    secret: &str,
    delivery: &Delivery,
) -> Result<i64, (Option<i64>, String)> {
    let url = job
        .targets
        .check_url(url)
        .map_err(|why| (None, format!("refused: {why}")))?;
    let body = delivery.payload.clone().into_bytes();
    let timestamp = unix_seconds(state.clock.now());
    let response = job
        .client
        .post(url)
        .header("content-type", "application/json")
        .header(
            signature::HEADER,
            signature::header_value(secret, timestamp, &body),
        )
        .header("Ebb-Event-Id", delivery.event_id.to_string())
        .header("Ebb-Event-Type", &delivery.event_type)
        .body(body)
        .send()
        .await
        .map_err(|e| (None, describe(&e)))?;
    let status = i64::from(response.status().as_u16());
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("receiver answered {status}")))
    }
}

/// Whether `err` comes from [`GuardedResolver`] refusing every address of a name.
fn refused_by_resolver(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if cause.to_string().contains(REFUSED) {
            return true;
        }
        source = cause.source();
    }
    false
}

fn unix_seconds(at: Instant) -> i64 {
    at.unix_timestamp()
}

/// A short, stable description of a transport error (no response bodies, no secrets).
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() && refused_by_resolver(err) {
        "refused: the name resolves only to addresses webhooks may not go to".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else if err.is_builder() {
        "invalid URL".to_owned()
    } else {
        "request failed".to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_client_speaks_https() {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let hello = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("a connection");
            let mut first = [0u8; 3];
            socket.read_exact(&mut first).await.expect("bytes");
            first
        });
        let allow_loopback = TargetPolicy::parse("127.0.0.1").expect("a policy");
        let client = super::http_client(allow_loopback).expect("client");
        let url = format!("https://127.0.0.1:{port}/");
        let _ = tokio::time::timeout(StdDuration::from_secs(2), client.get(url).send()).await;
        let first = tokio::time::timeout(StdDuration::from_secs(2), hello)
            .await
            .expect("the client connected")
            .expect("listener task");
        assert_eq!(
            first,
            [0x16, 0x03, 0x01],
            "a TLS handshake record opens the connection"
        );
    }

    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(3), Duration::seconds(40));
        assert_eq!(backoff(12), Duration::seconds(20_480));
        assert_eq!(backoff(13), MAX_BACKOFF);
        assert_eq!(backoff(1_000), MAX_BACKOFF);
        assert_eq!(backoff(0), Duration::seconds(10));
    }

    #[test]
    fn jitter_adds_at_most_a_fifth() {
        assert_eq!(backoff_with_jitter(1, 0.0), Duration::seconds(10));
        assert_eq!(backoff_with_jitter(1, 1.0), Duration::seconds(12));
        assert_eq!(backoff_with_jitter(2, 7.0), Duration::seconds(24));
    }
}
