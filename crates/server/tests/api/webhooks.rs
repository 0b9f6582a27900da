//! Webhooks out: a local receiver (an axum server on 127.0.0.1:0 that refuses the first N
//! deliveries) checks the documented signature, retries with backoff, at-least-once
//! delivery across a server restart, the desk's events, and who may manage endpoints.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use ebb_core::ExpertStatus;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use time::Duration;

use ebb_server::Settings;
use ebb_server::webhooks::TargetPolicy;
use ebb_store::webhook_endpoints::{self, Endpoint};

use crate::helpers::{TestApp, per_backend, spawn_apps_with, test_settings};
use crate::ws_client::{admin, rivals};

/// One request the receiver got.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    signature: String,
    event_id: String,
    pub(crate) event_type: String,
    pub(crate) body: String,
}

/// A local webhook receiver that answers 500 to its first `fail_first` requests.
pub(crate) struct Receiver {
    pub(crate) url: String,
    got: Arc<Mutex<Vec<Received>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub(crate) async fn start(fail_first: usize) -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = Arc::new(AtomicUsize::new(0));
        let log = got.clone();
        let handler = move |headers: HeaderMap, body: String| {
            let log = log.clone();
            let seen = seen.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                log.lock().expect("lock").push(Received {
                    signature: header("ebb-signature"),
                    event_id: header("ebb-event-id"),
                    event_type: header("ebb-event-type"),
                    body,
                });
                if seen.fetch_add(1, Ordering::SeqCst) < fail_first {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::NO_CONTENT
                }
            }
        };
        let app = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver");
        });
        Self { url, got, server }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits until at least `n` requests arrived (up to 10 s).
    async fn wait_for(&self, n: usize, what: &str) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; got {}",
                got.len()
            );
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    }

    /// Asserts nothing more than `n` requests arrive within a few worker polls.
    async fn still(&self, n: usize, what: &str) {
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        assert_eq!(self.received().len(), n, "{what}");
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Verifies a delivery as docs/webhooks.md tells receivers to (the time within 300 s of
/// `now_unix`, when given); returns its timestamp.
fn verify(secret: &str, got: &Received, now_unix: Option<i64>) -> i64 {
    let mut t = None;
    let mut v1 = None;
    for part in got.signature.split(',') {
        match part.split_once('=') {
            Some(("t", x)) => t = x.parse::<i64>().ok(),
            Some(("v1", x)) => v1 = Some(x.to_owned()),
            _ => {}
        }
    }
    let t = t.expect("t= in the signature");
    if let Some(now) = now_unix {
        assert!((now - t).abs() <= 300, "timestamp within tolerance");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", got.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1.as_deref(), Some(expected.as_str()), "signature matches");
    t
}

pub(crate) async fn subscribe(
    app: &TestApp,
    admin: &str,
    url: &str,
    events: &[&str],
) -> (String, String) {
    let body = json!({"url": url, "events": events});
    let (status, created) = app.post("/api/v1/admin/webhooks", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{}: {created}", app.backend);
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"));
    (created["id"].as_str().expect("id").to_owned(), secret)
}

per_backend! {
    async fn deliveries_are_signed_retried_with_backoff_and_survive_a_restart(mut app, b) {
        let brand = app.brand("acme").await;
        let ann = admin(&app, &brand, "ann").await;
        let receiver = Receiver::start(2).await;
        let (_, secret) = subscribe(&app, &ann, &receiver.url, &["conversation.created"]).await;
        let visitor = app.visitor(&brand).await;
        let started = app.start(&brand, &visitor, "hello?", "m1").await;
        let conv = started["conversation"]["id"].as_str().expect("id");

        let first = receiver.wait_for(1, "the first attempt").await;
        let t1 = verify(&secret, &first[0], Some(app.now().unix_timestamp()));
        assert_eq!(
            t1,
            app.now().unix_timestamp(),
            "{b}: signed at the server's time"
        );
        let event: Value = serde_json::from_str(&first[0].body).expect("json body");
        assert_eq!(event["type"], "conversation.created", "{b}");
        assert_eq!(first[0].event_type, "conversation.created", "{b}");
        assert_eq!(event["id"], first[0].event_id.as_str(), "{b}");
        assert_eq!(event["brand_id"], brand.id.to_string(), "{b}");
        assert_eq!(event["data"]["conversation_id"], conv, "{b}");
        assert_eq!(event["data"]["entry"]["type"], "started", "{b}");

        // Refused once: the retry waits 10 to 12 s (backoff plus jitter), even across a
        // restart of the server.
        receiver.still(1, "no retry before the backoff").await;
        app.advance(Duration::seconds(9)).await;
        receiver.still(1, "no retry before 10 s").await;
        app.restart().await;
        app.advance(Duration::seconds(4)).await;
        let second = receiver.wait_for(2, "the second attempt").await;
        let t2 = verify(&secret, &second[1], Some(app.now().unix_timestamp()));
        assert!(t2 >= t1 + 13, "{b}: re-signed at the retry's time");
        // Refused twice: the next wait is 20 to 24 s.
        app.advance(Duration::seconds(19)).await;
        receiver.still(2, "no retry before 20 s").await;
        app.advance(Duration::seconds(6)).await;
        let third = receiver.wait_for(3, "the third attempt").await;
        verify(&secret, &third[2], Some(app.now().unix_timestamp()));
        for got in &third {
            assert_eq!(got.body, first[0].body, "{b}: the same event every time");
            assert_eq!(got.event_id, first[0].event_id, "{b}");
        }

        let deliveries = app
            .wait_for("/api/v1/admin/webhook-deliveries", &ann, "delivered", |d| {
                d["deliveries"][0]["status"] == "delivered"
            })
            .await;
        let d = &deliveries["deliveries"][0];
        assert_eq!(d["attempts"], 3, "{b}: {d}");
        assert_eq!(d["last_status_code"], 204, "{b}");
        assert_eq!(d["event_id"], first[0].event_id.as_str(), "{b}");
        assert_eq!(deliveries["deliveries"].as_array().map(Vec::len), Some(1));
        app.advance(Duration::hours(1)).await;
        receiver
            .still(3, "nothing after the delivery was accepted")
            .await;
    }
}

per_backend! {
    async fn the_desk_sends_conversation_events(app, b) {
        let brand = app.brand("acme").await;
        let ann = admin(&app, &brand, "ann").await;
        let (_, ada) = app.expert(&brand, "ada", 1, ExpertStatus::Available).await;
        let receiver = Receiver::start(0).await;
        let all = [
            "conversation.created",
            "conversation.assigned",
            "conversation.snoozed",
            "conversation.woken",
            "conversation.closed",
            "message.created",
        ];
        let (_, secret) = subscribe(&app, &ann, &receiver.url, &all).await;
        let visitor = app.visitor(&brand).await;
        let started = app
            .start(&brand, &visitor, "where is my order?", "m1")
            .await;
        let id = started["conversation"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let path = format!("/api/v1/expert/conversations/{id}");
        let snooze = json!({"choice": {"kind": "three_hours"}});
        let (s, out) = app.post(&format!("{path}/snooze"), &ada, snooze).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");
        app.advance(Duration::hours(3) + Duration::minutes(1)).await;
        app.wait_for(&path, &ada, "the wake-up", |c| {
            c["conversation"]["state"]["status"] == "assigned" && c["conversation"]["last_seq"] == 7
        })
        .await;
        let (s, out) = app.post(&format!("{path}/close"), &ada, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {out}");

        let expected = [
            "conversation.created",
            "message.created",
            "conversation.assigned",
            "conversation.snoozed",
            "conversation.woken",
            "conversation.closed",
        ];
        let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
        let got = loop {
            let got = receiver.received();
            let types: Vec<&str> = got.iter().map(|g| g.event_type.as_str()).collect();
            if expected.iter().all(|e| types.contains(e)) {
                break got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{b}: got only {types:?}"
            );
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        };
        let mut ids: Vec<&str> = got.iter().map(|g| g.event_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), got.len(), "{b}: one id per event");
        for g in &got {
            verify(&secret, g, None);
            let event: Value = serde_json::from_str(&g.body).expect("json");
            assert_eq!(event["data"]["conversation_id"], id.as_str(), "{b}");
            assert_eq!(event["type"], g.event_type.as_str(), "{b}");
        }
    }
}

per_backend! {
    async fn only_the_brands_admins_manage_its_webhooks(app, b) {
        let (acme, _, ann, gil) = rivals(&app, "ann", "gil").await;
        let (_, ada) = app.expert(&acme, "ada", 1, ExpertStatus::Available).await;
        let (id, _) = subscribe(&app, &ann, "https://hooks.example/ebb", &["csat.submitted"]).await;
        let one = format!("/api/v1/admin/webhooks/{id}");
        let new = json!({"url": "https://x.example", "events": ["message.created"]});
        let routes = [
            (Method::GET, "/api/v1/admin/webhooks".to_owned(), None),
            (Method::POST, "/api/v1/admin/webhooks".to_owned(), Some(new)),
            (Method::DELETE, one.clone(), None),
            (
                Method::GET,
                "/api/v1/admin/webhook-deliveries".to_owned(),
                None,
            ),
        ];
        for (method, path, body) in &routes {
            for (who, token) in [("no token", None), ("an expert", Some(ada.as_str()))] {
                let (s, problem) = app.call(method.clone(), path, token, body.clone()).await;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {who} {method} {path}");
                assert_eq!(problem["type"], "/problems/unauthorized", "{b}");
            }
        }
        let (s, list) = app.get("/api/v1/admin/webhooks", &gil).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(list["webhooks"], json!([]), "{b}: nothing crosses brands");
        let (s, _) = app.delete(&one, &gil).await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "{b}: another brand's admin cannot delete"
        );

        let (s, list) = app.get("/api/v1/admin/webhooks", &ann).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(list["webhooks"][0]["id"], id.as_str(), "{b}");
        assert_eq!(
            list["webhooks"][0]["events"],
            json!(["csat.submitted"]),
            "{b}"
        );
        assert!(
            list["webhooks"][0].get("secret").is_none(),
            "{b}: shown once only"
        );

        let bad = [
            json!({"url": "ftp://hooks.example", "events": ["message.created"]}),
            json!({"url": "https://hooks.example", "events": ["message.deleted"]}),
            json!({"url": "https://hooks.example", "events": []}),
            json!({"url": "https://hooks.example", "events": ["message.created"], "x": 1}),
            json!({"events": ["message.created"]}),
        ];
        for body in bad {
            let (s, problem) = app.post("/api/v1/admin/webhooks", &ann, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
            assert_eq!(problem["status"], 422, "{b}: {body}");
        }
        let (s, _) = app.delete(&one, &ann).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, _) = app.delete(&one, &ann).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: already deleted");
        let (_, list) = app.get("/api/v1/admin/webhooks", &ann).await;
        assert_eq!(list["webhooks"], json!([]), "{b}");
    }
}

/// Servers with the production webhook policy: public addresses only.
async fn public_only_apps() -> Vec<TestApp> {
    spawn_apps_with(Settings {
        webhook_targets: TargetPolicy::default(),
        ..test_settings()
    })
    .await
}

/// Waits until `n` deliveries of the brand have an attempt on record; returns them.
async fn attempted(app: &TestApp, admin: &str, n: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    loop {
        let (s, list) = app.get("/api/v1/admin/webhook-deliveries", admin).await;
        assert_eq!(s, StatusCode::OK, "{}: {list}", app.backend);
        let tried: Vec<Value> = list["deliveries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["last_error"].is_string() || d["status"] != "pending")
            .cloned()
            .collect();
        if tried.len() >= n {
            return tried;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}: no attempt recorded: {list}",
            app.backend
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn webhooks_cannot_be_aimed_inside_the_network() {
    for app in public_only_apps().await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let ann = admin(&app, &brand, "ann").await;
        let inside = [
            "http://127.0.0.1:9000/hook",
            "http://127.1/hook",
            "http://2130706433/hook",
            "http://0x7f000001/hook",
            "http://0.0.0.0/hook",
            "http://[::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://[::ffff:7f00:1]/hook",
            "http://10.0.0.8/hook",
            "http://172.16.5.4/hook",
            "http://192.168.1.10/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://100.100.100.200/latest/meta-data/",
            "http://[fe80::1]/hook",
            "http://[fc00::1]/hook",
            "http://224.0.0.1/hook",
            "http://localhost:9000/hook",
            "http://LOCALHOST./hook",
        ];
        for url in inside {
            let body = json!({"url": url, "events": ["message.created"]});
            let (s, problem) = app.post("/api/v1/admin/webhooks", &ann, body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {url}: {problem}");
            assert_eq!(
                problem["type"], "/problems/webhook-target-refused",
                "{b}: {url}"
            );
        }
        let (s, list) = app.get("/api/v1/admin/webhooks", &ann).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(list["webhooks"], json!([]), "{b}: none was stored");
        let public = json!({"url": "https://93.184.215.14/hook", "events": ["message.created"]});
        let (s, created) = app.post("/api/v1/admin/webhooks", &ann, public).await;
        assert_eq!(
            s,
            StatusCode::CREATED,
            "{b}: a public address is fine: {created}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn deliveries_never_reach_an_inside_address_even_when_stored() {
    for app in public_only_apps().await {
        let b = app.backend;
        let brand = app.brand("acme").await;
        let ann = admin(&app, &brand, "ann").await;
        let receiver = Receiver::start(0).await;
        let port = receiver
            .url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/hook")
            .to_owned();
        // Stored as if the name had resolved elsewhere when it was added (DNS rebinding),
        // or as if added before the policy: deliveries check again.
        for url in [
            format!("http://localhost:{port}/hook"),
            format!("http://127.0.0.1:{port}/hook"),
        ] {
            let endpoint = Endpoint {
                id: uuid::Uuid::now_v7(),
                brand_id: brand.id,
                url,
                events: vec!["conversation.created".to_owned()],
                created_at: app.now(),
            };
            let mut conn = app.store().conn().await.expect("conn");
            webhook_endpoints::insert(&mut conn, &endpoint, "whsec_test")
                .await
                .expect("insert");
        }
        let visitor = app.visitor(&brand).await;
        app.start(&brand, &visitor, "hello", "m1").await;
        for failed in attempted(&app, &ann, 2).await {
            let error = failed["last_error"].as_str().unwrap_or_default();
            assert!(error.starts_with("refused"), "{b}: {failed}");
            assert_eq!(failed["status"], "pending", "{b}: retried later: {failed}");
        }
        receiver
            .still(0, "nothing reached the loopback receiver")
            .await;
        app.finish().await;
    }
}
