//! Ebb's server: the HTTP API per audience (widget, expert), authentication, and the desk
//! that turns requests into domain commands stored in one transaction each.
//! Start it with [`run`]; tests bind `127.0.0.1:0` and use [`serve`] with their own store.

pub mod api;
pub mod auth;
pub mod bus;
pub mod clock;
pub mod config;
pub mod connections;
pub mod data_lock;
pub mod demo;
pub mod desk;
pub mod error;
pub mod forwarded;
pub mod headers;
pub mod inbound_mail;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod office_hours;
pub mod openapi;
pub mod passwords;
pub mod presence;
pub mod privacy;
pub mod promise;
pub mod provision;
pub mod receipts;
pub mod scheduler;
pub mod shutdown;
pub mod signing;
pub mod suggestions;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod worker;
pub mod ws;

use std::future::Future;
use std::sync::Arc;

use ebb_store::Store;
use tokio::net::TcpListener;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use error::ApiError;

/// Installs rustls's `ring` crypto provider as the process default, once. HTTPS clients
/// (webhook deliveries) need it; calling it again is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database, the only source of truth.
    pub store: Store,
    /// The clock; a manual one in tests.
    pub clock: Arc<dyn Clock>,
    /// Change hints for live subscribers.
    pub bus: bus::Bus,
    /// Tunables.
    pub settings: Arc<Settings>,
    /// Wakes the scheduler early (a snooze was set, time was moved).
    pub scheduler_wakeup: Arc<tokio::sync::Notify>,
    /// Wakes the retention sweep early (time was moved). Each worker has its own: a
    /// `notify_one` shared by two workers would wake only one of them.
    pub sweep_wakeup: Arc<tokio::sync::Notify>,
    /// Which visitors are online.
    pub presence: presence::Presence,
    /// Per-IP and per-visitor rate limits.
    pub limits: limits::RateLimits,
    /// Open WebSockets per client IP, capped.
    pub websockets: connections::PerIpSlots,
    /// The gate every request's argon2 run goes through.
    pub passwords: Arc<passwords::Passwords>,
    /// Raised at graceful shutdown; WebSocket loops close with 1001 on it.
    pub shutdown: shutdown::Shutdown,
    /// Measured reply times, reused for a minute (see [`office_hours::ReplyTimes`]).
    pub reply_times: office_hours::ReplyTimes,
}

/// Server tunables, with production defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How often the scheduler looks for due jobs when nothing woke it.
    pub scheduler_poll: std::time::Duration,
    /// Whether the test clock API is mounted (`--test-clock`).
    pub test_clock: bool,
    /// How long a visitor stays online after their last widget connection closed.
    pub presence_grace: std::time::Duration,
    /// How long a presence lease announced to other nodes lasts unless renewed.
    pub presence_lease: std::time::Duration,
    /// WebSocket ping interval; a connection silent for 3 intervals is closed.
    pub heartbeat: std::time::Duration,
    /// Rate limits.
    pub rates: limits::RateSettings,
    /// Where webhooks may be sent.
    pub webhook_targets: webhooks::TargetPolicy,
    /// Reverse proxies whose forwarding header names the client (none by default).
    pub proxies: forwarded::TrustedProxies,
    /// Connection limits and timeouts.
    pub connections: connections::ConnectionSettings,
    /// The bearer token `GET /metrics` on the API listener wants; 404 there without one.
    pub metrics_token: Option<Arc<str>>,
    /// Most argon2 runs (password hashes and checks) at once.
    pub argon2_concurrency: usize,
    /// Most argon2 runs waiting for a slot before more are refused with 503.
    pub argon2_queue: usize,
    /// How often expired sessions are deleted.
    pub session_sweep: std::time::Duration,
    /// SHA-256 of the operator API's token; the operator API is off when `None`.
    pub operator_token: Option<Vec<u8>>,
    /// SHA-256 of the inbound mail hook's secret; the hook is off when `None`.
    pub inbound_mail_secret: Option<Vec<u8>>,
    /// Where follow-up and transcript emails go out (`--smtp-url`); no email when `None`.
    pub mail: Option<Arc<mail::Mailer>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            scheduler_poll: std::time::Duration::from_secs(1),
            test_clock: false,
            presence_grace: presence::DEFAULT_GRACE,
            presence_lease: presence::DEFAULT_LEASE,
            heartbeat: std::time::Duration::from_secs(20),
            rates: limits::RateSettings::default(),
            webhook_targets: webhooks::TargetPolicy::default(),
            proxies: forwarded::TrustedProxies::default(),
            connections: connections::ConnectionSettings::default(),
            metrics_token: None,
            argon2_concurrency: passwords::default_concurrency(),
            argon2_queue: passwords::DEFAULT_QUEUE,
            session_sweep: std::time::Duration::from_secs(3600),
            operator_token: None,
            inbound_mail_secret: None,
            mail: None,
        }
    }
}

