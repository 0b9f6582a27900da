//! Routing under racing requests from two servers on one database: replaying the event log
//! in commit order, no expert ever held more conversations than their capacity.

use ebb_core::ExpertStatus;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, spawn_apps};

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
            let url = format!("{}{path}", bases[i % 2]);
            async move {
                let _ = client
                    .request(method, url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await;
            }
        };
        // Every visitor writes at once, through either server.
        join_all(visitors.iter().enumerate().map(|(i, v)| {
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
        for round in 0..4 {
            // Experts snooze or close what they hold, flip their status, visitors reply.
            let mut ops = Vec::new();
            for (k, (_, token)) in experts.iter().enumerate() {
                let (_, panel) = app
                    .call(
                        Method::GET,
                        "/api/v1/expert/conversations",
                        Some(token),
                        None,
                    )
                    .await;
                for (j, c) in panel["conversations"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let id = c["id"].as_str().unwrap_or_default().to_owned();
                    let (path, body) = if (j + round) % 3 == 0 {
                        (
                            format!("/api/v1/expert/conversations/{id}/close"),
                            json!({}),
                        )
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
                let (_, list) = app
                    .call(
                        Method::GET,
                        "/api/v1/widget/acme/conversations",
                        Some(v),
                        None,
                    )
                    .await;
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
            join_all(ops).await;
            app.advance(Duration::hours(4)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let caps: Vec<_> = experts.iter().map(|(e, _)| (e.id, e.capacity)).collect();
        assert_never_over_capacity(&app, brand.id, &caps).await;
        app.finish().await;
    }
}
