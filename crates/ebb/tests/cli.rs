//! The binary's command line: refusals that protect production, and `ebb config`.

use std::process::Command;

fn ebb(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run ebb")
}

#[test]
fn the_test_clock_is_refused_in_production() {
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().to_str().expect("utf-8 path");
    let out = ebb(&[
        "serve",
        "--test-clock",
        "--production",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        dir,
    ]);
    assert!(!out.status.success(), "must not start");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--test-clock is refused with --production"),
        "{stderr}"
    );
}

#[test]
fn config_redacts_the_database_password() {
    let out = ebb(&[
        "config",
        "--database-url",
        "postgres://ebb:s3cret@db.internal/ebb",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("database_url = postgres://***@db.internal/ebb"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret"));
}
