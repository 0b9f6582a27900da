//! Connection-level limits: the accept loop (HTTP/1.1 through hyper with a header read
//! timeout), per-IP caps on open connections and open WebSockets, and the process's
//! open-file limit. Request-level limits (body size, rates) live in [`crate::limits`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::forwarded::TrustedProxies;

/// Connection limits (0 turns a cap off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Longest wait for a request's head (request line and headers), from its first
    /// byte or from when the connection went idle; the connection is closed after it.
    pub header_timeout: Duration,
    /// Longest wait for a whole request body once the handler reads it.
    pub body_timeout: Duration,
    /// Open HTTP connections allowed per client IP; more are closed at once.
    pub per_ip_connections: usize,
    /// Open WebSockets allowed per client IP; more upgrades answer 429.
    pub per_ip_websockets: usize,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            per_ip_connections: 256,
            per_ip_websockets: 64,
        }
    }
}

/// Open things per client address.
type OpenPerIp = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// Counts what each client address holds open, up to a cap; cheap to clone. IPv6
/// addresses count per /64 (one subscriber's network), IPv4 per address.
#[derive(Clone, Default)]
pub struct PerIpSlots {
    max: usize,
    open: OpenPerIp,
}

/// One open thing of one address, counted until dropped (not counted without a cap).
pub struct Slot(Option<(OpenPerIp, IpAddr)>);

impl PerIpSlots {
    /// At most `max` per IP (0: no cap, nothing counted).
    pub fn new(max: usize) -> Self {
        Self {
            max,
            open: Arc::default(),
        }
    }

    /// The cap.
    pub fn max(&self) -> usize {
        self.max
    }

    /// A slot for `ip`, or `None` when its address already holds the cap.
    pub fn try_take(&self, ip: IpAddr) -> Option<Slot> {
        if self.max == 0 {
            return Some(Slot(None));
        }
        let key = client_key(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let held = open.entry(key).or_insert(0);
        if *held >= self.max {
            return None;
        }
        *held += 1;
        Some(Slot(Some((self.open.clone(), key))))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some((open, key)) = &self.0 else {
            return;
        };
        let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = open.get_mut(key) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(key);
            }
        }
    }
}

/// What a cap counts for `ip`: an IPv4 address (IPv4-mapped IPv6 included) as itself,
/// any other IPv6 address by its /64 network.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

/// Raises the open-file soft limit to the hard limit and logs the result: every
/// connection and WebSocket holds a file descriptor, and the usual soft limit (1,024)
/// is reached long before memory or CPU.
pub fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::info!(open_files.max = limit, "open-file limit"),
        Err(err) => tracing::warn!(error = %err, "could not raise the open-file limit"),
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open requests finish.
/// Each connection is HTTP/1.1 (WebSocket upgrades included) under `settings`; the
/// per-IP connection cap spares `proxies` (every client behind one shares its address).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: ConnectionSettings,
    proxies: TrustedProxies,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = PerIpSlots::new(settings.per_ip_connections);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let (stop, stopped) = watch::channel(false);
    let (open, counted) = watch::channel(());
    let connections = Connections {
        http,
        app,
        stopped,
        counted,
    };
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    on_accept_error(err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if proxies.trusts(peer.ip()) {
            None
        } else if let Some(slot) = slots.try_take(peer.ip()) {
            Some(slot)
        } else {
            metrics::counter!("ebb_connections_refused_total").increment(1);
            tracing::debug!(peer = %peer, "connection closed: too many from this address");
            continue;
        };
        connections.spawn(stream, peer, slot);
    }
    drop(listener);
    stop.send_replace(true);
    drop(connections);
    open.closed().await;
    Ok(())
}

/// What each connection's task starts from.
struct Connections {
    http: hyper::server::conn::http1::Builder,
    app: Router,
    /// Turns true at shutdown.
    stopped: watch::Receiver<bool>,
    /// Held by every connection's task, so shutdown can wait for the last one.
    counted: watch::Receiver<()>,
}

impl Connections {
    /// Serves one accepted connection on its own task, holding `slot` until it ends.
    fn spawn(&self, stream: TcpStream, peer: SocketAddr, slot: Option<Slot>) {
        let _ = stream.set_nodelay(true);
        let service = PeerService {
            app: self.app.clone(),
            peer,
        };
        let conn = self
            .http
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut stopped = self.stopped.clone();
        let counted = self.counted.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _counted = counted;
            let mut conn = pin!(conn);
            tokio::select! {
                result = conn.as_mut() => log_connection_end(peer, result),
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    log_connection_end(peer, conn.await);
                }
            }
        });
    }
}

fn log_connection_end(peer: SocketAddr, result: Result<(), hyper::Error>) {
    if let Err(err) = result {
        tracing::debug!(peer = %peer, error = %err, "connection ended");
    }
}

/// Accept errors: a reset before accept is harmless; anything else (out of file
/// descriptors) is logged and retried after a pause, as hyper used to.
async fn on_accept_error(err: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// The router for one connection, each request tagged with the peer's address (read by
/// the per-IP limits and the WebSocket cap).
#[derive(Clone)]
struct PeerService {
    app: Router,
    peer: SocketAddr,
}

impl hyper::service::Service<axum::http::Request<Incoming>> for PeerService {
    type Response = Response;
    type Error = Infallible;
    type Future = tower::util::Oneshot<Router, axum::http::Request<Incoming>>;

    fn call(&self, mut request: axum::http::Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(ConnectInfo(self.peer));
        tower::ServiceExt::oneshot(self.app.clone(), request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_ip_and_given_back_when_dropped() {
        let slots = PerIpSlots::new(2);
        let a = IpAddr::from([10, 0, 0, 1]);
        let first = slots.try_take(a);
        let second = slots.try_take(a);
        assert!(first.is_some() && second.is_some());
        assert!(slots.try_take(a).is_none(), "the third is over the cap");
        assert!(slots.try_take(IpAddr::from([10, 0, 0, 2])).is_some());
        drop(first);
        assert!(slots.try_take(a).is_some(), "a dropped slot is free again");
        let off = PerIpSlots::new(0);
        let held: Vec<_> = (0..10).map(|_| off.try_take(a)).collect();
        assert!(held.iter().all(Option::is_some), "0 = off");
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let slots = PerIpSlots::new(1);
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let other_64: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        let held = slots.try_take(one);
        assert!(held.is_some());
        assert!(slots.try_take(same_64).is_none(), "same /64, same count");
        assert!(slots.try_take(other_64).is_some());
        let v4 = slots.try_take(IpAddr::from([192, 0, 2, 1]));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
        assert!(v4.is_some());
        assert!(slots.try_take(mapped).is_none(), "mapped IPv4 is that IPv4");
    }
}
