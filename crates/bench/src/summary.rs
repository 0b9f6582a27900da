//! `ebb-bench summary`: reads the JSON results of a run and prints the Markdown table of
//! BENCHMARKS.md: each target, what Ebb measured, the machine's baseline, the ratio.

use std::path::Path;

use serde_json::Value;

fn load(dir: &Path, name: &str) -> Value {
    std::fs::read(dir.join(format!("{name}.json")))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

fn num(v: &Value, at: &str) -> Option<f64> {
    v.pointer(at).and_then(Value::as_f64)
}

fn fmt(v: Option<f64>, unit: &str) -> String {
    v.map_or("not measured".into(), |x| {
        format!("{x:.2} {unit}").trim().to_owned()
    })
}

fn row(
    what: &str,
    ebb: Option<f64>,
    unit: &str,
    base: Option<(f64, &str)>,
    target: &str,
    ok: Option<bool>,
) {
    let (base_text, ratio) = match (ebb, base) {
        (Some(e), Some((b, label))) if b > 0.0 => {
            (format!("{b:.2} ({label})"), format!("{:.2}", e / b))
        }
        (_, Some((b, label))) => (format!("{b:.2} ({label})"), "-".into()),
        _ => ("-".into(), "-".into()),
    };
    let status = match ok {
        Some(true) => "met",
        Some(false) => "**not met**",
        None if ebb.is_none() => "not measured",
        None => "-",
    };
    println!(
        "| {what} | {} | {base_text} | {ratio} | {target} | {status} |",
        fmt(ebb, unit)
    );
}

/// Prints the summary table of the results in `dir`.
pub fn print(dir: &Path) {
    let base = load(dir, "baseline");
    let (chat, tp, tpg) = (
        load(dir, "chat-sqlite-2000"),
        load(dir, "throughput-sqlite"),
        load(dir, "throughput-postgres"),
    );
    let (crowd, routing, snooze, widget) = (
        load(dir, "crowd-sqlite"),
        load(dir, "routing-sqlite"),
        load(dir, "snooze-sqlite"),
        load(dir, "widget"),
    );
    println!("| target | Ebb | baseline (same run) | Ebb / baseline | target | status |");
    println!("|---|---|---|---|---|---|");
    let commit_p99 = num(&base, "/sqlite/single_commit/p99_ms");
    let v2e = num(&chat, "/step/visitor_to_expert/p99_ms");
    let rate = num(&chat, "/rate").unwrap_or(0.0);
    row(
        &format!("p99 visitor->expert @ {rate:.0} msg/s (SQLite)"),
        v2e,
        "ms",
        commit_p99.map(|b| (b, "1-row commit p99")),
        "<= 1.5x commit p99",
        v2e.zip(commit_p99).map(|(e, b)| e <= 1.5 * b),
    );
    row(
        "p99 expert->visitor (same run)",
        num(&chat, "/step/expert_to_visitor/p99_ms"),
        "ms",
        num(&base, "/echo_round_trip/p99_ms").map(|b| (b, "bare echo RTT p99")),
        "-",
        None,
    );
    let sq = num(&tp, "/sustained_acked_per_sec");
    row(
        "durable msg/s, SQLite (ack p99 < 50 ms)",
        sq,
        "/s",
        num(&base, "/sqlite/batch100_rows_per_sec").map(|b| (b, "100-row batches rows/s")),
        ">= 20000/s",
        tp.is_object().then(|| sq.unwrap_or(0.0) >= 20_000.0),
    );
    row(
        "  same vs 1-row commits",
        sq,
        "/s",
        num(&base, "/sqlite/single_commits_per_sec").map(|b| (b, "1-row commits/s")),
        "-",
        None,
    );
    let pg = num(&tpg, "/sustained_acked_per_sec");
    row(
        "durable msg/s, PostgreSQL",
        pg,
        "/s",
        num(&base, "/postgres/inserts_per_sec").map(|b| (b, "64-client inserts/s")),
        ">= 10000/s",
        tpg.is_object().then(|| pg.unwrap_or(0.0) >= 10_000.0),
    );
    let kib = num(&crowd, "/ebb/kib_per_conn");
    row(
        "idle visitor connection RSS",
        kib,
        "KiB",
        num(&crowd, "/echo/kib_per_conn").map(|b| (b, "bare echo KiB/conn")),
        "<= 8 KiB",
        kib.map(|k| k <= 8.0),
    );
    let route = num(&routing, "/slot_freed_to_assignment/p99_ms");
    let queued = num(&routing, "/queued").unwrap_or(0.0);
    row(
        &format!("slot freed -> assignment p99 ({queued:.0} queued)"),
        route,
        "ms",
        None,
        "<= 10 ms",
        route.map(|r| r <= 10.0),
    );
    let late = num(&snooze, "/lateness/p99_ms");
    let n = num(&snooze, "/snoozed").unwrap_or(0.0);
    row(
        &format!("snooze wake lateness p99 ({n:.0} pending)"),
        late,
        "ms",
        None,
        "< 100 ms",
        late.map(|l| l < 100.0),
    );
    let wakes = num(&snooze, "/wakes_per_sec_until_last");
    row(
        "snooze wakes/s",
        wakes,
        "/s",
        None,
        ">= 50000/s",
        wakes.map(|w| w >= 50_000.0),
    );
    let gz = num(&widget, "/gzip_bytes");
    row(
        "widget, gzipped",
        gz,
        "B",
        None,
        "< 15000 B",
        gz.map(|g| g < 15_000.0),
    );
}
