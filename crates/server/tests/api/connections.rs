//! Connection-level limits: stalled requests (slowloris) are closed after the header or
//! body timeout and capped per IP, WebSockets are capped per IP, oversized WebSocket
//! messages close with 1009 and experts' and admins' frames are rate-limited.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use ebb_core::ExpertStatus;
use ebb_server::Settings;
use ebb_server::connections::ConnectionSettings;
use ebb_server::limits::RateSettings;
use ebb_server::openapi::{Audience, routes};
use ebb_server::ws::MAX_CLIENT_MESSAGE_BYTES;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, id_of, spawn_apps_with, test_settings};
use crate::ws_client::{Ws, admin};

/// How long a test waits for the server to close a stalled connection: far above the
/// short timeouts configured here, so only a server that never closes fails.
const GENEROUS: Duration = Duration::from_secs(15);

/// Test settings with `connections`.
fn with_connections(connections: ConnectionSettings) -> Settings {
    Settings {
        connections,
        ..test_settings()
    }
}

/// The server's socket address.
fn addr(app: &TestApp) -> SocketAddr {
    app.base
        .trim_start_matches("http://")
        .parse()
        .expect("socket address")
}

/// A TCP connection to `to` from the loopback address `from`.
async fn connect_from(from: Ipv4Addr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
    socket.connect(to).await
}

/// Whether the server ends `stream` (EOF or reset) within [`GENEROUS`]; what it sent
/// before is skipped.
async fn closed_by_server(mut stream: TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    let read_to_end = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(GENEROUS, read_to_end).await.is_ok()
}

/// `GET /healthz` from the loopback address `from`.
async fn health_from(app: &TestApp, from: Ipv4Addr) -> StatusCode {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(from))
        .timeout(GENEROUS)
        .build()
        .expect("client");
    client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("healthz answers")
        .status()
}

