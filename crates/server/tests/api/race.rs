//! Routing under racing requests from two servers on one database: replaying the event log
//! in commit order, no expert ever held more conversations than their capacity. The test
//! records how each racing request ended and fails when the race had no contention.

use ebb_core::ExpertStatus;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, spawn_apps};

/// How one racing request ended, and when it was in flight.
#[derive(Clone, Debug)]
struct Outcome {
    /// The HTTP status (`None`: no answer at all).
    status: Option<u16>,
    /// Which server it went to (0 or 1).
    server: usize,
    /// For a close (always sent to both servers at once): its path, pairing the twins.
    twin: Option<String>,
    started: std::time::Instant,
    ended: std::time::Instant,
}

/// What the race did: how many requests won, lost to a concurrent one, or failed.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    /// 2xx answers.
    succeeded: usize,
    /// 409 or 404 answers: the request lost to one that changed the conversation first
    /// (a closed or passed-on conversation is no longer the expert's).
    lost: usize,
    /// Anything else (including no answer).
    failed: usize,
    /// Twin closes of one conversation where one server won and the other lost.
    split_twins: usize,
    /// Of those, the ones whose two requests were in flight at the same time.
    raced_twins: usize,
    /// Twin closes that both succeeded (a conversation closed twice).
    double_wins: usize,
    /// Pairs of requests to different servers in flight at the same time.
    overlapping: usize,
}

impl Outcome {
    fn won(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }

    /// 409, or 404: a closed or passed-on conversation is no longer the expert's.
    fn lost(&self) -> bool {
        matches!(self.status, Some(404 | 409))
    }
}

/// Whether two requests were in flight at the same time.
fn overlap(a: &Outcome, b: &Outcome) -> bool {
    a.started < b.ended && b.started < a.ended
}

impl Tally {
    fn of(outcomes: &[Outcome]) -> Self {
        let mut t = Self::default();
        for o in outcomes {
            match (o.won(), o.lost()) {
                (true, _) => t.succeeded += 1,
                (_, true) => t.lost += 1,
                _ => t.failed += 1,
            }
        }
        let mut twins: std::collections::HashMap<&str, Vec<&Outcome>> = Default::default();
        for o in outcomes {
            if let Some(key) = &o.twin {
                twins.entry(key).or_default().push(o);
            }
        }
        for pair in twins.values() {
            let won = pair.iter().filter(|o| o.won()).count();
            let lost = pair.iter().filter(|o| o.lost()).count();
            let split = won == 1 && lost == 1;
            t.split_twins += usize::from(split);
            t.raced_twins += usize::from(split && overlap(pair[0], pair[1]));
            t.double_wins += usize::from(won > 1);
        }
        for (i, a) in outcomes.iter().enumerate() {
            t.overlapping += outcomes[i + 1..]
                .iter()
                .filter(|b| a.server != b.server && overlap(a, b))
                .count();
        }
        t
    }
}

/// Replays the slot history from the event log in commit order and checks every expert
/// stayed within capacity at every step, and that the replay ends at the final state.
async fn assert_never_over_capacity(
    app: &TestApp,
    brand: ebb_core::BrandId,
    caps: &[(ebb_core::ExpertId, u32)],
) {
    use ebb_core::Event;
    use std::collections::HashMap;
    let mut conn = app.store().conn().await.expect("conn");
    let kinds = ["assigned", "snoozed", "closed", "woken", "released"];
    let log = ebb_store::events::brand_log(&mut conn, brand, &kinds)
        .await
        .expect("log");
    let mut holder = HashMap::new();
    let mut held: HashMap<ebb_core::ExpertId, u32> = HashMap::new();
    let mut assignments = 0;
    for logged in &log {
        match logged.entry.event {
            Event::Assigned { expert, .. } => {
                assert!(
                    holder.insert(logged.conversation, expert).is_none(),
                    "double assignment"
                );
                let n = held.entry(expert).or_default();
                *n += 1;
                let cap = caps
                    .iter()
                    .find(|(e, _)| *e == expert)
                    .map(|(_, c)| *c)
                    .expect("cap");
                assert!(
                    *n <= cap,
                    "{}: expert over capacity at pos {}",
                    app.backend,
                    logged.pos
                );
                assignments += 1;
            }
            Event::Snoozed { .. } | Event::Closed { .. } => {
                if let Some(e) = holder.remove(&logged.conversation) {
                    *held.entry(e).or_default() -= 1;
                }
            }
            _ => {}
        }
    }
    assert!(assignments > 0, "the race exercised assignments");
    for (expert, _) in caps {
        let final_held = ebb_store::conversations::for_expert(&mut conn, brand, *expert)
            .await
            .expect("list")
            .iter()
            .filter(|c| c.state.slot_holder() == Some(*expert))
            .count();
        assert_eq!(
            held.get(expert).copied().unwrap_or(0) as usize,
            final_held,
            "{}",
            app.backend
        );
    }
}

