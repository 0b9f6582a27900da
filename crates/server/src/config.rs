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
    /// Networks webhooks may be sent to besides public addresses, comma-separated
    /// (`10.0.0.0/8,127.0.0.1`): by default loopback, private and link-local addresses are
    /// refused.
    #[arg(long, env = "EBB_WEBHOOK_ALLOW_NETS", default_value = "")]
    pub webhook_allow_nets: String,
    /// Reverse proxies (IP addresses or CIDR networks, comma-separated) whose forwarding
    /// header names the client; the per-IP limit uses the TCP peer when none is trusted.
    #[arg(long, env = "EBB_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: crate::forwarded::ProxyList,
    /// Which header the trusted proxies write the client address into.
    #[arg(long, env = "EBB_FORWARDED_HEADER", value_enum, default_value_t)]
    pub forwarded_header: crate::forwarded::ForwardedHeader,
    /// Header in which the trusted proxies name the visitor's country (e.g.
    /// `CF-IPCountry`); shown to experts only for brands that allow it. None when absent.
    #[arg(long, env = "EBB_COUNTRY_HEADER")]
    pub country_header: Option<axum::http::HeaderName>,
    /// WebSocket messages per minute allowed from one expert or admin, over all their
    /// sockets (0: no limit).
    #[arg(long, env = "EBB_RATE_PER_MEMBER", default_value_t = 600)]
    pub rate_per_member: u32,
    /// Seconds a client has to send a request's head (request line and headers), from its
    /// first byte or from when the connection went idle; then the connection is closed.
    #[arg(long, env = "EBB_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a whole request body; then the request fails (400).
    #[arg(long, env = "EBB_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Open HTTP connections allowed from one IP address; more are closed at once
    /// (0: no cap).
    #[arg(long, env = "EBB_MAX_CONNECTIONS_PER_IP", default_value_t = 256)]
    pub max_connections_per_ip: usize,
    /// Open WebSockets allowed from one IP address; more upgrades answer 429 (0: no cap).
    #[arg(long, env = "EBB_MAX_WEBSOCKETS_PER_IP", default_value_t = 64)]
    pub max_websockets_per_ip: usize,
    /// New anonymous visitors per hour allowed from one IP address (0: no limit).
    #[arg(long, env = "EBB_NEW_VISITORS_PER_IP", default_value_t = 60)]
    pub new_visitors_per_ip: u32,
    /// New conversations per hour allowed from one IP address (0: no limit).
    #[arg(long, env = "EBB_NEW_CONVERSATIONS_PER_IP", default_value_t = 30)]
    pub new_conversations_per_ip: u32,
    /// Address of a separate listener serving only `GET /metrics` (bind it to a private
    /// address); none when absent.
    #[arg(long, env = "EBB_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Bearer token a scraper sends for `GET /metrics` on the API listener; without it the
    /// API listener answers `/metrics` with 404.
    #[arg(long, env = "EBB_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
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
    /// Bearer secret the mail server sends with visitors' reply mails to
    /// `POST /api/v1/inbound/email` (see `ebb mail-inbound`); the hook answers 404 when
    /// absent. Kept only as a hash.
    #[arg(long, env = "EBB_INBOUND_MAIL_SECRET", hide_env_values = true)]
    pub inbound_mail_secret: Option<String>,
    /// SMTP server follow-up and transcript emails go through:
    /// `smtp://[user:password@]host[:port][?starttls=required|opportunistic|off]` (STARTTLS
    /// required by default) or `smtps://` (TLS from the start, port 465). No email when absent.
    #[arg(long, env = "EBB_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<crate::mail::SmtpUrl>,
    /// The `From` address of emails (`Support <support@shop.example>`); the brand's name
    /// replaces the display name.
    #[arg(long, env = "EBB_MAIL_FROM", default_value = "Ebb <ebb@localhost>")]
    pub mail_from: String,
    /// The domain of the signed reply addresses (`Reply-To`) and of Message-IDs; inbound
    /// mail for it must reach Ebb.
    #[arg(long, env = "EBB_MAIL_REPLY_DOMAIN", default_value = "localhost")]
    pub mail_reply_domain: String,
    /// The public base URL of this server (`https://chat.shop.example`), for links in
    /// emails; `http://` + the listen address when absent.
    #[arg(long, env = "EBB_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// The same `key = value` lines as [`PrintConfig`], secrets redacted: one list of fields.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&PrintConfig(self), f)
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
        writeln!(f, "webhook_allow_nets = {}", c.webhook_allow_nets)?;
        match c.trusted_proxies.0.is_empty() {
            true => writeln!(f, "trusted_proxies = (none: the TCP peer is the client)")?,
            false => writeln!(f, "trusted_proxies = {}", c.trusted_proxies)?,
        }
        writeln!(f, "forwarded_header = {}", c.forwarded_header.name())?;
        match &c.country_header {
            Some(name) => writeln!(f, "country_header = {name}")?,
            None => writeln!(f, "country_header = (none: no visitor countries)")?,
        }
        writeln!(f, "rate_per_member = {}", c.rate_per_member)?;
        writeln!(f, "header_timeout_secs = {}", c.header_timeout_secs)?;
        writeln!(f, "body_timeout_secs = {}", c.body_timeout_secs)?;
        writeln!(f, "max_connections_per_ip = {}", c.max_connections_per_ip)?;
        writeln!(f, "max_websockets_per_ip = {}", c.max_websockets_per_ip)?;
        writeln!(f, "new_visitors_per_ip = {}", c.new_visitors_per_ip)?;
        writeln!(
            f,
            "new_conversations_per_ip = {}",
            c.new_conversations_per_ip
        )?;
        match c.metrics_listen {
            Some(addr) => writeln!(f, "metrics_listen = {addr}")?,
            None => writeln!(f, "metrics_listen = (none)")?,
        }
        match c.metrics_token {
            Some(_) => writeln!(f, "metrics_token = ***")?,
            None => writeln!(f, "metrics_token = (none: /metrics only on metrics_listen)")?,
        }
        writeln!(f, "argon2_concurrency = {}", c.argon2_concurrency)?;
        writeln!(f, "argon2_queue = {}", c.argon2_queue)?;
        match &c.smtp_url {
            Some(url) => writeln!(f, "smtp_url = {url}")?,
            None => writeln!(f, "smtp_url = (none: no follow-up or transcript emails)")?,
        }
        writeln!(f, "mail_from = {}", c.mail_from)?;
        writeln!(f, "mail_reply_domain = {}", c.mail_reply_domain)?;
        match &c.public_url {
            Some(url) => writeln!(f, "public_url = {url}")?,
            None => writeln!(f, "public_url = (none: http:// + listen)")?,
        }
        match &c.operator_token {
            Some(_) => writeln!(f, "operator_token = (set, redacted)")?,
            None => writeln!(f, "operator_token = (none: operator API off)")?,
        }
        match &c.inbound_mail_secret {
            Some(_) => write!(f, "inbound_mail_secret = (set, redacted)"),
            None => write!(f, "inbound_mail_secret = (none: inbound mail hook off)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: super::Config,
    }

    #[test]
    fn debug_output_redacts_every_secret() {
        let cli = Cli::try_parse_from([
            "ebb",
            "--database-url",
            "postgres://ebb:db-secret@db/ebb",
            "--metrics-token",
            "metrics-secret",
            "--operator-token",
            "operator-secret",
            "--inbound-mail-secret",
            "mail-secret",
            "--smtp-url",
            "smtp://mailer:smtp-secret@mail.example:587",
        ])
        .expect("flags");
        let shown = format!("{:?}", cli.config);
        for secret in [
            "db-secret",
            "metrics-secret",
            "operator-secret",
            "mail-secret",
            "smtp-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("listen = 127.0.0.1:8080"), "{shown}");
        assert!(
            shown.contains("smtp_url = smtp://mailer:***@mail.example:587?starttls=required"),
            "{shown}"
        );
    }
}
