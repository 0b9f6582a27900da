//! Logging setup: `tracing` with an env filter (`RUST_LOG`), text or JSON lines.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; the default level is `info` (sqlx at `warn`).
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Err(err) = result {
        eprintln!("logging was already set up: {err}");
    }
}
