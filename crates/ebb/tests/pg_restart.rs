//! A real `ebb serve` on PostgreSQL while the machine's PostgreSQL is stopped and started
//! again under load: during the outage every request answers a retriable 503 problem with
//! `Retry-After` quickly (never hangs), `/readyz` says unready, and once PostgreSQL is back
//! writes succeed again without a restart and nothing acknowledged is lost.
//!
//! It stops the shared PostgreSQL, so it is `#[ignore]`d in the suite and run alone by
//! `scripts/test` after it (`--run-ignored only`). A guard starts PostgreSQL again even
//! when the test fails.

#[path = "cluster/client.rs"]
#[expect(dead_code, reason = "the restart test uses part of the client")]
mod client;
#[path = "cluster/node.rs"]
#[expect(
    dead_code,
    reason = "the restart test uses part of the cluster helpers"
)]
mod node;
#[path = "cluster/oracle.rs"]
#[expect(dead_code, reason = "the restart test sends one request at a time")]
mod oracle;
mod process;

use std::process::Command;
use std::time::{Duration, Instant};

use client::visitor;
use node::{Cluster, Schema};
use oracle::{all_entries, assert_each_stored_once};
use serde_json::json;

/// The bound of the fail-fast promise, with a generous margin (the promise is ~2 s).
const FAIL_FAST: Duration = Duration::from_secs(5);

/// The local PostgreSQL cluster (`pg_ctlcluster <version> main`); started again on drop.
struct PgGuard {
    version: String,
}

impl PgGuard {
    fn new() -> Self {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("/etc/postgresql: a Debian PostgreSQL cluster")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .min()
            .expect("a PostgreSQL version");
        Self { version }
    }

    fn ctl(&self, action: &str) -> bool {
        let mut cmd = Command::new("pg_ctlcluster");
        cmd.args(["--skip-systemctl-redirect", &self.version, "main", action]);
        if action == "stop" {
            cmd.args(["-m", "fast"]);
        }
        cmd.status().is_ok_and(|s| s.success())
    }

    fn wait_up() -> bool {
        (0..100).any(|_| {
            let up = Command::new("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
                .status()
                .is_ok_and(|s| s.success());
            if !up {
                std::thread::sleep(Duration::from_millis(100));
            }
            up
        })
    }
}

impl Drop for PgGuard {
    fn drop(&mut self) {
        if !Self::wait_up() {
            self.ctl("start");
            Self::wait_up();
        }
    }
}

async fn send(base: &str, visitor: &str, id: &str, body: &str) -> (u16, bool, Duration) {
    let started = Instant::now();
    let resp = reqwest::Client::new()
        .post(format!(
            "{base}/api/v1/widget/demo/conversations/{id}/messages"
        ))
        .bearer_auth(visitor)
        .json(&json!({"body": body}))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let retriable = resp.headers().contains_key("retry-after")
        && resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v == "application/problem+json");
    (status, retriable, started.elapsed())
}

#[tokio::test]
#[ignore = "stops the machine's PostgreSQL; scripts/test runs it alone after the suite"]
async fn requests_fail_fast_while_postgres_restarts_and_recover() {
    ebb_server::install_crypto_provider();
    let Some(url) = ebb_store::testing::postgres_url() else {
        return;
    };
    let pg = PgGuard::new();
    let schema = Schema::create(&url).await;
    let cluster = Cluster::start(&schema, 1).await;
    let b = cluster.base(0).to_owned();
    let v = visitor(&b).await;
    let id = client::start(&b, &v, "before the restart").await;
    let mut acked = Vec::new();
    for i in 0..20 {
        let body = format!("before {i}");
        let (status, _, _) = send(&b, &v, &id, &body).await;
        assert_eq!(status, 201);
        acked.push(body);
    }

    assert!(pg.ctl("stop"), "could not stop PostgreSQL");
    let mut refused = 0;
    for i in 0..6 {
        let body = format!("during {i}");
        let (status, retriable, took) = send(&b, &v, &id, &body).await;
        assert!(
            took < FAIL_FAST,
            "a request during the outage took {took:?}"
        );
        if status == 201 {
            acked.push(body);
            continue;
        }
        assert_eq!(status, 503, "a write while PostgreSQL is down");
        assert!(retriable, "503 without Retry-After or problem+json");
        refused += 1;
    }
    assert!(refused > 0, "no request noticed the outage");
    let ready = reqwest::get(format!("{b}/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 503, "/readyz while PostgreSQL is down");

    assert!(pg.ctl("start"), "could not start PostgreSQL");
    assert!(PgGuard::wait_up(), "PostgreSQL did not come back");
    let mut back = false;
    for i in 0..100 {
        let body = format!("after {i}");
        let (status, _, _) = send(&b, &v, &id, &body).await;
        if status == 201 {
            acked.push(body);
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "writes did not come back after PostgreSQL restarted");
    node::wait_ready(&b).await;

    let entries = all_entries(&b, &v, &id).await;
    assert_each_stored_once(&entries, &acked, "after the PostgreSQL restart");
    drop(cluster);
    drop(schema);
}
