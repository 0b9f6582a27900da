//! Ebb's server: the HTTP API per audience (widget, expert), authentication, and the desk
//! that turns requests into domain commands stored in one transaction each.
//! Start it with [`run`]; tests bind `127.0.0.1:0` and use [`serve`] with their own store.

pub mod api;
pub mod auth;
pub mod bus;
pub mod clock;
pub mod config;
pub mod demo;
pub mod desk;
pub mod error;
pub mod telemetry;

use std::future::Future;
use std::sync::Arc;

use ebb_store::Store;
use tokio::net::TcpListener;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use error::ApiError;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database, the only source of truth.
    pub store: Store,
    /// The clock; a manual one in tests.
    pub clock: Arc<dyn Clock>,
    /// Change hints for live subscribers.
    pub bus: bus::Bus,
}

impl AppState {
    /// State over `store` reading time from `clock`, with an in-process bus.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            bus: bus::Bus::new(),
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
}

/// Opens the configured database and migrates it.
pub async fn open_store(config: &Config) -> Result<Store, ServeError> {
    let store = match &config.database_url {
        Some(url) => Store::connect(url).await?,
        None => Store::open_dir(&config.data_dir).await?,
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
    let store = open_store(&config).await?;
    let state = AppState::new(store.clone(), Arc::new(SystemClock));
    if config.demo {
        let base = format!("http://{}", listener.local_addr()?);
        match demo::ensure(&state).await {
            Ok(demo) => demo::print_welcome(&demo, &base),
            Err(err) => tracing::error!(error = %err, "could not create the demo brand"),
        }
    }
    serve(state, listener, shutdown).await?;
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
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
