//! The server's configuration: one clap struct, every flag with an `EBB_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How `ebb serve` runs.
#[derive(clap::Args, Clone)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "EBB_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "EBB_DATA_DIR", default_value = "./ebb-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://...`); the embedded SQLite database when absent.
    #[arg(long, env = "EBB_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Create the demo brand and experts (once) and print how to try them.
    #[arg(long, env = "EBB_DEMO")]
    pub demo: bool,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "EBB_LOG_JSON")]
    pub log_json: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(ebb_store::redact_url),
            )
            .field("demo", &self.demo)
            .field("log_json", &self.log_json)
            .finish()
    }
}

/// Displays a configuration as `key = value` lines, secrets redacted.
pub struct PrintConfig<'a>(pub &'a Config);

impl std::fmt::Display for PrintConfig<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.0;
        writeln!(f, "listen = {}", c.listen)?;
        writeln!(f, "data_dir = {}", c.data_dir.display())?;
        match &c.database_url {
            Some(url) => writeln!(f, "database_url = {}", ebb_store::redact_url(url))?,
            None => writeln!(f, "database_url = (embedded SQLite in data_dir)")?,
        }
        writeln!(f, "demo = {}", c.demo)?;
        write!(f, "log_json = {}", c.log_json)
    }
}
