//! The real `ebb` binary stopped with SIGTERM under load: every WebSocket gets a 1001
//! "going away" close, every request in flight either finishes or is refused cleanly (a
//! closed connection or a 503, never a 500), and after a restart on the same data every
//! acknowledged message is there exactly once with gap-free seqs.

use std::time::Duration;

use client::{expert, visitor};
use oracle::{Stopped, all_entries, assert_each_stored_once, send_until_stopped};
use process::free_port;
use ws_frames::Ws;

#[path = "cluster/client.rs"]
#[expect(dead_code, reason = "the shutdown test uses part of the client")]
mod client;
#[path = "cluster/oracle.rs"]
mod oracle;
mod process;
#[path = "../../server/tests/api/ws_frames.rs"]
#[expect(
    dead_code,
    reason = "the shutdown test uses part of the API tests' client"
)]
mod ws_frames;

/// Sends until the server stops; the bodies it acknowledged. A refusal at shutdown is a
/// clean 503, never another status.
async fn sender(base: String, visitor: String, id: String, who: usize) -> Vec<String> {
    let (acked, stopped) = send_until_stopped(base, visitor, id, format!("sender {who}")).await;
    if let Stopped::Refused(status, body) = stopped {
        assert_eq!(status, 503, "refused at shutdown: {body}");
    }
    acked
}

#[tokio::test]
async fn sigterm_closes_websockets_with_1001_and_loses_nothing() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut ebb = oracle::demo(data.path(), port, false).await;
    let b = ebb.base.clone();
    let (ada, _) = expert(&b, "ada@demo.ebb").await;
    let v = visitor(&b).await;
    let id = client::start(&b, &v, "hello").await;
    let connect = |q: String| {
        let b = b.clone();
        async move { Ws::try_connect(&b, &q, None).await.expect("websocket") }
    };
    let mut expert_ws = connect(format!("token={ada}")).await;
    let mut visitor_ws = connect(format!("token={v}&brand=demo")).await;

    let senders: Vec<_> = (0..4)
        .map(|who| tokio::spawn(sender(b.clone(), v.clone(), id.clone(), who)))
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let exited = ebb.terminate(Duration::from_secs(15)).await;
    for ws in [&mut expert_ws, &mut visitor_ws] {
        let ended = ws.ended_within(Duration::from_secs(10)).await;
        assert_eq!(ended, Some(Some(1001)), "a WebSocket at shutdown");
    }
    assert!(exited, "ebb did not exit by itself after SIGTERM");
    let mut acked = Vec::new();
    for s in senders {
        acked.extend(s.await.expect("sender"));
    }
    assert!(!acked.is_empty(), "no load was acknowledged");
    drop(ebb);

    let ebb = oracle::demo(data.path(), port, false).await;
    let entries = all_entries(&ebb.base, &v, &id).await;
    assert_each_stored_once(&entries, &acked, "after SIGTERM");
}
