//! What the operations guide ships: the systemd unit `docs/ebb.service` (the one shown in
//! `docs/operations.md`, its `ExecStart` accepted by the real binary, verified by
//! `systemd-analyze` where installed) and the metrics listener (`--metrics-listen`).

use std::process::Command;

use process::{Ebb, answers, free_port};

mod process;

const UNIT: &str = include_str!("../../../docs/ebb.service");
const GUIDE: &str = include_str!("../../../docs/operations.md");

/// The `key=value` lines of `section` in the unit.
fn section(name: &str) -> Vec<(&'static str, &'static str)> {
    let header = format!("[{name}]");
    UNIT.lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .collect()
}

#[test]
fn the_guide_shows_the_shipped_unit_file() {
    assert!(
        GUIDE.contains(&format!("```ini\n{UNIT}```")),
        "docs/operations.md must show docs/ebb.service verbatim"
    );
}

#[test]
fn the_unit_sets_the_documented_service_options() {
    let service = section("Service");
    for key in [
        "User",
        "StateDirectory",
        "EnvironmentFile",
        "ExecStart",
        "LimitNOFILE",
        "NoNewPrivileges",
        "ProtectSystem",
    ] {
        assert!(service.iter().any(|(k, _)| *k == key), "{key} missing");
    }
    let value = |key: &str| service.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    assert_eq!(value("Restart"), Some("on-failure"));
    assert_eq!(value("NoNewPrivileges"), Some("yes"));
    assert_eq!(value("ProtectSystem"), Some("strict"));
    assert_eq!(section("Install"), [("WantedBy", "multi-user.target")]);
}

#[test]
fn the_units_exec_start_is_accepted_by_ebb_serve() {
    let exec = section("Service")
        .into_iter()
        .find(|(k, _)| *k == "ExecStart")
        .map(|(_, v)| v)
        .expect("ExecStart");
    let words: Vec<&str> = exec.split_whitespace().collect();
    assert_eq!(words.get(1), Some(&"serve"), "{exec}");
    let data_dir = section("Service")
        .into_iter()
        .find(|(k, _)| *k == "StateDirectory")
        .map(|(_, v)| format!("/var/lib/{v}"));
    let at = words.iter().position(|w| *w == "--data-dir");
    assert_eq!(
        at.and_then(|i| words.get(i + 1)).copied(),
        data_dir.as_deref()
    );
    // `ebb config` takes exactly the flags of `ebb serve` and checks them without serving.
    let out = Command::new(env!("CARGO_BIN_EXE_ebb"))
        .arg("config")
        .args(&words[2..])
        .env_clear()
        .output()
        .expect("run ebb config");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{exec}: {stderr}");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("production = true"), "{printed}");
}

#[test]
fn systemd_analyze_verifies_the_unit() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed; skipping its verification");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    // The binary the unit names is not installed here: point it at the one just built.
    let unit = UNIT.replace("/usr/local/bin/ebb", env!("CARGO_BIN_EXE_ebb"));
    let path = dir.path().join("ebb.service");
    std::fs::write(&path, unit).expect("write unit");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("run systemd-analyze");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
}

#[tokio::test]
async fn metrics_are_served_on_the_metrics_listener_only() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let metrics = format!("127.0.0.1:{}", free_port());
    let args = [
        "--demo".as_ref(),
        "--metrics-listen".as_ref(),
        metrics.as_ref(),
    ]
    .into_iter()
    .chain(["--data-dir".as_ref(), data.path().as_os_str()]);
    let ebb = Ebb::spawn::<&std::ffi::OsStr>(free_port(), args, "error", true);
    assert!(answers(&ebb.base, "/readyz", "", 600).await, "not ready");
    let metrics = format!("http://{metrics}");
    assert!(
        answers(&metrics, "/metrics", "", 200).await,
        "the metrics listener serves /metrics"
    );
    let scraped = reqwest::get(format!("{metrics}/metrics"))
        .await
        .expect("scrape");
    let kind = scraped.headers().get("content-type").cloned();
    assert_eq!(
        kind.as_ref().and_then(|v| v.to_str().ok()),
        Some("text/plain; version=0.0.4")
    );
    let public = reqwest::get(format!("{}/metrics", ebb.base))
        .await
        .expect("public /metrics");
    assert_eq!(public.status(), reqwest::StatusCode::NOT_FOUND);
    let other = reqwest::get(format!("{metrics}/api/v1/widget/demo"))
        .await
        .expect("metrics listener");
    assert_eq!(
        other.status(),
        reqwest::StatusCode::NOT_FOUND,
        "only /metrics"
    );
}
