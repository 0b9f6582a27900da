//! `spawn_app`: a server per backend on 127.0.0.1:0 with a manual clock and a demo-like
//! brand, fixtures and the `per_backend!` test declaration (the requests are in `requests.rs`).

use std::sync::Arc;

use ebb_core::{Brand, BrandId, BrandSettings, Expert, ExpertId, ExpertStatus, Instant};
use ebb_server::{AppState, Clock, ManualClock, Settings, auth::hash_password};
use ebb_store::testing::{TestDb, backends};
use ebb_store::{brands, experts};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;
use tokio::sync::oneshot;

/// Where the manual clock starts.
pub const T0: Instant = datetime!(2026-11-25 09:00 UTC);
/// Password of every test expert.
pub const PASSWORD: &str = "pw-for-tests";

/// What [`TestApp::opening`] sets up.
pub type Opening = (Brand, Expert, String, String, Value);

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// The backend's name, for messages.
    pub backend: &'static str,
    /// The manual clock the server reads.
    pub clock: Arc<ManualClock>,
    /// HTTP client.
    pub http: reqwest::Client,
    /// The server's argon2 gate, whose counters tests read.
    pub passwords: Arc<ebb_server::passwords::Passwords>,
    settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    db: Option<TestDb>,
}

/// Settings for tests: the test clock API on, a fast scheduler poll, a short presence
/// grace period, webhooks allowed to the loopback receivers of the tests, and no flood
/// limits on new visitors and conversations (every test runs from one address; `limits.rs`
/// tests them).
pub fn test_settings() -> Settings {
    Settings {
        rates: ebb_server::limits::RateSettings {
            new_visitors_per_ip_per_hour: 0,
            new_conversations_per_ip_per_hour: 0,
            ..ebb_server::limits::RateSettings::default()
        },
        test_clock: true,
        scheduler_poll: std::time::Duration::from_millis(50),
        presence_grace: std::time::Duration::from_millis(300),
        webhook_targets: ebb_server::webhooks::TargetPolicy::parse("127.0.0.1").expect("a network"),
        ..Settings::default()
    }
}

/// Starts one server per backend.
pub async fn spawn_apps() -> Vec<TestApp> {
    spawn_apps_with(test_settings()).await
}

/// Like [`spawn_apps`] with other settings (e.g. a short heartbeat).
pub async fn spawn_apps_with(settings: Settings) -> Vec<TestApp> {
    ebb_server::install_crypto_provider();
    let mut apps = Vec::new();
    for db in backends().await {
        apps.push(spawn_app(db, settings.clone()).await);
    }
    apps
}

async fn spawn_app(db: TestDb, settings: Settings) -> TestApp {
    let clock = Arc::new(ManualClock::new(T0));
    let store = db.store.clone();
    let (base, stop, server, passwords) =
        start_server(store, clock.clone(), settings.clone()).await;
    TestApp {
        base,
        passwords,
        backend: db.name,
        clock,
        settings,
        http: reqwest::Client::new(),
        stop: Some(stop),
        server: Some(server),
        db: Some(db),
    }
}

type Running = (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    Arc<ebb_server::passwords::Passwords>,
);

/// Serves `store` with `clock` on a random port.
async fn start_server(
    store: ebb_store::Store,
    clock: Arc<ManualClock>,
    settings: Settings,
) -> Running {
    let state = AppState::with_settings(store, clock, settings);
    let passwords = state.passwords.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        ebb_server::serve(state, listener, shutdown)
            .await
            .expect("server");
    });
    (base, stop, server, passwords)
}

impl TestApp {
    /// The store behind the server.
    pub fn store(&self) -> &ebb_store::Store {
        &self.db.as_ref().expect("running").store
    }

    /// Stops the server (as a shutdown would) and starts a new one on the same database
    /// and clock: nothing in memory survives, only what the database holds.
    pub async fn restart(&mut self) {
        self.stop_server().await;
        let store = self.store().clone();
        let (base, stop, server, passwords) =
            start_server(store, self.clock.clone(), self.settings.clone()).await;
        self.passwords = passwords;
        self.base = base;
        self.stop = Some(stop);
        self.server = Some(server);
    }

