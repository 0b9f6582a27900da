//! The real `ebb` binary killed with SIGKILL: a snooze expiry that passes while it is down
//! fires when it starts again, and one due later fires on time, each exactly once; and
//! several kill cycles under load on SQLite and PostgreSQL lose no acknowledged message,
//! duplicate none, and leave the seqs gap-free.

use std::time::Duration;

use client::{advance, clock, expert, get, post, rfc3339, visitor};
use oracle::{all_entries, assert_each_stored_once, send_until_stopped};
use process::{Ebb, answers, free_port};
use serde_json::{Value, json};

#[path = "cluster/client.rs"]
#[expect(
    dead_code,
    reason = "the WebSocket client serves the cluster tests only"
)]
mod client;
#[path = "cluster/node.rs"]
#[expect(
    dead_code,
    reason = "the kill tests use the PostgreSQL schema helper only"
)]
mod node;
#[path = "cluster/oracle.rs"]
#[expect(dead_code, reason = "the kill tests keep only what was acknowledged")]
mod oracle;
mod process;

async fn start(data: &std::path::Path, port: u16) -> Ebb {
    let args = ["--demo", "--test-clock", "--data-dir"]
        .into_iter()
        .map(std::ffi::OsStr::new)
        .chain([data.as_os_str()]);
    let ebb = Ebb::spawn(port, args, "warn", false);
    assert!(
        answers(&ebb.base, "/readyz", "", 200).await,
        "ebb did not become ready"
    );
    ebb
}

async fn wait_woken(base: &str, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/expert/conversations/{id}");
    for _ in 0..200 {
        let read = get(base, &path, token).await;
        if read["conversation"]["state"]["wake"] == "snooze_expired" {
            return read;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("conversation {id} did not wake");
}

fn woken_count(read: &Value) -> usize {
    read["entries"]
        .as_array()
        .map_or(0, |e| e.iter().filter(|x| x["type"] == "woken").count())
}

#[tokio::test]
async fn snooze_expiries_survive_kill_9() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let ebb = start(data.path(), port).await;
    let b = ebb.base.clone();
    let (ada, _) = expert(&b, "ada@demo.ebb").await;
    let mut ids = Vec::new();
    for i in 0..2 {
        let v = visitor(&b).await;
        ids.push(client::start(&b, &v, &format!("question {i}")).await);
    }
    let soon = rfc3339(clock(&b).await + time::Duration::seconds(2));
    let snoozes = [
        json!({"kind": "until", "until": soon}),
        json!({"kind": "three_hours"}),
    ];
    for (id, choice) in ids.iter().zip(snoozes) {
        let path = format!("/api/v1/expert/conversations/{id}/snooze");
        post(&b, &path, &ada, json!({"choice": choice})).await;
    }

    // SIGKILL: no graceful anything. The first expiry passes while it is down.
    drop(ebb);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ebb = start(data.path(), port).await;
    let b = ebb.base.clone();
    let first = wait_woken(&b, &ada, &ids[0]).await;
    assert_eq!(woken_count(&first), 1);

    // The later one fires on time once the (persisted) test clock passes it.
    advance(&b, 3 * 3600).await;
    let second = wait_woken(&b, &ada, &ids[1]).await;
    assert_eq!(woken_count(&second), 1);
    drop(ebb);
    let ebb = start(data.path(), port).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = format!("/api/v1/expert/conversations/{}", ids[0]);
    let again = get(&ebb.base, &path, &ada).await;
    assert_eq!(woken_count(&again), 1, "fired exactly once across restarts");
}

/// Several cycles of load then SIGKILL on the database `db_args` names: every
/// acknowledged message is stored exactly once and the seqs stay gap-free from 1.
async fn acknowledged_messages_survive_kill_9_cycles(db_args: &[&std::ffi::OsStr]) {
    let port = free_port();
    let spawn = || {
        let args = ["--demo", "--rate-per-ip", "0", "--rate-per-visitor", "0"]
            .into_iter()
            .map(std::ffi::OsStr::new)
            .chain(db_args.iter().copied());
        Ebb::spawn(port, args, "error", false)
    };
    let mut ebb = spawn();
    assert!(answers(&ebb.base, "/readyz", "ready", 200).await);
    let v = visitor(&ebb.base).await;
    let id = client::start(&ebb.base, &v, "hello").await;
    let mut acked = Vec::new();
    for cycle in 0..3 {
        let senders: Vec<_> = (0..4)
            .map(|who| {
                let tag = format!("cycle {cycle} sender {who}");
                tokio::spawn(send_until_stopped(
                    ebb.base.clone(),
                    v.clone(),
                    id.clone(),
                    tag,
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(ebb); // SIGKILL with requests in flight.
        for s in senders {
            acked.extend(s.await.expect("sender").0);
        }
        ebb = spawn();
        assert!(answers(&ebb.base, "/readyz", "ready", 200).await);
        let entries = all_entries(&ebb.base, &v, &id).await;
        assert_each_stored_once(&entries, &acked, &format!("cycle {cycle}"));
    }
    assert!(
        acked.len() > 12,
        "too little load was acknowledged: {}",
        acked.len()
    );
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9_cycles_on_sqlite() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let args = [std::ffi::OsStr::new("--data-dir"), data.path().as_os_str()];
    acknowledged_messages_survive_kill_9_cycles(&args).await;
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9_cycles_on_postgres() {
    ebb_server::install_crypto_provider();
    let Some(url) = ebb_store::testing::postgres_url() else {
        return;
    };
    let schema = node::Schema::create(&url).await;
    let data = tempfile::tempdir().expect("tempdir");
    let args = [
        "--data-dir".as_ref(),
        data.path().as_os_str(),
        "--database-url".as_ref(),
        schema.url.as_ref(),
        "--database-schema".as_ref(),
        schema.name.as_ref(),
    ];
    acknowledged_messages_survive_kill_9_cycles(&args).await;
}