impl AppState {
    /// Wakes every time-driven worker (the scheduler and the retention sweep): the clock
    /// moved, so what is due may have changed.
    pub fn time_moved(&self) {
        self.reply_times.clear();
        self.scheduler_wakeup.notify_one();
        self.sweep_wakeup.notify_one();
    }

    /// State over `store` reading time from `clock`, with an in-process bus.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self::with_settings(store, clock, Settings::default())
    }

    /// Like [`AppState::new`] with explicit settings.
    pub fn with_settings(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self::with_bus(store, clock, settings, bus::Bus::new())
    }

    /// Like [`AppState::with_settings`] on `bus` (NATS for a node of a cluster).
    pub fn with_bus(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: Settings,
        bus: bus::Bus,
    ) -> Self {
        Self {
            store,
            clock,
            presence: presence::Presence::with_lease(
                bus.clone(),
                settings.presence_grace,
                settings.presence_lease,
            ),
            limits: limits::RateLimits::new(settings.rates),
            websockets: connections::PerIpSlots::new(settings.connections.per_ip_websockets),
            passwords: Arc::new(passwords::Passwords::new(
                settings.argon2_concurrency,
                settings.argon2_queue,
            )),
            bus,
            settings: Arc::new(settings),
            scheduler_wakeup: Arc::new(tokio::sync::Notify::new()),
            sweep_wakeup: Arc::new(tokio::sync::Notify::new()),
            shutdown: shutdown::Shutdown::default(),
            reply_times: office_hours::ReplyTimes::default(),
        }
    }
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] ebb_store::StoreError),
    /// The listener failed.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
    /// The message bus could not start.
    #[error("bus: {0}")]
    Bus(#[from] bus::nats::BusError),
    /// The configuration is refused.
    #[error("configuration: {0}")]
    Config(&'static str),
    /// A setting's value is refused.
    #[error("configuration: {0}")]
    Setting(String),
    /// The data directory is locked by a restore.
    #[error("data directory: {0}")]
    DataDir(#[from] data_lock::LockError),
}

/// Opens the configured database and migrates it.
pub async fn open_store(config: &Config) -> Result<Store, ServeError> {
    let store = match (&config.database_url, &config.database_schema) {
        (Some(url), Some(schema)) => Store::connect_postgres_schema(url, schema).await?,
        (Some(url), None) => Store::connect(url).await?,
        (None, _) => Store::open_dir(&config.data_dir).await?,
    };
    store.migrate().await?;
    Ok(store)
}

/// Runs Ebb with `config` on `listener` until `shutdown` resolves.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if config.test_clock && config.production {
        return Err(ServeError::Config(
            "--test-clock is refused with --production: it lets anyone move time",
        ));
    }
    if config.demo && config.production {
        return Err(ServeError::Config(
            "--demo is refused with --production: the demo's passwords are published; \
             create a brand with `ebb brand create` and an admin with `ebb admin create`",
        ));
    }
    let webhook_targets =
        webhooks::TargetPolicy::parse(&config.webhook_allow_nets).map_err(ServeError::Setting)?;
    metrics::install();
    connections::raise_open_file_limit();
    let _data_lock = match config.database_url {
        None => Some(data_lock::DataDirLock::serving(&config.data_dir)?),
        Some(_) => None,
    };
    let store = open_store(&config).await?;
    let clock: Arc<dyn Clock> = if config.test_clock {
        let mut conn = store.conn().await?;
        let offset = ebb_store::clock_offset::get(&mut conn).await?;
        tracing::warn!(
            offset_us = offset,
            "test clock on: time can be moved through the API"
        );
        Arc::new(clock::OffsetClock::new(offset))
    } else {
        Arc::new(SystemClock)
    };
    let mail = match &config.smtp_url {
        Some(smtp) => {
            let public = match &config.public_url {
                Some(url) => url.clone(),
                None => format!("http://{}", listener.local_addr()?),
            };
            let mailer =
                mail::Mailer::new(smtp, &config.mail_from, &config.mail_reply_domain, &public)
                    .map_err(ServeError::Setting)?;
            Some(Arc::new(mailer))
        }
        None => None,
    };
    let settings = Settings {
        mail,
        test_clock: config.test_clock,
        presence_grace: std::time::Duration::from_millis(config.presence_grace_ms),
        presence_lease: std::time::Duration::from_millis(config.presence_lease_ms),
        heartbeat: std::time::Duration::from_secs(config.heartbeat_secs.max(1)),
        rates: limits::RateSettings {
            per_ip_per_minute: config.rate_per_ip,
            per_visitor_per_minute: config.rate_per_visitor,
            new_visitors_per_ip_per_hour: config.new_visitors_per_ip,
            new_conversations_per_ip_per_hour: config.new_conversations_per_ip,
            per_member_per_minute: config.rate_per_member,
        },
        connections: connections::ConnectionSettings {
            header_timeout: std::time::Duration::from_secs(config.header_timeout_secs.max(1)),
            body_timeout: std::time::Duration::from_secs(config.body_timeout_secs.max(1)),
            per_ip_connections: config.max_connections_per_ip,
            per_ip_websockets: config.max_websockets_per_ip,
        },
        webhook_targets,
        proxies: forwarded::TrustedProxies {
            nets: config.trusted_proxies.0.clone(),
            header: config.forwarded_header,
            country_header: config.country_header.clone(),
        },
        metrics_token: config.metrics_token.as_deref().map(Arc::from),
        argon2_concurrency: match config.argon2_concurrency {
            0 => passwords::default_concurrency(),
            n => n,
        },
        argon2_queue: config.argon2_queue,
        operator_token: config.operator_token.as_deref().map(auth::hash_token),
        inbound_mail_secret: config.inbound_mail_secret.as_deref().map(auth::hash_token),
        ..Settings::default()
    };
    let bus = match &config.nats_url {
        Some(url) => {
            let options = bus::NatsOptions {
                url: url.clone(),
                prefix: config.nats_prefix.clone(),
            };
            bus::Bus::nats(options).await?
        }
        None => bus::Bus::new(),
    };
    let state = AppState::with_bus(store.clone(), clock, settings, bus);
    if config.demo {
        let base = format!("http://{}", listener.local_addr()?);
        // Nodes started together race to create it; the loser finds the winner's.
        let demo = match demo::ensure(&state).await {
            Err(_) => demo::ensure(&state).await,
            created => created,
        };
        match demo {
            Ok(demo) => demo::print_welcome(&demo, &base),
            Err(err) => tracing::error!(error = %err, "could not create the demo brand"),
        }
    }
    let metrics_listener = match config.metrics_listen {
        Some(addr) => Some(TcpListener::bind(addr).await?),
        None => None,
    };
    let metrics_server = metrics_listener.map(|listener| {
        tracing::info!(addr = ?listener.local_addr().ok(), "metrics listening");
        let router = metrics::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await })
    });
    serve(state, listener, shutdown).await?;
    if let Some(server) = metrics_server {
        server.abort();
    }
    store.close().await;
    Ok(())
}

