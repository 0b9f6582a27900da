//! Scenario 3: a crowd of idle visitor widget WebSockets (or bare echo connections),
//! held by several client processes because one process may hold at most 20,000 files.
//! Measures the server's memory per connection and the connection set-up rate.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tokio::sync::Semaphore;

/// Connections one client process opens at most (it needs a file per connection).
pub const PER_PROCESS: usize = 9_000;

/// Client process: connects every URL of `urls_file` (64 at a time), prints one JSON line
/// `{"connected","failed","secs"}`, then holds them (answering pings) until stdin closes
/// or `hold_secs` pass.
pub async fn client(urls_file: &Path, hold_secs: u64) -> anyhow::Result<()> {
    let urls: Vec<String> = std::fs::read_to_string(urls_file)?
        .lines()
        .map(str::to_owned)
        .collect();
    let sem = Arc::new(Semaphore::new(64));
    let mut set = tokio::task::JoinSet::new();
    let start = Instant::now();
    for url in urls {
        let sem = sem.clone();
        set.spawn(async move {
            let permit = sem.acquire_owned().await;
            let ws = crate::api::ws_connect(&url).await;
            drop(permit);
            // Read at once, so pings are answered while the rest of the crowd connects.
            ws.map(|ws| tokio::spawn(async move { ws.for_each(|_| async {}).await }))
        });
    }
    let mut readers = Vec::new();
    let mut failed = 0;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(reader)) => readers.push(reader),
            _ => failed += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"connected": readers.len(), "failed": failed, "secs": secs})
    );
    std::io::stdout().flush()?;
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(
        Duration::from_secs(hold_secs),
        tokio::io::stdin().read_to_end(&mut sink),
    )
    .await;
    for r in readers {
        r.abort();
    }
    Ok(())
}

/// Spreads `urls` over client processes, waits until each reports, and returns
/// (connected, failed, set-up seconds of the slowest) while the clients keep holding;
/// dropping the returned children closes their connections.
pub async fn connect_all(
    urls: &[String],
    hold_secs: u64,
) -> anyhow::Result<(usize, usize, f64, Vec<tokio::process::Child>)> {
    let me = std::env::current_exe()?;
    let mut children = Vec::new();
    let start = Instant::now();
    for (i, chunk) in urls.chunks(PER_PROCESS).enumerate() {
        let path =
            std::env::temp_dir().join(format!("ebb-bench-crowd-{}-{i}.txt", std::process::id()));
        std::fs::write(&path, chunk.join("\n"))?;
        let child = tokio::process::Command::new(&me)
            .args(["crowd-client", "--urls"])
            .arg(&path)
            .args(["--hold-secs", &hold_secs.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        children.push(child);
    }
    let (mut connected, mut failed) = (0, 0);
    for child in &mut children {
        let out = child.stdout.take().context("client stdout")?;
        let mut line = String::new();
        tokio::io::BufReader::new(out).read_line(&mut line).await?;
        let v: Value = serde_json::from_str(line.trim()).context("client report")?;
        connected += v["connected"].as_u64().unwrap_or(0) as usize;
        failed += v["failed"].as_u64().unwrap_or(0) as usize;
    }
    Ok((connected, failed, start.elapsed().as_secs_f64(), children))
}
