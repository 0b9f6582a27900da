//! Issue 17 across two nodes on PostgreSQL + NATS: Ada snoozes a conversation on node A
//! "until the visitor is back"; the visitor comes back with two tabs at once on node B.
//! Node B wakes it from the database exactly once, and Ada sees it live on node A.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::client::{advance, clock, expert, get, post, rfc3339, start, visitor};
use crate::node::Cluster;
use crate::ws_frames::Ws;

fn woken(entries: &Value) -> Vec<Value> {
    let list = entries.as_array().cloned().unwrap_or_default();
    list.into_iter().filter(|e| e["type"] == "woken").collect()
}

#[tokio::test]
async fn a_return_on_node_b_wakes_a_snooze_set_on_node_a_once_and_live() {
    let Some(schema) = crate::schema(true).await else {
        return;
    };
    let cluster = Cluster::start(&schema, 2).await;
    let (a, b) = (cluster.base(0), cluster.base(1));
    let (ada, _) = expert(a, "ada@demo.ebb").await;
    let mut panel = Ws::connect(a, &format!("token={ada}")).await;

    let vt = visitor(b).await;
    let id = start(b, &vt, "Are the tents waterproof?").await;
    let at_most = rfc3339(clock(a).await + time::Duration::days(1));
    let choice = json!({"choice": {"kind": "until_return", "at_most": at_most}});
    let path = format!("/api/v1/expert/conversations/{id}/snooze");
    let snoozed = post(a, &path, &ada, choice).await;
    assert_eq!(snoozed["conversation"]["state"]["until_return"], true);

    let query = format!("token={vt}&brand=demo");
    let tabs = join_all([b, b].map(|base| Ws::connect(base, &query))).await;
    let live = panel
        .until("the wake on node A", |f| {
            f["type"] == "entry"
                && f["conversation"] == id.as_str()
                && f["entry"]["type"] == "woken"
        })
        .await;
    assert_eq!(live["entry"]["reason"], "visitor_returned");

    advance(a, 2 * 86_400).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let read = get(a, &format!("/api/v1/expert/conversations/{id}"), &ada).await;
    let wakes = woken(&read["entries"]);
    assert_eq!(wakes.len(), 1, "exactly one wake: {wakes:?}");
    assert_eq!(read["conversation"]["state"]["wake"], "visitor_returned");
    for tab in tabs {
        tab.close().await;
    }
}
