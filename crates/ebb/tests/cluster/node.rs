//! Real `ebb serve` processes on one fresh PostgreSQL schema and one NATS subject prefix.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

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

/// One `ebb serve` process; killed (SIGKILL) when dropped.
pub struct Node {
    child: Child,
    pub base: String,
}

impl Node {
    /// `kill -9`.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Three nodes of one deployment.
pub struct Cluster {
    pub nodes: Vec<Node>,
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
        let nodes: Vec<Node> = (0..n)
            .map(|_| {
                let port = free_port();
                let child = Command::new(env!("CARGO_BIN_EXE_ebb"))
                    .args(["serve", "--demo", "--test-clock", "--listen"])
                    .arg(format!("127.0.0.1:{port}"))
                    .arg("--data-dir")
                    .arg(&data)
                    .args(["--database-url", &schema.url])
                    .args(["--database-schema", &schema.name])
                    .args(["--nats-url", nats, "--nats-prefix", &prefix])
                    .args(["--presence-grace-ms", &GRACE_MS.to_string()])
                    .args(["--presence-lease-ms", &LEASE_MS.to_string()])
                    .args(["--rate-per-ip", "0", "--rate-per-visitor", "0"])
                    .env("RUST_LOG", "warn")
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit())
                    .spawn()
                    .expect("spawn ebb");
                Node {
                    child,
                    base: format!("http://127.0.0.1:{port}"),
                }
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
    for _ in 0..600 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await
            && r.status().is_success()
            && r.text().await.is_ok_and(|t| t.starts_with(wanted))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base} did not become ready");
}