#[tokio::test]
async fn stalled_requests_are_closed_after_the_header_timeout_and_others_are_served() {
    let settings = with_connections(ConnectionSettings {
        header_timeout: Duration::from_millis(500),
        per_ip_connections: 20,
        ..ConnectionSettings::default()
    });
    let attacker = Ipv4Addr::LOCALHOST;
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let mut stalled = Vec::new();
        for _ in 0..300 {
            let mut stream = connect_from(attacker, addr(&app)).await.expect("connect");
            // Half a request line, then nothing.
            let _ = stream.write_all(b"GET /healthz HT").await;
            stalled.push(stream);
        }
        assert_eq!(
            health_from(&app, Ipv4Addr::new(127, 0, 0, 2)).await,
            StatusCode::OK,
            "{b}: another client is still served"
        );
        let closed =
            futures_util::future::join_all(stalled.into_iter().map(closed_by_server)).await;
        let open = closed.iter().filter(|c| !**c).count();
        assert_eq!(
            open, 0,
            "{b}: every stalled connection is closed by the server"
        );
        assert_eq!(
            health_from(&app, attacker).await,
            StatusCode::OK,
            "{b}: the address is served again once its stalled connections are gone"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn connections_over_the_per_ip_cap_are_closed_at_once() {
    let cap = 20;
    let settings = with_connections(ConnectionSettings {
        header_timeout: GENEROUS * 4,
        per_ip_connections: cap,
        ..ConnectionSettings::default()
    });
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let mut stalled = Vec::new();
        for _ in 0..cap + 50 {
            let mut stream = TcpStream::connect(addr(&app)).await.expect("connect");
            let _ = stream.write_all(b"GET /healthz HT").await;
            stalled.push(stream);
        }
        let over = stalled.split_off(cap);
        let closed = futures_util::future::join_all(over.into_iter().map(closed_by_server)).await;
        assert!(
            closed.iter().all(|c| *c),
            "{b}: connections over the cap are closed long before the header timeout"
        );
        let mut first = stalled.swap_remove(0);
        first
            .write_all(b"TP/1.1\r\nhost: ebb\r\nconnection: close\r\n\r\n")
            .await
            .expect("finish the request");
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(GENEROUS, first.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{b}: a connection within the cap stays open: {answer}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_trickling_request_body_is_cut_off_with_a_problem() {
    let settings = with_connections(ConnectionSettings {
        body_timeout: Duration::from_millis(500),
        ..ConnectionSettings::default()
    });
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let mut stream = TcpStream::connect(addr(&app)).await.expect("connect");
        let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: ebb\r\n\
                    content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"brand\":";
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        let read = tokio::time::timeout(GENEROUS, async {
            while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        assert!(read.is_ok(), "{b}: the server answers a stalled body");
        let answer = String::from_utf8_lossy(&answer).to_lowercase();
        assert!(answer.starts_with("http/1.1 408"), "{b}: {answer}");
        assert!(
            answer.contains("content-type: application/problem+json"),
            "{b}: {answer}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn websockets_are_capped_per_ip_with_429() {
    let cap = 3;
    let settings = with_connections(ConnectionSettings {
        per_ip_websockets: cap,
        ..ConnectionSettings::default()
    });
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let mut open = vec![Ws::session(&app, &ada).await];
        for _ in 1..cap {
            open.push(Ws::visitor(&app, &acme, &visitor).await);
        }
        let query = format!("token={ada}");
        let refused = Ws::try_connect(&app.base, &query, None).await.err();
        assert_eq!(refused, Some(StatusCode::TOO_MANY_REQUESTS), "{b}: cap + 1");
        let resp = app
            .http
            .get(format!("{}/ws?{query}", app.base))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .send()
            .await
            .expect("upgrade");
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let problem: Value = resp.json().await.expect("json");
        assert_eq!(problem["type"], "/problems/too-many-websockets", "{b}");
        if let Some(ws) = open.pop() {
            ws.close().await;
        }
        let mut again = None;
        for _ in 0..100 {
            match Ws::try_connect(&app.base, &query, None).await {
                Ok(ws) => {
                    again = Some(ws);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        assert!(again.is_some(), "{b}: a closed socket frees its place");
        app.finish().await;
    }
}

#[test]
fn the_websocket_is_the_only_socket_route() {
    let sockets: Vec<_> = routes()
        .iter()
        .filter(|r| r.audience == Audience::Socket)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        sockets,
        ["GET /ws"],
        "the 1009 test below covers every kind of client on every socket route"
    );
}

#[tokio::test]
async fn an_oversized_message_closes_every_kind_of_socket_with_1009() {
    for app in spawn_apps_with(test_settings()).await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let visitor = app.visitor(&acme).await;
        let boss = admin(&app, &acme, "boss").await;
        let sockets = [
            ("visitor", Ws::visitor(&app, &acme, &visitor).await),
            ("expert", Ws::session(&app, &ada).await),
            ("admin", Ws::session(&app, &boss).await),
        ];
        for (kind, mut ws) in sockets {
            let padding = "x".repeat(MAX_CLIENT_MESSAGE_BYTES);
            ws.send(json!({"type": "ping", "padding": padding})).await;
            let ended = ws.ended_within(GENEROUS).await;
            assert_eq!(ended, Some(Some(1009)), "{b}: {kind}");
        }
        app.finish().await;
    }
}

/// Floods `ws` with `n` read frames of `conversation`; returns how many were stored
/// (each stored marker is signalled back as a `read` frame) and how many were refused.
async fn flood_reads(ws: &mut Ws, conversation: &str, n: usize) -> (usize, usize) {
    for _ in 0..n {
        ws.send(json!({"type": "read", "conversation": conversation, "seq": 1}))
            .await;
    }
    let frames = ws.drain(Duration::from_secs(1)).await;
    let stored = frames.iter().filter(|f| f["type"] == "read").count();
    let refused = frames
        .iter()
        .filter(|f| f["type"] == "error" && f["problem"]["type"] == "/problems/rate-limited")
        .count();
    (stored, refused)
}

#[tokio::test]
async fn expert_and_admin_frames_are_rate_limited() {
    let per_minute = 10;
    let settings = Settings {
        rates: RateSettings {
            per_member_per_minute: per_minute,
            ..RateSettings::default()
        },
        ..test_settings()
    };
    let flood = 200;
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let (acme, _, ada, _, started) = app.opening(2, "hello", "c1").await;
        let id = id_of(&started);
        let boss = admin(&app, &acme, "boss").await;
        for (kind, token) in [("expert", &ada), ("admin", &boss)] {
            let mut ws = Ws::session(&app, token).await;
            let (stored, refused) = flood_reads(&mut ws, &id, flood).await;
            assert!(
                stored >= 1,
                "{b}: {kind}: frames within the limit are served"
            );
            assert!(
                stored <= 5 * per_minute as usize,
                "{b}: {kind}: {stored} of {flood} read markers written"
            );
            assert!(refused >= flood / 2, "{b}: {kind}: refused {refused}");
            ws.close().await;
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_trusted_proxy_is_spared_the_connection_cap_and_its_clients_are_counted_apart() {
    let mut settings = with_connections(ConnectionSettings {
        per_ip_connections: 5,
        per_ip_websockets: 2,
        header_timeout: GENEROUS * 4,
        ..ConnectionSettings::default()
    });
    settings.proxies.nets = vec!["127.0.0.1".parse().expect("net")];
    for app in spawn_apps_with(settings).await {
        let b = app.backend;
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let mut stalled = Vec::new();
        for _ in 0..20 {
            let mut stream = connect_from(Ipv4Addr::LOCALHOST, addr(&app))
                .await
                .expect("connect");
            let _ = stream.write_all(b"GET /healthz HT").await;
            stalled.push(stream);
        }
        assert_eq!(
            health_from(&app, Ipv4Addr::LOCALHOST).await,
            StatusCode::OK,
            "{b}: the proxy carries many clients: its connections are not capped"
        );
        let upgrade = |client: &'static str| {
            app.http
                .get(format!("{}/ws?token={ada}", app.base))
                .header("connection", "upgrade")
                .header("upgrade", "websocket")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("x-forwarded-for", client)
                .send()
        };
        let mut open = Vec::new();
        for _ in 0..2 {
            let resp = upgrade("203.0.113.7").await.expect("upgrade");
            assert_eq!(resp.status(), StatusCode::SWITCHING_PROTOCOLS, "{b}");
            open.push(resp);
        }
        let third = upgrade("203.0.113.7").await.expect("upgrade");
        assert_eq!(
            third.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: one forwarded client is capped"
        );
        let other = upgrade("198.51.100.9").await.expect("upgrade");
        assert_eq!(
            other.status(),
            StatusCode::SWITCHING_PROTOCOLS,
            "{b}: another client behind the same proxy has its own sockets"
        );
        drop((open, other, stalled));
        app.finish().await;
    }
}