    /// Stops the server; the database stays.
    pub async fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// A second server on the same database through its own connection pool (another node).
    pub async fn twin(&self) -> (String, impl Drop + use<>) {
        let db = self.db.as_ref().expect("running");
        let store = db.second_store().await;
        let (base, stop, server, _) =
            start_server(store, self.clock.clone(), self.settings.clone()).await;
        struct Stop(Option<oneshot::Sender<()>>, tokio::task::JoinHandle<()>);
        impl Drop for Stop {
            fn drop(&mut self) {
                if let Some(stop) = self.0.take() {
                    let _ = stop.send(());
                }
                self.1.abort();
            }
        }
        (base, Stop(Some(stop), server))
    }

    /// Moves the server's clock forward through the test clock API.
    pub async fn advance(&self, by: time::Duration) {
        let body = serde_json::json!({"seconds": by.whole_seconds()});
        let (status, out) = self
            .call(Method::POST, "/api/v1/test/clock/advance", None, Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }

    /// Moves the server's clock forward and gives its scheduler a moment to act on it.
    pub async fn advance_and_settle(&self, by: time::Duration) {
        self.advance(by).await;
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }

    /// The server's current time.
    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Polls `GET path` until `check` accepts the body (up to 10 s).
    pub async fn wait_for(
        &self,
        path: &str,
        token: &str,
        what: &str,
        check: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let (_, body) = self.call(Method::GET, path, Some(token), None).await;
            if check(&body) {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: timed out waiting for {what}; last: {body}",
                self.backend
            );
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    /// Stops the server and drops its database.
    pub async fn finish(mut self) {
        self.stop_server().await;
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }

    /// Inserts a brand.
    pub async fn brand(&self, slug: &str) -> Brand {
        let brand = Brand {
            id: BrandId::new(),
            slug: slug.to_owned(),
            name: slug.to_uppercase(),
            settings: BrandSettings {
                auto_message: "Leave us a message; we reply in {typical_reply_time}.".into(),
                typical_reply_time: "a few hours".into(),
                ..BrandSettings::default()
            },
        };
        let mut tx = self.store().begin().await.expect("begin");
        brands::insert(&mut tx, &brand, T0).await.expect("brand");
        tx.commit().await.expect("commit");
        brand
    }

    /// Inserts an expert and logs them in; returns them with their session token.
    pub async fn expert(
        &self,
        brand: &Brand,
        name: &str,
        capacity: u32,
        status: ExpertStatus,
    ) -> (Expert, String) {
        let id = ExpertId::new();
        // A name no e-mail could start with (e.g. `@SUM(A1)`) gets an address from the id.
        let email = Some(format!("{name}@{}.test", brand.slug))
            .filter(|e| ebb_core::Email::parse(e).is_ok_and(|p| p.as_str() == e))
            .unwrap_or_else(|| format!("expert-{}@{}.test", id.0.simple(), brand.slug));
        let expert = Expert {
            id,
            brand_id: brand.id,
            name: name.to_owned(),
            email,
            capacity,
            status,
            async_cap: None,
        };
        let (hash, mut tx) = self.identity_tx().await;
        experts::insert(&mut tx, &expert, &hash, T0)
            .await
            .expect("expert");
        tx.commit().await.expect("commit");
        let token = self
            .log_in("/api/v1/auth/login", brand, &expert.email)
            .await;
        (expert, token)
    }

    /// The hash of [`PASSWORD`] and a transaction to insert a test identity with it.
    pub async fn identity_tx(&self) -> (String, ebb_store::Tx) {
        let hash = hash_password(PASSWORD.into()).await.expect("hash");
        let tx = self.store().begin().await.expect("begin");
        (hash, tx)
    }

    /// Logs in at `path` (the expert or the admin login) with [`PASSWORD`]: the session
    /// token.
    pub async fn log_in(&self, path: &str, brand: &Brand, email: &str) -> String {
        let login = json!({"brand": brand.slug, "email": email, "password": PASSWORD});
        let (status, body) = self.call(Method::POST, path, None, Some(login)).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", self.backend);
        body["token"].as_str().expect("token").to_owned()
    }

    /// A new anonymous visitor of `brand`: their token.
    pub async fn visitor(&self, brand: &Brand) -> String {
        let path = format!("/api/v1/widget/{}/visitors", brand.slug);
        let (status, body) = self.call(Method::POST, &path, None, None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Asserts that the conversation list at `path` shows the holder of `token` (of
    /// another brand) nothing.
    pub async fn assert_nothing_crosses_brands(&self, path: &str, token: &str) {
        let (_, list) = self.get(path, token).await;
        let b = self.backend;
        assert_eq!(
            list["conversations"],
            json!([]),
            "{b}: nothing crosses brands"
        );
    }

    /// What many tests begin with: the brand `acme`, `ada` (available, with `capacity`
    /// slots), a visitor and the conversation they start with `text` (client id `id`):
    /// `(acme, ada, ada's token, the visitor's token, the start body)`.
    pub async fn opening(&self, capacity: u32, text: &str, id: &str) -> Opening {
        let acme = self.brand("acme").await;
        let (ada, ada_t) = self
            .expert(&acme, "ada", capacity, ExpertStatus::Available)
            .await;
        let visitor = self.visitor(&acme).await;
        let started = self.start(&acme, &visitor, text, id).await;
        (acme, ada, ada_t, visitor, started)
    }

    /// The visitor starts a conversation with `text`.
    pub async fn start(&self, brand: &Brand, visitor: &str, text: &str, id: &str) -> Value {
        let path = format!("/api/v1/widget/{}/conversations", brand.slug);
        let body = json!({"body": text, "client_msg_id": id});
        let (status, body) = self.post(&path, visitor, body).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", self.backend);
        body
    }

    /// The visitor writes `text` to their conversation `id` (a closed one starts a linked
    /// follow-up): returns the `{conversation, entries}` body.
    pub async fn write(&self, brand: &Brand, visitor: &str, id: &str, text: &str) -> Value {
        let path = format!("/api/v1/widget/{}/conversations/{id}/messages", brand.slug);
        let body = Some(json!({"body": text}));
        let (status, body) = self.call(Method::POST, &path, Some(visitor), body).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", self.backend);
        body
    }
}

/// The `type` of each entry of a `{conversation, entries}` body.
pub fn kinds(body: &Value) -> Vec<String> {
    body["entries"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["type"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The entry types of a conversation started while an expert is free: the start, the
/// visitor's message, the automatic message and the assignment.
pub const OPENED: [&str; 4] = ["started", "message", "message", "assigned"];

/// The expert a conversation in a `{conversation, entries}` body is assigned to
/// (`state.expert`), `null` when none.
pub fn assigned_to(body: &Value) -> &Value {
    &body["conversation"]["state"]["expert"]
}

/// The expert a conversation in a `{conversation, entries}` body is kept for while it
/// waits (`state.for_expert`), `null` when none.
pub fn kept_for(body: &Value) -> &Value {
    &body["conversation"]["state"]["for_expert"]
}

/// The conversation id of a `{conversation, entries}` body.
pub fn id_of(body: &Value) -> String {
    body["conversation"]["id"].as_str().expect("id").to_owned()
}

/// Declares a test that runs its body once on each backend: `app` is a fresh server (write
/// `mut app` to restart it), `b` the backend's name, and the server and its database are
/// dropped when the body is done.
macro_rules! per_backend {
    ($(#[$meta:meta])* async fn $name:ident(mut $app:ident, $b:ident) $body:block) => {
        $(#[$meta])*
        #[tokio::test]
        async fn $name() {
            for mut $app in crate::helpers::spawn_apps().await {
                let $b = $app.backend;
                $body
                $app.finish().await;
            }
        }
    };
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $b:ident) $body:block) => {
        $(#[$meta])*
        #[tokio::test]
        async fn $name() {
            for $app in crate::helpers::spawn_apps().await {
                let $b = $app.backend;
                $body
                $app.finish().await;
            }
        }
    };
}
pub(crate) use per_backend;
