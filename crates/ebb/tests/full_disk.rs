//! The real `ebb` binary with its SQLite data directory on a small tmpfs that fills up:
//! writes answer a retriable 503 problem with `Retry-After`, `/readyz` says unready, and
//! once space is freed service comes back by itself (no restart) and a snooze that fell
//! due meanwhile fires. Needs root to mount the tmpfs: skipped with a printed reason
//! otherwise, except in CI (`CI=true`), where it must run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use client::{clock, expert, get, post, rfc3339, visitor};
use process::{Ebb, answers, free_port};
use serde_json::{Value, json};

#[path = "cluster/client.rs"]
#[expect(dead_code, reason = "the full-disk test uses part of the client")]
mod client;
mod process;

/// A tmpfs of a few MiB, unmounted when dropped (even when the test fails).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes zeros into `file` until the disk refuses (ENOSPC).
fn fill(file: &Path) {
    let mut f = std::fs::File::create(file).expect("create filler");
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
}

async fn send(base: &str, visitor: &str, id: &str, i: usize) -> reqwest::Response {
    let body = format!("{i} {}", "x".repeat(1500));
    reqwest::Client::new()
        .post(format!(
            "{base}/api/v1/widget/demo/conversations/{id}/messages"
        ))
        .bearer_auth(visitor)
        .json(&json!({"body": body}))
        .send()
        .await
        .expect("request")
}

/// Checks a refused write is the retriable problem, not a 500.
async fn assert_unavailable(resp: reqwest::Response) {
    assert_eq!(resp.status(), 503, "a write on a full disk");
    let retry = resp.headers().get("retry-after").cloned();
    let kind = resp.headers().get("content-type").cloned();
    let problem: Value = resp.json().await.expect("problem body");
    assert!(retry.is_some(), "503 without Retry-After: {problem}");
    assert_eq!(
        kind.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    assert_eq!(problem["type"], "/problems/unavailable");
}

async fn readyz(base: &str) -> u16 {
    reqwest::get(format!("{base}/readyz"))
        .await
        .expect("readyz")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_full_disk_answers_503_and_heals_without_restart() {
    ebb_server::install_crypto_provider();
    let Some(disk) = SmallDisk::mount("24m") else {
        let skip = "cannot mount a tmpfs (not root?): full-disk test skipped";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{skip}");
        eprintln!("{skip}");
        return;
    };
    let data: PathBuf = disk.path().join("data");
    let port = free_port();
    let args = ["--demo", "--test-clock", "--data-dir"]
        .into_iter()
        .map(std::ffi::OsStr::new)
        .chain([data.as_os_str()]);
    let ebb = Ebb::spawn(port, args, "error", false);
    assert!(answers(&ebb.base, "/readyz", "ready", 200).await);
    let b = ebb.base.clone();
    let (ada, _) = expert(&b, "ada@demo.ebb").await;
    let v = visitor(&b).await;
    let id = client::start(&b, &v, "before the disk fills").await;
    let snoozed = client::start(&b, &visitor(&b).await, "snooze me").await;
    let due = rfc3339(clock(&b).await + time::Duration::seconds(3));
    let path = format!("/api/v1/expert/conversations/{snoozed}/snooze");
    post(
        &b,
        &path,
        &ada,
        json!({"choice": {"kind": "until", "until": due}}),
    )
    .await;

    let filler = disk.path().join("filler");
    fill(&filler);
    // SQLite may still have room in pages it owns: write until it refuses.
    let mut refused = None;
    for i in 0..2000 {
        let resp = send(&b, &v, &id, i).await;
        if !resp.status().is_success() {
            refused = Some(resp);
            break;
        }
    }
    assert_unavailable(refused.expect("the disk never filled")).await;
    // Every later write is refused the same way, and the node says it is not ready.
    for i in 0..5 {
        assert_unavailable(send(&b, &v, &id, 5000 + i).await).await;
    }
    assert_eq!(readyz(&b).await, 503, "/readyz while writes fail");
    // The snooze falls due while the disk is full.
    tokio::time::sleep(Duration::from_secs(4)).await;

    std::fs::remove_file(&filler).expect("free space");
    let mut healed = false;
    for i in 0..100 {
        if send(&b, &v, &id, 9000 + i).await.status().is_success() {
            healed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healed, "writes did not come back after space was freed");
    assert!(answers(&b, "/readyz", "ready", 100).await, "still unready");
    let path = format!("/api/v1/expert/conversations/{snoozed}");
    let mut woke = false;
    for _ in 0..100 {
        if get(&b, &path, &ada).await["conversation"]["state"]["wake"] == "snooze_expired" {
            woke = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(woke, "the snooze due while the disk was full did not fire");
    drop(ebb);
}
