//! The binary's command line: refusals that protect production, `ebb config`, and
//! provisioning a real brand (`ebb brand create`, `ebb admin create`, `ebb admin
//! reset-password`) on SQLite and PostgreSQL, then logging in to `ebb serve` over HTTP;
//! `ebb serve` raising its open-file limit.

mod process;
#[path = "cli/server.rs"]
mod server;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use ebb_store::testing::{self, TestDb};
use server::Server;

fn ebb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run ebb")
}

/// Runs `ebb args.. <db flags>` with `stdin` written to its standard input.
fn ebb_on(db: &TestDb, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(args)
        .args(db.binary_args())
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ebb");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("ebb output")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one line a failed command printed, after checking it failed with exactly one line.
fn failure(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{what}: must fail; stderr {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{what}: one line: {stderr}"
    );
    stderr.trim_end().to_owned()
}

/// The generated password a command printed (`password: ...` on standard output).
fn generated_password(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a generated password")
        .to_owned()
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

/// Runs `ebb args..` that must exit by itself; a server that starts instead is stopped
/// and fails the test.
fn ebb_refused(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(args)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ebb");
    for _ in 0..300 {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("ebb output");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("ebb output");
    panic!(
        "ebb {} started instead of refusing: {out:?}",
        args.join(" ")
    );
}

#[test]
fn the_demo_is_refused_in_production() {
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().to_str().expect("utf-8 path");
    let flags = ["--production", "--listen", "127.0.0.1:0", "--data-dir", dir];
    for command in [vec!["serve", "--demo"], vec!["demo"]] {
        let out = ebb_refused(&[command.as_slice(), &flags].concat());
        let line = failure(&out, &command.join(" "));
        assert!(
            line.contains("--demo is refused with --production"),
            "{line}"
        );
    }
}

#[test]
fn config_redacts_the_database_password_and_the_operator_token() {
    let out = ebb(&[
        "config",
        "--database-url",
        "postgres://ebb:s3cret@db.internal/ebb",
        "--operator-token",
        "op-s3cret",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("database_url = postgres://***@db.internal/ebb"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret"));
    assert!(
        stdout.contains("operator_token = (set, redacted)"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_provisioned_admin_logs_in_and_a_reset_ends_the_old_password_and_sessions() {
    ebb_server::install_crypto_provider();
    for db in testing::backends().await {
        let name = db.name;
        let created = ebb_on(
            &db,
            &["brand", "create", "--slug", "acme", "--name", "Acme"],
            None,
        );
        assert!(created.status.success(), "{name}: {created:?}");
        let brand_id = stdout(&created).trim().to_owned();
        assert!(
            uuid::Uuid::parse_str(&brand_id).is_ok(),
            "{name}: {brand_id}"
        );

        let admin = [
            "admin",
            "create",
            "--brand",
            "acme",
            "--email",
            "Ann@Acme.test",
            "--name",
            "Ann",
            "--password-stdin",
        ];
        let out = ebb_on(&db, &admin, Some(b"correct horse battery\n"));
        assert!(out.status.success(), "{name}: {out:?}");
        assert!(
            !stdout(&out).contains("password"),
            "{name}: a given password is not shown"
        );

        let server = Server::start(&db).await;
        let (status, token) = server
            .log_in("acme", "ann@acme.test", "correct horse battery")
            .await;
        assert_eq!(status, 201, "{name}: the new admin logs in");
        let old_token = token.expect("token");
        let (status, me) = server.me(&old_token).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            (me["brand"]["id"].as_str(), me["brand"]["slug"].as_str()),
            (Some(brand_id.as_str()), Some("acme")),
            "{name}"
        );
        assert_eq!(
            me["admin"]["email"], "ann@acme.test",
            "{name}: e-mail lowercased"
        );

        let reset = [
            "admin",
            "reset-password",
            "--brand",
            "acme",
            "--email",
            "ann@acme.test",
        ];
        let new_password = generated_password(&ebb_on(&db, &reset, None));
        let (status, _) = server
            .log_in("acme", "ann@acme.test", "correct horse battery")
            .await;
        assert_eq!(status, 401, "{name}: the old password no longer works");
        assert_eq!(
            server.me(&old_token).await.0,
            401,
            "{name}: the old session ended"
        );
        let (status, token) = server.log_in("acme", "ann@acme.test", &new_password).await;
        assert_eq!(status, 201, "{name}: the generated password works");
        assert_eq!(server.me(&token.expect("token")).await.0, 200, "{name}");
        drop(server);
        db.finish().await;
    }
}

#[tokio::test]
async fn provisioning_mistakes_fail_with_one_clear_line() {
    for db in testing::backends().await {
        let name = db.name;
        let brand = |slug: &'static str, title: &'static str| {
            ebb_on(
                &db,
                &["brand", "create", "--slug", slug, "--name", title],
                None,
            )
        };
        assert!(brand("acme", "Acme").status.success(), "{name}");
        let admin = |email: &'static str, who: &'static str, stdin: &[u8]| {
            let args = [
                "admin", "create", "--brand", "acme", "--email", email, "--name", who,
            ];
            ebb_on(
                &db,
                &[args.as_slice(), &["--password-stdin"]].concat(),
                Some(stdin),
            )
        };
        assert!(
            admin("ann@acme.test", "Ann", b"correct horse battery")
                .status
                .success()
        );
        let reset = |slug: &'static str, email: &'static str, stdin: Option<&[u8]>| {
            let args = ["admin", "reset-password", "--brand", slug, "--email", email];
            let flags: &[&str] = if stdin.is_some() {
                &["--password-stdin"]
            } else {
                &[]
            };
            ebb_on(&db, &[args.as_slice(), flags].concat(), stdin)
        };

        let cases: Vec<(&str, Output, &str)> = vec![
            (
                "taken slug",
                brand("acme", "Another"),
                "another brand already uses this slug",
            ),
            ("bad slug", brand("Acme Co", "Acme"), "the slug must be"),
            (
                "control character in a name",
                brand("bell", "Ac\u{7}me"),
                "the name must not contain control characters",
            ),
            (
                "taken e-mail",
                admin("ANN@acme.test", "Ann again", b"correct horse battery"),
                "an admin with this e-mail address already exists",
            ),
            (
                "bad e-mail",
                admin("ann-at-acme", "Ann", b"correct horse battery"),
                "the email must be an e-mail address",
            ),
            (
                "weak password",
                admin("bob@acme.test", "Bob", b"too short\n"),
                "the password must be 10 to 256 characters",
            ),
            (
                "NUL byte in a password",
                admin("bob@acme.test", "Bob", b"correct\0horse battery"),
                "the password must not contain control characters",
            ),
            (
                "unknown brand",
                ebb_on(
                    &db,
                    &[
                        "admin",
                        "create",
                        "--brand",
                        "nope",
                        "--email",
                        "c@acme.test",
                        "--name",
                        "C",
                    ],
                    None,
                ),
                "brand with this slug not found",
            ),
            (
                "reset in an unknown brand",
                reset("nope", "ann@acme.test", None),
                "brand with this slug not found",
            ),
            (
                "reset of an unknown admin",
                reset("acme", "zed@acme.test", None),
                "admin with this e-mail in this brand not found",
            ),
            (
                "weak password on reset",
                reset("acme", "ann@acme.test", Some(b"short")),
                "the password must be 10 to 256 characters",
            ),
        ];
        for (what, out, expected) in cases {
            let line = failure(&out, &format!("{name}: {what}"));
            assert_eq!(
                line.strip_prefix("error: ")
                    .map(|l| l.starts_with(expected)),
                Some(true),
                "{name}: {what}: {line}"
            );
        }
        let mut conn = db.store.conn().await.expect("conn");
        let brand = ebb_store::brands::by_slug(&mut conn, "acme")
            .await
            .expect("brand")
            .expect("acme");
        for email in ["bob@acme.test", "c@acme.test"] {
            let found = ebb_store::admins::by_email(&mut conn, brand.id, email)
                .await
                .expect("admin");
            assert!(
                found.is_none(),
                "{name}: {email} must not have been created"
            );
        }
        drop(conn);
        db.finish().await;
    }
}

/// The soft and hard "Max open files" of process `pid`, from `/proc/<pid>/limits`.
fn open_file_limits(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("Max open files");
    let mut values = line["Max open files".len()..].split_whitespace();
    let soft = values.next().expect("soft").to_owned();
    let hard = values.next().expect("hard").to_owned();
    (soft, hard)
}

/// Kills the child when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_raises_its_open_file_soft_limit_to_the_hard_limit() {
    ebb_server::install_crypto_provider();
    let data = tempfile::tempdir().expect("tempdir");
    let port = process::free_port();
    // A shell lowers the soft limit, then becomes `ebb serve` (same pid).
    let child = Command::new("sh")
        .args(["-c", "ulimit -Sn 256 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_ebb"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn ebb serve");
    let child = Killed(child);
    let base = format!("http://127.0.0.1:{port}");
    assert!(
        process::answers(&base, "/healthz", "ok", 600).await,
        "ebb serve did not start"
    );
    let (soft, hard) = open_file_limits(child.0.id());
    assert_ne!(soft, "256", "the soft limit was raised");
    assert_eq!(soft, hard, "raised to the hard limit");
}
