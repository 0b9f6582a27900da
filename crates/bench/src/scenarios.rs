//! Each scenario end to end: start the server under test, run the load, print the table,
//! write `<out>/<scenario>.json`, stop the server.

use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;

use crate::api::{self, Ebb};
use crate::chat::{Chat, Step};
use crate::procstat::{CpuMeter, open_files, peak_rss_kib, rss_kib};
use crate::report::{Latency, latency_header, ratio, table, write_json};
use crate::server::{self, Db, Spawned};
use crate::{Target, baseline, crowd, routing, search, snooze, widget};

fn db_of(target: &Target) -> Db {
    target.postgres.clone().map_or(Db::Sqlite, Db::Postgres)
}

fn named(target: &Target, scenario: &str) -> String {
    let db = if target.postgres.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    format!("{scenario}-{db}")
}

async fn start(target: &Target) -> anyhow::Result<(Spawned, Ebb)> {
    let srv = server::start_ebb(&target.ebb, &db_of(target), &[]).await?;
    let ebb = Ebb::new(&srv.base)?;
    Ok((srv, ebb))
}

fn step_rows(step: &Step) -> Vec<String> {
    vec![
        latency_header(),
        step.ack.row("send -> 201 (durable ack)"),
        step.visitor_to_expert.row("visitor -> expert WS"),
        step.expert_to_visitor.row("expert -> visitor WS"),
        format!(
            "offered {}/s, acked {:.0}/s, errors {}, backlog {}, undelivered {}{}",
            step.offered_per_sec,
            step.acked_per_sec,
            step.errors,
            step.backlog,
            step.undelivered,
            step.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        ),
    ]
}

/// Scenario 1.
pub async fn chat(target: &Target, visitors: usize, rate: u64, secs: u64) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let chat = Chat::setup(&ebb, &srv.ws_base(), visitors).await?;
    let rss_before = rss_kib(srv.pid);
    let cpu = CpuMeter::start(srv.pid);
    let client_cpu = CpuMeter::start(std::process::id());
    let step = chat.drive(0, rate, secs).await;
    let (cores, client_cores) = (cpu.cores(), client_cpu.cores());
    let (rss, peak) = (rss_kib(srv.pid), peak_rss_kib(srv.pid));
    let mut rows = step_rows(&step);
    rows.push(format!(
        "server: {cores:.2} cores, RSS {rss_before} -> {rss} KiB (peak {peak}); client {client_cores:.2} cores; {} conversations",
        chat.conversations()
    ));
    let name = format!("{}-{rate}", named(target, "chat"));
    table(&name, &rows);
    let value = json!({"scenario": name, "visitors": chat.conversations(), "rate": rate, "secs": secs,
        "step": step, "server_cores": cores, "client_cores": client_cores,
        "server_rss_before_kib": rss_before, "server_rss_kib": rss, "server_peak_rss_kib": peak});
    write_json(&target.out, &name, &value)?;
    chat.stop();
    srv.stop().await
}

/// Scenario 2.
pub async fn throughput(
    target: &Target,
    visitors: usize,
    rates: &[u64],
    step_secs: u64,
    p99_ms: f64,
) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let chat = Chat::setup(&ebb, &srv.ws_base(), visitors).await?;
    let mut rows = vec![format!(
        "{:>8} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7} {:>6}",
        "offered", "acked/s", "ack p50", "ack p99", "v->e p99", "errors", "backlog", "cores"
    )];
    let mut steps = Vec::new();
    let mut best: Option<(u64, f64)> = None;
    for (i, &rate) in rates.iter().enumerate() {
        let cpu = CpuMeter::start(srv.pid);
        let step = chat.drive(i as u64, rate, step_secs).await;
        let cores = cpu.cores();
        let pass = step.ack.p99_ms < p99_ms
            && step.errors == 0
            && step.backlog == 0
            && step.acked_per_sec >= 0.95 * rate as f64;
        rows.push(format!(
            "{rate:>8} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {cores:>6.2} {}",
            step.acked_per_sec,
            step.ack.p50_ms,
            step.ack.p99_ms,
            step.visitor_to_expert.p99_ms,
            step.errors,
            step.backlog,
            if pass { "ok" } else { "FAIL" }
        ));
        steps.push(json!({"step": step, "server_cores": cores, "pass": pass}));
        if !pass {
            break;
        }
        best = Some((rate, step.acked_per_sec));
    }
    let name = named(target, "throughput");
    rows.push(match best {
        Some((rate, acked)) => {
            format!("sustained: {rate}/s offered ({acked:.0}/s acked) with ack p99 < {p99_ms} ms")
        }
        None => format!("no rate held ack p99 < {p99_ms} ms"),
    });
    table(&name, &rows);
    let value = json!({"scenario": name, "visitors": chat.conversations(), "step_secs": step_secs,
        "p99_bound_ms": p99_ms, "steps": steps, "sustained_offered_per_sec": best.map(|b| b.0),
        "sustained_acked_per_sec": best.map(|b| b.1)});
    write_json(&target.out, &name, &value)?;
    chat.stop();
    srv.stop().await
}

