//! Three real `ebb serve` nodes on one PostgreSQL schema and one NATS prefix: live
//! delivery and presence across nodes, exactly-once routing and snooze timers, and
//! recovery after `kill -9`. Runs with PostgreSQL tests (`CI=true` or `EBB_TEST_POSTGRES`),
//! skipped with a printed reason otherwise; in CI a missing PostgreSQL or NATS fails them.

#[path = "cluster/client.rs"]
mod client;
#[path = "cluster/live.rs"]
mod live;
#[path = "cluster/node.rs"]
mod node;
mod process;
#[path = "cluster/storm.rs"]
mod storm;
#[path = "cluster/wake_on_return.rs"]
mod wake_on_return;
#[path = "../../server/tests/api/ws_frames.rs"]
#[expect(
    dead_code,
    reason = "the cluster tests use part of the API tests' client"
)]
mod ws_frames;

use std::collections::HashMap;
use std::time::Duration;

use client::{PATIENCE, advance, call, clock, expert, get, post, rfc3339, start, visitor};
use ebb_core::Event;
use ebb_store::testing;
use node::{Cluster, LEASE_MS, Schema};
use reqwest::Method;
use serde_json::{Value, json};
use ws_frames::Ws;

/// A fresh schema when PostgreSQL (and, if `with_nats`, NATS) can be used; `None` (the
/// test is skipped) only outside CI, see [`testing::missing`]. Installs the TLS crypto
/// provider the nodes' clients need.
async fn schema(with_nats: bool) -> Option<Schema> {
    ebb_server::install_crypto_provider();
    let Some(url) = testing::postgres_url() else {
        return testing::missing(
            false,
            "set EBB_TEST_POSTGRES (or CI=true) to run the cluster tests",
        );
    };
    if !testing::reachable(&url).await {
        return testing::missing(true, &format!("PostgreSQL at {url} is unreachable"));
    }
    if with_nats {
        let (nats, required) = (node::nats(), testing::nats_url().is_none_or(|(_, r)| r));
        if !testing::reachable(&nats).await {
            let what = format!("NATS at {nats} is unreachable (set EBB_TEST_NATS=1 to require it)");
            return testing::missing(required, &what);
        }
    }
    Some(Schema::create(&url).await)
}

fn is_entry_with(f: &Value, text: &str) -> bool {
    f["type"] == "entry" && f["entry"].to_string().contains(text)
}

