//! Starts the servers under test as child processes on 127.0.0.1: `ebb serve --demo` on a
//! fresh SQLite directory or a fresh PostgreSQL database, or the bare echo baseline.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// Which database the Ebb server under test uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Db {
    /// Embedded SQLite in a fresh temporary directory.
    Sqlite,
    /// A fresh database created on this PostgreSQL server (admin URL, e.g.
    /// `postgres://postgres@127.0.0.1:5432/postgres`).
    Postgres(String),
}

/// A running child server; stopped (SIGTERM, then kill) by [`Spawned::stop`].
pub struct Spawned {
    child: Child,
    /// Its process id, for `/proc` readings.
    pub pid: u32,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    data_dir: Option<PathBuf>,
    pg_db: Option<(String, String)>,
}

/// A free loopback port (bound then released; good enough on a quiet machine).
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Starts `ebb serve --demo` from binary `ebb` with rate and flood limits off, extra flags
/// `extra`.
pub async fn start_ebb(ebb: &Path, db: &Db, extra: &[&str]) -> anyhow::Result<Spawned> {
    let port = free_port()?;
    let mut cmd = Command::new(ebb);
    cmd.arg("serve")
        .arg("--demo")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--rate-per-ip", "0", "--rate-per-visitor", "0"])
        .args([
            "--new-visitors-per-ip",
            "0",
            "--new-conversations-per-ip",
            "0",
        ])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut data_dir = None;
    let mut pg_db = None;
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(format!("ebb-bench-{}-{port}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            cmd.arg("--data-dir").arg(&dir);
            data_dir = Some(dir);
        }
        Db::Postgres(admin_url) => {
            let name = format!("ebb_bench_{}_{port}", std::process::id());
            crate::baseline::pg_admin(admin_url, &format!("CREATE DATABASE {name}")).await?;
            let url = replace_db(admin_url, &name);
            cmd.args(["--database-url", &url]);
            pg_db = Some((admin_url.clone(), name));
        }
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("starting {}", ebb.display()))?;
    let pid = child.id().context("child pid")?;
    let spawned = Spawned {
        child,
        pid,
        base: format!("http://127.0.0.1:{port}"),
        data_dir,
        pg_db,
    };
    wait_ready(&format!("{}/readyz", spawned.base)).await?;
    Ok(spawned)
}

/// Starts `ebb-bench echo-server` (this binary) on a free port.
pub async fn start_echo() -> anyhow::Result<Spawned> {
    let port = free_port()?;
    let me = std::env::current_exe()?;
    let child = Command::new(me)
        .args(["echo-server", "--listen", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().context("child pid")?;
    let spawned = Spawned {
        child,
        pid,
        base: format!("http://127.0.0.1:{port}"),
        data_dir: None,
        pg_db: None,
    };
    wait_ready(&format!("{}/healthz", spawned.base)).await?;
    Ok(spawned)
}

/// `url` with its database name replaced by `name`.
fn replace_db(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{name}", &url[..i]),
        _ => format!("{url}/{name}"),
    }
}

async fn wait_ready(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{url} not ready after 60 s")
}

impl Spawned {
    /// `ws://127.0.0.1:<port>`.
    pub fn ws_base(&self) -> String {
        self.base.replacen("http://", "ws://", 1)
    }

    /// Stops the server (SIGTERM, then kill after 10 s) and removes its database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            self.child.kill().await?;
        }
        if let Some(dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = &self.pg_db {
            crate::baseline::pg_admin(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await?;
        }
        Ok(())
    }
}
