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
    /// PostgreSQL schema to use (its `search_path`), e.g. one per test run; the URL's
    /// default when absent.
    #[arg(long, env = "EBB_DATABASE_SCHEMA")]
    pub database_schema: Option<String>,
    /// NATS URL (`nats://host:4222`, comma-separated for several): run as one node of a
    /// cluster sharing one PostgreSQL; an in-process bus when absent.
    #[arg(long, env = "EBB_NATS_URL")]
    pub nats_url: Option<String>,
    /// Subject prefix of this deployment on NATS; nodes of one deployment share it.
    #[arg(long, env = "EBB_NATS_PREFIX", default_value = "ebb")]
    pub nats_prefix: String,
    /// Milliseconds a node's presence lease lasts unless renewed (renewed every third):
    /// how long a dead node's visitors may still look online.
    #[arg(long, env = "EBB_PRESENCE_LEASE_MS", default_value_t = 15000)]
    pub presence_lease_ms: u64,
    /// Create the demo brand and experts (once) and print how to try them. Refused
    /// together with `--production`: the demo's passwords are published.
    #[arg(long, env = "EBB_DEMO")]
    pub demo: bool,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "EBB_LOG_JSON")]
    pub log_json: bool,
    /// Mount the test clock API (`/api/v1/test/clock`) so tests and demos can move time
    /// forward; the offset is kept in the database. Refused together with `--production`.
    #[arg(long, env = "EBB_TEST_CLOCK")]
    pub test_clock: bool,
    /// Production mode: refuses test-only features (`--demo`, `--test-clock`).
    #[arg(long, env = "EBB_PRODUCTION")]
    pub production: bool,
    /// Milliseconds a visitor stays online after their last widget connection closed.
    #[arg(long, env = "EBB_PRESENCE_GRACE_MS", default_value_t = 5000)]
    pub presence_grace_ms: u64,
    /// Seconds between WebSocket pings; a connection silent for 3 of them is closed.
    #[arg(long, env = "EBB_HEARTBEAT_SECS", default_value_t = 20)]
    pub heartbeat_secs: u64,
    /// Requests per minute allowed from one IP address (0: no limit).
    #[arg(long, env = "EBB_RATE_PER_IP", default_value_t = 600)]
    pub rate_per_ip: u32,
    /// Requests and WebSocket messages per minute allowed from one visitor (0: no limit).
    #[arg(long, env = "EBB_RATE_PER_VISITOR", default_value_t = 120)]
    pub rate_per_visitor: u32,
    /// Most argon2 password runs at once (each takes ~19 MiB); 0: the number of cores.
    #[arg(long, env = "EBB_ARGON2_CONCURRENCY", default_value_t = 0)]
    pub argon2_concurrency: usize,
    /// Most argon2 runs waiting for a slot; more answer 503.
    #[arg(long, env = "EBB_ARGON2_QUEUE", default_value_t = 64)]
    pub argon2_queue: usize,
    /// Token of the operator API (`/api/v1/operator`, for automation); the API answers
    /// 404 when absent. Kept only as a hash.
    #[arg(long, env = "EBB_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
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
            .field("database_schema", &self.database_schema)
            .field(
                "nats_url",
                &self.nats_url.as_deref().map(ebb_store::redact_url),
            )
            .field("nats_prefix", &self.nats_prefix)
            .field("presence_lease_ms", &self.presence_lease_ms)
            .field("demo", &self.demo)
            .field("log_json", &self.log_json)
            .field("test_clock", &self.test_clock)
            .field("production", &self.production)
            .field("presence_grace_ms", &self.presence_grace_ms)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("rate_per_ip", &self.rate_per_ip)
            .field("rate_per_visitor", &self.rate_per_visitor)
            .field("argon2_concurrency", &self.argon2_concurrency)
            .field("argon2_queue", &self.argon2_queue)
            .field(
                "operator_token",
                &self.operator_token.as_ref().map(|_| "(set, redacted)"),
            )
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
        if let Some(schema) = &c.database_schema {
            writeln!(f, "database_schema = {schema}")?;
        }
        match &c.nats_url {
            Some(url) => writeln!(f, "nats_url = {}", ebb_store::redact_url(url))?,
            None => writeln!(f, "nats_url = (none: single node, in-process bus)")?,
        }
        writeln!(f, "nats_prefix = {}", c.nats_prefix)?;
        writeln!(f, "presence_lease_ms = {}", c.presence_lease_ms)?;
        writeln!(f, "demo = {}", c.demo)?;
        writeln!(f, "log_json = {}", c.log_json)?;
        writeln!(f, "test_clock = {}", c.test_clock)?;
        writeln!(f, "production = {}", c.production)?;
        writeln!(f, "presence_grace_ms = {}", c.presence_grace_ms)?;
        writeln!(f, "heartbeat_secs = {}", c.heartbeat_secs)?;
        writeln!(f, "rate_per_ip = {}", c.rate_per_ip)?;
        writeln!(f, "rate_per_visitor = {}", c.rate_per_visitor)?;
        writeln!(f, "argon2_concurrency = {}", c.argon2_concurrency)?;
        writeln!(f, "argon2_queue = {}", c.argon2_queue)?;
        match &c.operator_token {
            Some(_) => write!(f, "operator_token = (set, redacted)"),
            None => write!(f, "operator_token = (none: operator API off)"),
        }
    }
}
