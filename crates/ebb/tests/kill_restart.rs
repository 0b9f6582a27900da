//! The real `ebb` binary killed with SIGKILL: a snooze expiry that passes while it is down
//! fires when it starts again, and one due later fires on time, each exactly once.

use std::time::Duration;

use client::{advance, clock, expert, get, post, rfc3339, visitor};
use process::{Ebb, answers, free_port};
use serde_json::{Value, json};

#[path = "cluster/client.rs"]
#[expect(
    dead_code,
    reason = "the WebSocket client serves the cluster tests only"
)]
mod client;
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