/// Holds `urls` open from client processes; (connected, failed, set-up secs, RSS delta KiB).
async fn hold_crowd(pid: u32, urls: &[String]) -> anyhow::Result<(usize, usize, f64, u64, usize)> {
    let before = rss_kib(pid);
    let (connected, failed, secs, children) = crowd::connect_all(urls, 600).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let files = open_files(pid);
    drop(children);
    Ok((connected, failed, secs, after.saturating_sub(before), files))
}

/// Scenario 3 (Ebb) beside the same crowd on the bare echo server.
pub async fn crowd(target: &Target, conns: usize) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let limit = std::fs::read_to_string(format!("/proc/{}/limits", srv.pid)).unwrap_or_default();
    let files_cap = limit
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap_or("")
        .to_owned();
    let mut urls = Vec::with_capacity(conns);
    let mut tokens = futures_util::stream::iter(0..conns)
        .map(|_| ebb.visitor())
        .buffer_unordered(32);
    while let Some(token) = tokens.next().await {
        urls.push(format!(
            "{}/ws?brand={}&token={}",
            srv.ws_base(),
            api::BRAND,
            token?
        ));
    }
    drop(tokens);
    let admin = ebb.admin_login().await?;
    let presence = presence_counter(&format!("{}/ws?token={admin}", srv.ws_base())).await?;
    let (connected, failed, secs, delta, files) = hold_crowd(srv.pid, &urls).await?;
    let online = presence.await.unwrap_or(0);
    srv.stop().await?;
    let echo = server::start_echo().await?;
    let echo_urls = vec![format!("{}/echo", echo.ws_base()); conns];
    let (e_conn, e_failed, e_secs, e_delta, _) = hold_crowd(echo.pid, &echo_urls).await?;
    echo.stop().await?;
    let per = |delta: u64, n: usize| ratio(delta as f64, n as f64);
    let rows = vec![
        format!(
            "{:<12} {:>9} {:>7} {:>12} {:>11} {:>9}",
            "server", "connected", "failed", "set-up /s", "KiB/conn", "presence"
        ),
        format!(
            "{:<12} {connected:>9} {failed:>7} {:>12.0} {:>11.2} {online:>9}",
            "ebb",
            connected as f64 / secs,
            per(delta, connected)
        ),
        format!(
            "{:<12} {e_conn:>9} {e_failed:>7} {:>12.0} {:>11.2} {:>9}",
            "bare echo",
            e_conn as f64 / e_secs,
            per(e_delta, e_conn),
            "-"
        ),
        format!("ebb open files with the crowd: {files}; {files_cap}"),
    ];
    let name = named(target, "crowd");
    table(&name, &rows);
    let value = json!({"scenario": name, "ebb": {"connected": connected, "failed": failed, "setup_per_sec": connected as f64 / secs,
        "rss_delta_kib": delta, "kib_per_conn": per(delta, connected), "presence_online_frames": online, "open_files": files},
        "echo": {"connected": e_conn, "failed": e_failed, "setup_per_sec": e_conn as f64 / e_secs,
        "rss_delta_kib": e_delta, "kib_per_conn": per(e_delta, e_conn)}, "files_limit": files_cap});
    write_json(&target.out, &name, &value)
}

/// Counts `presence` online frames on an admin socket until 10 s pass without one.
async fn presence_counter(url: &str) -> anyhow::Result<tokio::task::JoinHandle<usize>> {
    let ws = api::ws_connect(url).await?;
    let (write, mut read) = ws.split();
    Ok(tokio::spawn(async move {
        let _keep = write;
        let mut online = 0;
        let deadline = Instant::now() + Duration::from_secs(900);
        while Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_secs(10), api::next_json(&mut read)).await {
                Ok(Some(v)) if v["type"] == "presence" && v["online"] == true => online += 1,
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        online
    }))
}

/// Scenario 4.
pub async fn routing(target: &Target, queued: usize, rounds: usize) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let (lat, setup) = routing::run(&ebb, &srv.ws_base(), queued, rounds).await?;
    let name = named(target, "routing");
    table(
        &name,
        &[
            latency_header(),
            lat.row("close -> next assignment"),
            format!("{queued} queued (set up in {setup:.1} s); target p99 < 10 ms"),
        ],
    );
    let value = json!({"scenario": name, "queued": queued, "rounds": rounds,
        "slot_freed_to_assignment": lat, "setup_secs": setup});
    // Also kept per queue size, so runs at several sizes show how queueing scales.
    write_json(&target.out, &format!("{name}-{queued}"), &value)?;
    write_json(&target.out, &name, &value)?;
    srv.stop().await
}