/// The race really raced: requests to the two servers overlapped, twin closes split into
/// one winner and one loser (never two winners), and nothing failed outright.
fn assert_contended(backend: &str, tally: &Tally) {
    eprintln!("{backend}: race outcomes {tally:?}");
    assert_eq!(
        tally.double_wins, 0,
        "{backend}: a conversation closed twice: {tally:?}"
    );
    assert_eq!(
        tally.failed, 0,
        "{backend}: racing requests failed: {tally:?}"
    );
    assert!(
        tally.raced_twins >= 4,
        "{backend}: too few twin closes raced and lost to their twin: {tally:?}"
    );
    assert!(
        tally.overlapping >= 500,
        "{backend}: requests to the two servers barely overlapped: {tally:?}"
    );
    assert!(
        tally.succeeded >= 40,
        "{backend}: too few requests won: {tally:?}"
    );
}

#[tokio::test]
async fn racing_requests_on_two_servers_never_overfill_a_slot() {
    for app in spawn_apps().await {
        let brand = app.brand("acme").await;
        let mut experts = Vec::new();
        for name in ["ada", "bob", "cy"] {
            experts.push(app.expert(&brand, name, 2, ExpertStatus::Available).await);
        }
        let (twin, _twin_guard) = app.twin().await;
        let bases = [app.base.clone(), twin];
        let mut visitors = Vec::new();
        for _ in 0..24 {
            visitors.push(app.visitor(&brand).await);
        }
        let client = app.http.clone();
        let send = |i: usize, method: Method, path: String, token: String, body: Value| {
            let client = client.clone();
            let server = i % 2;
            let url = format!("{}{path}", bases[server]);
            let twin = Some(path.clone()).filter(|p| p.ends_with("/close"));
            async move {
                let started = std::time::Instant::now();
                let answer = client
                    .request(method, url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await;
                Outcome {
                    status: answer.ok().map(|r| r.status().as_u16()),
                    server,
                    twin,
                    started,
                    ended: std::time::Instant::now(),
                }
            }
        };
        let mut outcomes: Vec<Outcome> = Vec::new();
        // Every visitor writes at once, through either server.
        let started = join_all(visitors.iter().enumerate().map(|(i, v)| {
            let body = json!({"body": format!("hello {i}"), "client_msg_id": format!("c{i}")});
            send(
                i,
                Method::POST,
                "/api/v1/widget/acme/conversations".into(),
                v.clone(),
                body,
            )
        }))
        .await;
        outcomes.extend(started);
        for round in 0..4 {
            // Experts snooze or close what they hold, flip their status, visitors reply.
            let mut ops = Vec::new();
            for (k, (_, token)) in experts.iter().enumerate() {
                let (_, panel) = app.get("/api/v1/expert/conversations", token).await;
                for (j, c) in panel["conversations"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let id = c["id"].as_str().unwrap_or_default().to_owned();
                    let (path, body) = if (j + round) % 3 == 0 {
                        // The same close through the other server too: one must lose.
                        let path = format!("/api/v1/expert/conversations/{id}/close");
                        let twin = send(
                            j + k + 1,
                            Method::POST,
                            path.clone(),
                            token.clone(),
                            json!({}),
                        );
                        ops.push(twin);
                        (path, json!({}))
                    } else {
                        (
                            format!("/api/v1/expert/conversations/{id}/snooze"),
                            json!({"choice": {"kind": "three_hours"}}),
                        )
                    };
                    ops.push(send(j + k, Method::POST, path, token.clone(), body));
                }
                let status = if (k + round) % 2 == 0 {
                    "away"
                } else {
                    "available"
                };
                ops.push(send(
                    k,
                    Method::PUT,
                    "/api/v1/expert/status".into(),
                    token.clone(),
                    json!({"status": status}),
                ));
                ops.push(send(
                    k + 1,
                    Method::PUT,
                    "/api/v1/expert/status".into(),
                    token.clone(),
                    json!({"status": "available"}),
                ));
            }
            for (i, v) in visitors.iter().enumerate() {
                let (_, list) = app.get("/api/v1/widget/acme/conversations", v).await;
                if let Some(id) = list["conversations"][0]["id"].as_str() {
                    let path = format!("/api/v1/widget/acme/conversations/{id}/messages");
                    ops.push(send(
                        i,
                        Method::POST,
                        path,
                        v.clone(),
                        json!({"body": format!("r{round}")}),
                    ));
                }
            }
            outcomes.extend(join_all(ops).await);
            app.advance(Duration::hours(4)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let caps: Vec<_> = experts.iter().map(|(e, _)| (e.id, e.capacity)).collect();
        assert_never_over_capacity(&app, brand.id, &caps).await;
        assert_contended(app.backend, &Tally::of(&outcomes));
        app.finish().await;
    }
}