#[tokio::test]
async fn a_visitor_and_an_expert_on_different_nodes_see_each_other_live() {
    let Some(schema) = schema(true).await else {
        return;
    };
    let cluster = Cluster::start(&schema, 3).await;
    let (n1, n2, n3) = (cluster.base(0), cluster.base(1), cluster.base(2));
    let (ada, _) = expert(n2, "ada@demo.ebb").await;
    let mut expert_ws = Ws::connect(n2, &format!("token={ada}")).await;

    // A visitor writes on node 1; the expert on node 2 gets it live.
    let vt = visitor(n1).await;
    let id = start(n1, &vt, "hello from node one").await;
    expert_ws
        .until("the visitor's first message", |f| {
            is_entry_with(f, "hello from node one")
        })
        .await;
    let mut tab1 = Ws::connect(n1, &format!("token={vt}&brand=demo")).await;
    let online = expert_ws
        .until("presence online", |f| f["type"] == "presence")
        .await;
    assert_eq!(online["online"], true, "presence crossed nodes");

    // The expert answers on node 3; the visitor on node 1 gets it live.
    let reply = json!({"body": "answer from node three"});
    let path = format!("/api/v1/expert/conversations/{id}/messages");
    post(n3, &path, &ada, reply).await;
    let got = tab1
        .until("the expert's answer", |f| {
            is_entry_with(f, "answer from node three")
        })
        .await;
    let seen_seq = got["entry"]["seq"].as_u64().expect("seq");

    // Typing and read markers cross too.
    tab1.send(json!({"type": "typing", "conversation": id, "typing": true}))
        .await;
    let typing = expert_ws.until("typing", |f| f["type"] == "typing").await;
    assert_eq!(
        (typing["from"].clone(), typing["typing"].clone()),
        (json!("visitor"), json!(true))
    );
    expert_ws
        .send(json!({"type": "read", "conversation": id, "seq": seen_seq}))
        .await;
    let read = tab1.until("read receipt", |f| f["type"] == "read").await;
    assert_eq!(
        (read["by"].clone(), read["seq"].clone()),
        (json!("expert"), json!(seen_seq))
    );

    // A second tab on node 3; closing the first leaves the visitor online.
    let tab2 = Ws::connect(n3, &format!("token={vt}&brand=demo")).await;
    tab1.close().await;
    tokio::time::sleep(Duration::from_millis(3 * node::GRACE_MS)).await;
    let panel = get(n2, "/api/v1/expert/conversations", &ada).await;
    let listed = &panel["conversations"][0];
    assert_eq!(
        (listed["id"].as_str(), listed["visitor_online"].clone()),
        (Some(id.as_str()), json!(true))
    );

    // The visitor writes on node 3, which acknowledges, then dies with SIGKILL.
    let path = format!("/api/v1/widget/demo/conversations/{id}/messages");
    let last = post(n3, &path, &vt, json!({"body": "acknowledged on three"})).await;
    let mut cluster = cluster;
    drop(cluster.nodes.remove(2));
    drop(tab2);

    // The dead node's visitor goes offline once its lease runs out.
    let offline = expert_ws
        .until("presence offline", |f| {
            f["type"] == "presence" && f["online"] == false
        })
        .await;
    assert_eq!(offline["visitor"], online["visitor"]);
    // The suggestion comes with it, decided on this node with this presence.
    assert_eq!(offline["suggestions"][&id]["step"], "reply", "{offline}");
    assert!(LEASE_MS < PATIENCE.as_millis() as u64);

    // The visitor reconnects to node 2 and resumes: nothing acknowledged is missing.
    let last_seq = last["entry"]["seq"].as_u64().or(last["seq"].as_u64());
    let mut back = Ws::connect(cluster.base(1), &format!("token={vt}&brand=demo")).await;
    back.send(json!({"type": "resume", "conversations": {id.clone(): seen_seq}}))
        .await;
    let conv = back
        .until("the resumed conversation", |f| f["type"] == "conversation")
        .await;
    let last_seq =
        last_seq.unwrap_or_else(|| conv["conversation"]["last_seq"].as_u64().expect("last_seq"));
    let resumed = back.entries_until(&id, last_seq).await;
    let seqs: Vec<u64> = resumed.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert_eq!(
        seqs,
        ((seen_seq + 1)..=last_seq).collect::<Vec<_>>(),
        "no gap"
    );
    assert!(
        resumed
            .iter()
            .any(|e| e.to_string().contains("acknowledged on three"))
    );
}

/// Replays the brand's log: no conversation assigned twice, no expert over capacity.
fn assert_never_over_capacity(
    log: &[ebb_store::events::LoggedEvent],
    caps: &HashMap<String, u32>,
) -> usize {
    let mut holder = HashMap::new();
    let mut held: HashMap<String, u32> = HashMap::new();
    let mut assignments = 0;
    for logged in log {
        match &logged.entry.event {
            Event::Assigned { expert, .. } => {
                let expert = expert.to_string();
                assert!(
                    holder.insert(logged.conversation, expert.clone()).is_none(),
                    "double assignment"
                );
                let n = held.entry(expert.clone()).or_default();
                *n += 1;
                assert!(*n <= caps[&expert], "over capacity at pos {}", logged.pos);
                assignments += 1;
            }
            Event::Snoozed { .. } | Event::Closed { .. } | Event::Unassigned { .. } => {
                if let Some(e) = holder.remove(&logged.conversation) {
                    *held.entry(e).or_default() -= 1;
                }
            }
            _ => {}
        }
    }
    assignments
}