/// Scenario 5.
pub async fn snooze(target: &Target, conversations: usize) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let value = snooze::run(&ebb, &srv.ws_base(), srv.pid, conversations).await?;
    let lat: Latency = serde_json::from_value(value["lateness"].clone()).unwrap_or_default();
    let name = named(target, "snooze");
    table(
        &name,
        &[
            latency_header(),
            lat.row("wake lateness"),
            format!(
                "{} snoozed, {} woken, {:.0} wakes/s; RSS {} KiB before, {} KiB pending",
                value["snoozed"],
                value["woken"],
                value["wakes_per_sec_until_last"].as_f64().unwrap_or(0.0),
                value["rss_before_snoozes_kib"],
                value["rss_with_snoozes_pending_kib"]
            ),
        ],
    );
    write_json(&target.out, &name, &value)?;
    srv.stop().await
}

/// Scenario 6.
pub async fn widget(target: &Target) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let (rows, value) = widget::measure(&ebb).await?;
    table("widget", &rows);
    write_json(&target.out, "widget", &value)?;
    srv.stop().await
}

/// The baselines: bare SQLite and PostgreSQL inserts, bare echo latency and idle memory.
pub async fn baseline(
    out: &Path,
    postgres: Option<&str>,
    secs: u64,
    load: (usize, u64),
    idle: usize,
) -> anyhow::Result<()> {
    let sqlite = baseline::sqlite_inserts(secs).await?;
    let pg = match postgres {
        Some(url) => Some(baseline::pg_inserts(url, 64, secs).await?),
        None => None,
    };
    let echo = server::start_echo().await?;
    let echo_lat = baseline::echo_latency(&echo.ws_base(), load.0, load.1, secs).await?;
    let urls = vec![format!("{}/echo", echo.ws_base()); idle];
    let (connected, _, setup, delta, _) = hold_crowd(echo.pid, &urls).await?;
    echo.stop().await?;
    let mut rows = vec![
        latency_header(),
        sqlite.single_commit.row("sqlite 1-row commit"),
        echo_lat.row(&format!("echo round trip @{}/s", load.1)),
    ];
    if let Some(pg) = &pg {
        rows.push(
            pg.insert
                .row(&format!("pg insert ({} clients)", pg.clients)),
        );
    }
    rows.push(format!(
        "sqlite: {:.0} commits/s (1 row), {:.0} rows/s (100-row batches); pg: {}",
        sqlite.single_commits_per_sec,
        sqlite.batch100_rows_per_sec,
        pg.as_ref().map_or("-".into(), |p| format!(
            "{:.0} inserts/s",
            p.inserts_per_sec
        ))
    ));
    rows.push(format!(
        "echo idle: {connected} conns, {:.2} KiB/conn, {:.0} conns/s",
        ratio(delta as f64, connected as f64),
        connected as f64 / setup
    ));
    table("baseline", &rows);
    let value = json!({"sqlite": sqlite, "postgres": pg, "echo_round_trip": echo_lat, "echo_rate": load.1,
        "echo_conns": load.0, "echo_idle": {"connected": connected, "rss_delta_kib": delta,
        "kib_per_conn": ratio(delta as f64, connected as f64), "setup_per_sec": connected as f64 / setup}});
    write_json(out, "baseline", &value)
}

/// Scenario 7: search latency over `messages` seeded messages.
pub async fn search(target: &Target, messages: usize, rounds: usize) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let m = search::run(&ebb, messages, rounds).await?;
    let name = named(target, "search");
    let mut rows = vec![latency_header()];
    rows.extend(m.rows.iter().map(|(label, lat)| lat.row(label)));
    rows.push(format!(
        "{} messages seeded over the API in {:.1} s",
        m.messages, m.seed_secs
    ));
    table(&name, &rows);
    let queries: serde_json::Map<String, serde_json::Value> = m
        .rows
        .iter()
        .map(|(label, lat)| (label.clone(), json!(lat)))
        .collect();
    let value = json!({"scenario": name, "messages": m.messages, "seed_secs": m.seed_secs,
        "rounds": rounds, "queries": queries});
    write_json(&target.out, &name, &value)?;
    srv.stop().await
}

/// A seconds-long run for CI: fails when a message is lost or refused.
pub async fn smoke(target: &Target) -> anyhow::Result<()> {
    let (srv, ebb) = start(target).await?;
    let chat = Chat::setup(&ebb, &srv.ws_base(), 10).await?;
    let step = chat.drive(0, 40, 2).await;
    chat.stop();
    table("smoke chat", &step_rows(&step));
    srv.stop().await?;
    let (srv, ebb) = start(target).await?;
    let (lat, _) = routing::run(&ebb, &srv.ws_base(), 5, 3).await?;
    table(
        "smoke routing",
        &[latency_header(), lat.row("close -> next assignment")],
    );
    let (rows, _) = widget::measure(&ebb).await?;
    table("smoke widget", &rows);
    let found = search::run(&ebb, 200, 3).await?;
    let mut rows = vec![latency_header()];
    rows.extend(found.rows.iter().map(|(label, lat)| lat.row(label)));
    table("smoke search", &rows);
    srv.stop().await?;
    anyhow::ensure!(
        step.errors == 0 && step.undelivered == 0 && step.backlog == 0,
        "smoke run lost or refused messages"
    );
    Ok(())
}
