//! Real `ebb serve` processes on one fresh PostgreSQL schema and one NATS subject prefix.

use crate::process::{Ebb, answers, free_port};

/// The NATS the nodes use: `EBB_TEST_NATS` when it is a URL, else the machines' default.
pub fn nats() -> String {
    ebb_store::testing::nats_url().map_or_else(
        || ebb_store::testing::DEFAULT_NATS.to_owned(),
        |(url, _)| url,
    )
}
/// How long presence leases last in these clusters.
pub const LEASE_MS: u64 = 1500;
/// The presence grace period in these clusters.
pub const GRACE_MS: u64 = 300;

/// The bearer token the nodes serve `/metrics` to.
pub const METRICS_TOKEN: &str = "cluster-metrics";

/// A fresh schema, dropped when this is dropped (after the nodes using it).
pub struct Schema {
    pub url: String,
    pub name: String,
}

impl Schema {
    pub async fn create(url: &str) -> Self {
        let name = format!("ebb_cluster_{}", uuid::Uuid::new_v4().simple());
        let sql = format!("CREATE SCHEMA \"{name}\"");
        run_sql(url, &sql).await.expect("create schema");
        Self {
            url: url.to_owned(),
            name,
        }
    }

    /// A store on the schema, to read the event log.
    pub async fn store(&self) -> ebb_store::Store {
        ebb_store::Store::connect_postgres_schema(&self.url, &self.name)
            .await
            .expect("store")
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let sql = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
            let _ = runtime.block_on(run_sql(&url, &sql));
        });
        let _ = dropped.join();
    }
}

/// Runs one statement on its own short-lived connection to `url`.
async fn run_sql(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let admin = sqlx::PgPool::connect(url).await?;
    let done = sqlx::query(sql).execute(&admin).await.map(drop);
    admin.close().await;
    done
}

/// Three nodes of one deployment.
pub struct Cluster {
    pub nodes: Vec<Ebb>,
}

impl Cluster {
    /// Starts `n` nodes at once (they race to migrate and create the demo) and waits
    /// until each is ready, NATS included.
    pub async fn start(schema: &Schema, n: usize) -> Self {
        let cluster = Self::spawn(schema, n, &nats());
        for node in &cluster.nodes {
            wait_ready(&node.base).await;
        }
        cluster
    }

    /// Starts `n` nodes on `nats` without waiting.
    pub fn spawn(schema: &Schema, n: usize, nats: &str) -> Self {
        let prefix = format!("ebbtest.{}", uuid::Uuid::new_v4().simple());
        let data = std::env::temp_dir();
        let nodes: Vec<Ebb> = (0..n)
            .map(|_| {
                let (grace, lease) = (GRACE_MS.to_string(), LEASE_MS.to_string());
                let args = ["--demo", "--test-clock", "--data-dir"]
                    .into_iter()
                    .map(std::ffi::OsStr::new)
                    .chain([data.as_os_str()])
                    .chain(
                        [
                            "--database-url",
                            &schema.url,
                            "--database-schema",
                            &schema.name,
                            "--nats-url",
                            nats,
                            "--nats-prefix",
                            &prefix,
                            "--presence-grace-ms",
                            &grace,
                            "--presence-lease-ms",
                            &lease,
                            "--rate-per-ip",
                            "0",
                            "--rate-per-visitor",
                            "0",
                            "--metrics-token",
                            METRICS_TOKEN,
                        ]
                        .map(std::ffi::OsStr::new),
                    );
                Ebb::spawn(free_port(), args, "warn", true)
            })
            .collect();
        Self { nodes }
    }

    pub fn base(&self, i: usize) -> &str {
        &self.nodes[i].base
    }
}

/// Waits until `/readyz` says `ready` (database and NATS).
pub async fn wait_ready(base: &str) {
    wait_readiness(base, "ready").await;
}

/// Waits until `/readyz` answers 200 with a body starting with `wanted`.
pub async fn wait_readiness(base: &str, wanted: &str) {
    assert!(
        answers(base, "/readyz", wanted, 600).await,
        "{base} did not become ready"
    );
}
