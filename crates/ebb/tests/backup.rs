//! `ebb backup` and `ebb restore` on the real binary: a backup taken while a client keeps
//! writing holds every message acknowledged before it started, restores into a new data
//! directory that a new server serves, and passes SQLite's integrity check; a restore is
//! refused while a server runs on the directory.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use client::{post, start, visitor};
use oracle::{all_entries, assert_each_stored_once};
use process::{Ebb, free_port};
use serde_json::json;

#[path = "cluster/client.rs"]
#[expect(
    dead_code,
    reason = "the WebSocket client serves the cluster tests only"
)]
mod client;
#[path = "cluster/oracle.rs"]
#[expect(dead_code, reason = "the backup test writes with its own sender")]
mod oracle;
mod process;

fn ebb(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "error")
        .output()
        .expect("run ebb")
}

async fn serve(data: &Path) -> Ebb {
    oracle::demo(data, free_port(), true).await
}

/// Acknowledged message bodies, in order.
type Acked = Arc<Mutex<Vec<String>>>;

fn acked_count(acked: &Acked) -> usize {
    acked.lock().expect("acked").len()
}

async fn wait_for_more(acked: &Acked, than: usize) {
    while acked_count(acked) < than + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_backup_under_load_restores_every_acknowledged_message() {
    ebb_server::install_crypto_provider();
    let live = tempfile::tempdir().expect("tempdir");
    let server = serve(live.path()).await;
    let base = server.base.clone();
    let token = visitor(&base).await;
    let id = start(&base, &token, "first").await;

    let acked = Acked::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (base, token, id) = (base.clone(), token.clone(), id.clone());
        let (acked, stop) = (acked.clone(), stop.clone());
        async move {
            let path = format!("/api/v1/widget/demo/conversations/{id}/messages");
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let body = format!("message {i}");
                post(&base, &path, &token, json!({"body": body})).await;
                acked.lock().expect("acked").push(body);
                i += 1;
            }
        }
    });
    wait_for_more(&acked, 0).await;

    let before: Vec<String> = acked.lock().expect("acked").clone();
    let copies = tempfile::tempdir().expect("tempdir");
    let dest = copies.path().join("ebb-backup.db");
    let dest_arg = dest.to_str().expect("utf-8");
    let out = ebb(&["backup", dest_arg], live.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for_more(&acked, before.len()).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.expect("writer");

    let refused = ebb(&["restore", dest_arg, "--replace"], live.path());
    assert!(!refused.status.success(), "restore under a running server");
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("running"), "{why}");

    let restored = tempfile::tempdir().expect("tempdir");
    let out = ebb(&["restore", dest_arg], restored.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = ebb(&["restore", dest_arg], restored.path());
    assert!(!again.status.success(), "restore over an existing database");

    let copy = serve(restored.path()).await;
    let entries = all_entries(&copy.base, &token, &id).await;
    assert_each_stored_once(&entries, &before, "the restored copy");
    drop(copy);
    let store = ebb_store::Store::open_file(&restored.path().join("ebb.db"))
        .await
        .expect("open restored");
    assert_eq!(store.integrity_check().await.expect("check"), "ok");
    store.close().await;
}

#[tokio::test]
async fn on_postgresql_ebb_backup_writes_a_pg_dump_archive() {
    for db in ebb_store::testing::backends().await {
        if db.name != "postgres" {
            db.finish().await;
            continue;
        }
        let copies = tempfile::tempdir().expect("tempdir");
        let dest = copies.path().join("ebb.dump");
        let out = Command::new(env!("CARGO_BIN_EXE_ebb"))
            .arg("backup")
            .arg(&dest)
            .args(db.binary_args())
            .env("RUST_LOG", "error")
            .output()
            .expect("run ebb");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let archive = std::fs::read(&dest).expect("archive");
        assert!(archive.starts_with(b"PGDMP"), "a pg_dump custom archive");
        let restore = Command::new(env!("CARGO_BIN_EXE_ebb"))
            .arg("restore")
            .arg(&dest)
            .args(db.binary_args())
            .output()
            .expect("run ebb");
        let why = String::from_utf8_lossy(&restore.stderr);
        assert!(
            !restore.status.success() && why.contains("pg_restore"),
            "{why}"
        );
        db.finish().await;
    }
}

#[test]
fn a_server_does_not_start_while_a_restore_holds_the_data_directory() {
    let data = tempfile::tempdir().expect("tempdir");
    let lock = ebb_server::data_lock::DataDirLock::restoring(data.path()).expect("lock");
    let mut serve = Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ebb serve");
    let exited = (0..200).find_map(|_| {
        let status = serve.try_wait().expect("wait");
        if status.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        status
    });
    if exited.is_none() {
        let _ = serve.kill();
        let _ = serve.wait();
        panic!("ebb serve kept running during a restore");
    }
    let out = serve.wait_with_output().expect("output");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "served during a restore");
    assert!(why.contains("restore"), "{why}");
    drop(lock);
    let copies = tempfile::tempdir().expect("tempdir");
    let taken = copies.path().join("taken.db");
    std::fs::write(&taken, b"keep me").expect("write");
    let out = ebb(&["backup", taken.to_str().expect("utf-8")], data.path());
    assert!(!out.status.success(), "a backup never overwrites a file");
    assert_eq!(std::fs::read(&taken).expect("read"), b"keep me");
}