async fn assigned_to(base: &str, token: &str) -> Vec<String> {
    let panel = get(base, "/api/v1/expert/conversations", token).await;
    let list = panel["conversations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter(|c| c["state"]["status"] == "assigned")
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn routing_and_snooze_timers_are_exactly_once_across_three_nodes() {
    let Some(schema) = schema(true).await else {
        return;
    };
    let cluster = Cluster::start(&schema, 3).await;
    let bases: Vec<String> = cluster.nodes.iter().map(|n| n.base.clone()).collect();
    let (ada, ada_id) = expert(&bases[0], "ada@demo.ebb").await;
    let (bob, bob_id) = expert(&bases[1], "bob@demo.ebb").await;
    call(
        &bases[1],
        Method::PUT,
        "/api/v1/expert/status",
        Some(&bob),
        json!({"status": "available"}),
    )
    .await;
    let caps = HashMap::from([(ada_id, 3), (bob_id, 2)]);

    // 15 visitors start at once, spread over the three nodes.
    let starts = (0..15).map(|i| {
        let base = bases[i % 3].clone();
        async move {
            let vt = visitor(&base).await;
            start(&base, &vt, &format!("question {i}")).await
        }
    });
    let ids = futures_util::future::join_all(starts).await;
    assert_eq!(ids.len(), 15);

    // Two rounds: snooze everything assigned (from every node at once), which routes more.
    let now = clock(&bases[2]).await;
    let until = rfc3339(now + time::Duration::seconds(60));
    let mut snoozed = 0;
    for _round in 0..2 {
        let mut calls = Vec::new();
        for token in [&ada, &bob] {
            for (i, id) in assigned_to(&bases[0], token).await.into_iter().enumerate() {
                let (base, token, until) = (bases[i % 3].clone(), token.clone(), until.clone());
                calls.push(async move {
                    let path = format!("/api/v1/expert/conversations/{id}/snooze");
                    let choice = json!({"choice": {"kind": "until", "until": until}});
                    post(&base, &path, &token, choice).await
                });
            }
        }
        snoozed += calls.len();
        futures_util::future::join_all(calls).await;
    }
    assert!(snoozed >= 5, "both rounds snoozed: {snoozed}");

    // Time moves on node 1; every node picks it up and three schedulers race.
    advance(&bases[0], 120).await;
    for base in &bases[1..] {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if clock(base).await > now + time::Duration::seconds(100) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{base} kept the old time"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let store = schema.store().await;
    let mut conn = store.conn().await.expect("conn");
    let brand = ebb_store::brands::by_slug(&mut conn, "demo")
        .await
        .expect("brand")
        .expect("demo");
    let kinds = [
        "assigned",
        "snoozed",
        "closed",
        "woken",
        "released",
        "unassigned",
    ];
    let woken = |log: &[ebb_store::events::LoggedEvent]| {
        log.iter()
            .filter(|l| matches!(l.entry.event, Event::Woken { .. }))
            .count()
    };
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let log = ebb_store::events::brand_log(&mut conn, brand.id, &kinds)
            .await
            .expect("log");
        if woken(&log) >= snoozed {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "snoozes did not all wake"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let every scheduler run a few more ticks, then check nothing fired twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let log = ebb_store::events::brand_log(&mut conn, brand.id, &kinds)
        .await
        .expect("log");
    assert_eq!(woken(&log), snoozed, "each snooze woke exactly once");
    let assignments = assert_never_over_capacity(&log, &caps);
    assert!(
        assignments >= 10,
        "routing ran on every round: {assignments}"
    );
    drop(conn);
    store.close().await;
}

#[tokio::test]
async fn a_node_without_nats_is_degraded_but_serves_its_own_clients() {
    let Some(schema) = schema(false).await else {
        return;
    };
    let cluster = Cluster::spawn(&schema, 1, "nats://127.0.0.1:1");
    let base = cluster.base(0);
    node::wait_readiness(base, "degraded").await;
    let health = reqwest::get(format!("{base}/healthz"))
        .await
        .expect("healthz");
    assert!(health.status().is_success());
    let (ada, _) = expert(base, "ada@demo.ebb").await;
    let mut expert_ws = Ws::connect(base, &format!("token={ada}")).await;
    let vt = visitor(base).await;
    start(base, &vt, "written while NATS is away").await;
    expert_ws
        .until("the message written while NATS is away", |f| {
            is_entry_with(f, "written while NATS is away")
        })
        .await;
    let metrics = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(node::METRICS_TOKEN)
        .send()
        .await
        .expect("metrics");
    let text = metrics.text().await.expect("text");
    assert!(text.contains("ebb_bus_connected 0"), "{text}");
    assert!(text.contains("ebb_ws_connections"), "{text}");
}

/// A private `nats-server` on its own port (never the shared one); killed when dropped.
struct PrivateNats {
    child: Option<std::process::Child>,
    port: u16,
    store: tempfile::TempDir,
}

impl PrivateNats {
    fn start() -> Self {
        let mut nats = Self {
            child: None,
            port: process::free_port(),
            store: tempfile::tempdir().expect("tempdir"),
        };
        nats.restart();
        nats
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn restart(&mut self) {
        let child = std::process::Command::new("nats-server")
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(self.store.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nats-server (Debian package nats-server)");
        self.child = Some(child);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn sends_are_stored_while_nats_is_lost_and_live_delivery_resumes() {
    let Some(schema) = schema(false).await else {
        return;
    };
    let mut nats = PrivateNats::start();
    let cluster = Cluster::spawn(&schema, 2, &nats.url());
    let (n1, n2) = (cluster.base(0), cluster.base(1));
    node::wait_ready(n1).await;
    node::wait_ready(n2).await;
    let vt = visitor(n1).await;
    let id = start(n1, &vt, "before NATS goes").await;
    let mut tab = Ws::connect(n2, &format!("token={vt}&brand=demo")).await;
    tab.send(json!({"type": "resume", "conversations": {&id: 0}}))
        .await;
    tab.until("the first message", |f| {
        is_entry_with(f, "before NATS goes")
    })
    .await;

    nats.stop();
    node::wait_readiness(n1, "degraded").await;
    let path = format!("/api/v1/widget/demo/conversations/{id}/messages");
    for i in 0..3 {
        post(n1, &path, &vt, json!({"body": format!("while away {i}")})).await;
    }

    nats.restart();
    node::wait_ready(n1).await;
    node::wait_ready(n2).await;
    // The tab on the other node is resynced from the database, then live again.
    tab.until("a message sent while NATS was away", |f| {
        is_entry_with(f, "while away 2")
    })
    .await;
    post(n1, &path, &vt, json!({"body": "after NATS is back"})).await;
    tab.until("a message sent after NATS returned", |f| {
        is_entry_with(f, "after NATS is back")
    })
    .await;

    // A resume by seq on the other node misses nothing.
    let mut fresh = Ws::connect(n2, &format!("token={vt}&brand=demo")).await;
    fresh
        .send(json!({"type": "resume", "conversations": {&id: 0}}))
        .await;
    let read = get(n1, &format!("/api/v1/widget/demo/conversations/{id}"), &vt).await;
    let last = read["entries"]
        .as_array()
        .and_then(|e| e.last())
        .and_then(|e| e["seq"].as_u64())
        .expect("last seq");
    let seen = fresh.entries_until(&id, last).await;
    let seqs: Vec<u64> = seen.iter().filter_map(|e| e["seq"].as_u64()).collect();
    let expected: Vec<u64> = (1..=last).collect();
    assert_eq!(seqs, expected, "resume from 0 replays every entry once");
    let text: String = seen.iter().map(|e| e.to_string()).collect();
    for i in 0..3 {
        assert!(text.contains(&format!("while away {i}")), "{text}");
    }
    drop(cluster);
    drop(schema);
}