/// Serves the API for `state` on `listener` until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), std::io::Error> {
    tracing::info!(addr = %listener.local_addr()?, "ebb listening");
    metrics::install();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = vec![
        tokio::spawn(worker::run(
            state.clone(),
            scheduler::SnoozeWake::default(),
            stopped.clone(),
        )),
        tokio::spawn(worker::run(
            state.clone(),
            privacy::RetentionSweep,
            stopped.clone(),
        )),
        tokio::spawn(auth::expiry::run(state.clone(), stopped.clone())),
    ];
    if state.settings.mail.is_some() {
        let job = mail::delivery::MailDelivery;
        workers.push(tokio::spawn(worker::run(
            state.clone(),
            job,
            stopped.clone(),
        )));
    }
    match webhooks::WebhookDelivery::new(state.settings.webhook_targets.clone()) {
        Ok(job) => workers.push(tokio::spawn(worker::run(state.clone(), job, stopped))),
        Err(err) => tracing::error!(error = %err, "webhook delivery disabled: no HTTP client"),
    }
    let presence = tokio::spawn(state.presence.clone().run());
    let controls = tokio::spawn(follow_controls(state.clone()));
    let limits = state.settings.connections;
    let proxies = state.settings.proxies.clone();
    let signal = state.shutdown.clone();
    let raise = signal.clone();
    let shutdown = async move {
        shutdown.await;
        raise.raise();
    };
    let app = api::router(state);
    let served = connections::serve(listener, app, limits, proxies, shutdown).await;
    signal.raise();
    signal.drained(DRAIN).await;
    stop.send_replace(true);
    for worker in workers {
        drain(worker).await;
    }
    presence.abort();
    controls.abort();
    served
}

/// Lets a worker finish the pass in flight (a few seconds at most), then stops it.
async fn drain(worker: tokio::task::JoinHandle<()>) {
    let abort = worker.abort_handle();
    if tokio::time::timeout(DRAIN, worker).await.is_err() {
        abort.abort();
    }
}

/// How long shutdown waits for a worker's pass in flight.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(3);

/// Wakes the time-driven workers when another node moved the test clock.
async fn follow_controls(state: AppState) {
    let mut controls = state.bus.subscribe_controls();
    loop {
        match controls.recv().await {
            Ok(bus::Control::ClockMoved) => state.time_moved(),
            Ok(bus::Control::Resync) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => state.time_moved(),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
