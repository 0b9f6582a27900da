//! `ebb mail-inbound` against a real `ebb serve`: a reply mail on standard input lands in
//! the conversation (exit 0) and lands once when piped again; a forged address exits 67,
//! a reply of only quotes 65, a wrong secret 75 (the mail server keeps the mail). Then the
//! documented path for hosts without Postfix: the aiosmtpd relay (`scripts/mail-relay.py`)
//! piping a mail sent over SMTP to `ebb mail-inbound`, and bouncing a forged one with 550.

mod process;

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

use ebb_core::{BrandId, ConversationId};
use ebb_server::signing::ReplyAddress;
use ebb_store::testing::{self, TestDb};
use process::{Ebb, answers, free_port};
use serde_json::{Value, json};

const OPERATOR: &str = "operator-token-for-mail-tests";
const SECRET: &str = "inbound-secret-for-mail-tests";
const RELAY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/mail-relay.py");

/// A server with one brand and one visitor's conversation, and its signed reply address.
struct Setup {
    server: Ebb,
    db: TestDb,
    visitor: String,
    conversation: String,
    to: String,
}

async fn call(method: reqwest::Method, url: String, token: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("json")
}

async fn setup() -> Setup {
    ebb_server::install_crypto_provider();
    let db = testing::backends().await.remove(0);
    let flags = [
        "--operator-token",
        OPERATOR,
        "--inbound-mail-secret",
        SECRET,
    ];
    let args = flags.map(str::to_owned).into_iter().chain(db.binary_args());
    let server = Ebb::spawn(free_port(), args, "error", true);
    assert!(
        answers(&server.base, "/healthz", "ok", 600).await,
        "ebb serve started"
    );
    let post = reqwest::Method::POST;
    let base = &server.base;
    let brand = json!({"slug": "acme", "name": "Acme"});
    let brand = call(
        post.clone(),
        format!("{base}/api/v1/operator/brands"),
        OPERATOR,
        brand,
    )
    .await;
    let brand = BrandId(brand["id"].as_str().expect("id").parse().expect("uuid"));
    let visitor = call(
        post.clone(),
        format!("{base}/api/v1/widget/acme/visitors"),
        "",
        json!({}),
    )
    .await;
    let visitor = visitor["token"].as_str().expect("token").to_owned();
    let start = json!({"body": "Is the tent waterproof?"});
    let started = call(
        post,
        format!("{base}/api/v1/widget/acme/conversations"),
        &visitor,
        start,
    )
    .await;
    let conversation = started["conversation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut conn = db.store.conn().await.expect("conn");
    let secret = ebb_store::brand_secrets::link_secret(&mut conn, brand, "fresh")
        .await
        .expect("secret");
    drop(conn);
    let id = ConversationId(conversation.parse().expect("uuid"));
    let to = format!(
        "{}@reply.acme.test",
        ReplyAddress::new(&secret, brand, id).local_part()
    );
    Setup {
        server,
        db,
        visitor,
        conversation,
        to,
    }
}

impl Setup {
    /// The visitor's messages in the conversation, as the widget shows them.
    async fn visitor_texts(&self) -> Vec<String> {
        let url = format!(
            "{}/api/v1/widget/acme/conversations/{}",
            self.server.base, self.conversation
        );
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(&self.visitor)
            .send()
            .await;
        let view: Value = response.expect("read").json().await.expect("json");
        view["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "message" && e["author"]["kind"] == "visitor")
            .filter_map(|e| e["body"].as_str().map(str::to_owned))
            .collect()
    }

    /// `ebb mail-inbound --url <server>` with `secret`, the mail on standard input.
    fn pipe(&self, mail: &str, secret: &str) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ebb"));
        command
            .args(["mail-inbound", "--url", &self.server.base])
            .env("EBB_INBOUND_MAIL_SECRET", secret);
        fed(command, mail)
    }
}

/// Runs `command` with `input` on its standard input: its status and output.
fn fed(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(input.as_bytes())
        .expect("write standard input");
    drop(stdin);
    child.wait_with_output().expect("output")
}

fn mail(to: &str, id: &str, text: &str) -> String {
    format!(
        "From: Bob <bob@example.test>\r\nTo: {to}\r\nSubject: Re: tent\r\nMessage-ID: <{id}@example.test>\r\n\r\n{text}\r\n\r\nOn Mon, Ada wrote:\r\n> Which tent?\r\n"
    )
}

#[tokio::test]
async fn mail_inbound_lands_a_piped_mail_and_exits_as_mail_servers_expect() {
    let s = setup().await;
    let out = s.pipe(&mail(&s.to, "p1", "The two-person one."), SECRET);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("landed: conversation"));
    let again = s.pipe(&mail(&s.to, "p1", "The two-person one."), SECRET);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("replayed"));
    assert_eq!(
        s.visitor_texts().await,
        ["Is the tent waterproof?", "The two-person one."]
    );

    let forged = s.to.replacen(&s.to[55..61], "aaaaaa", 1);
    let out = s.pipe(&mail(&forged, "p2", "Let me in"), SECRET);
    assert_eq!(
        out.status.code(),
        Some(67),
        "forged: bounce as an unknown user"
    );
    let quotes = format!(
        "To: {}\r\nMessage-ID: <p3@x>\r\n\r\n> only a quote\r\n",
        s.to
    );
    let out = s.pipe(&quotes, SECRET);
    assert_eq!(out.status.code(), Some(65), "no text: bounce as bad data");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no new text"));
    let out = s.pipe(&mail(&s.to, "p4", "Wrong secret"), "not-the-secret");
    assert_eq!(
        out.status.code(),
        Some(75),
        "a setup fault: the mail server retries later"
    );
    assert_eq!(s.visitor_texts().await.len(), 2, "nothing else landed");
    s.db.finish().await;
}

/// The relay process, killed when dropped.
struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Python with aiosmtpd (`EBB_TEST_SMTP_PYTHON`, else `python3`), if there is one.
fn smtp_python() -> Option<String> {
    let named = std::env::var("EBB_TEST_SMTP_PYTHON")
        .ok()
        .filter(|v| !v.is_empty());
    let python = named.clone().unwrap_or_else(|| "python3".to_owned());
    let found = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    match found {
        true => Some(python),
        false => testing::missing(
            named.is_some(),
            "no Python with aiosmtpd (EBB_TEST_SMTP_PYTHON)",
        ),
    }
}

/// Sends `mail` to `to` over SMTP at `port` with Python's smtplib: its exit status and
/// error output (smtplib raises on a 4xx/5xx answer).
fn send_smtp(python: &str, port: u16, to: &str, mail: &str) -> Output {
    let script = "import smtplib, sys\n\
        s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]))\n\
        s.sendmail('bob@example.test', [sys.argv[2]], sys.stdin.buffer.read())\n\
        s.quit()\n";
    let mut command = Command::new(python);
    command.args(["-c", script, &port.to_string(), to]);
    fed(command, mail)
}

#[tokio::test]
async fn a_mail_sent_over_smtp_to_the_aiosmtpd_relay_lands() {
    let Some(python) = smtp_python() else { return };
    let s = setup().await;
    let port = free_port();
    let child = Command::new(&python)
        .args([RELAY, "--listen", &format!("127.0.0.1:{port}"), "--"])
        .args([
            env!("CARGO_BIN_EXE_ebb"),
            "mail-inbound",
            "--url",
            &s.server.base,
        ])
        .env("EBB_INBOUND_MAIL_SECRET", SECRET)
        .stdout(Stdio::null())
        .spawn()
        .expect("start the relay");
    let _relay = Relay(child);
    let smtp = format!("smtp://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..100 {
        up = testing::reachable(&smtp).await;
        if up {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the relay listens");

    let sent = send_smtp(
        &python,
        port,
        &s.to,
        &mail(&s.to, "smtp1", "Sent over SMTP."),
    );
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert_eq!(
        s.visitor_texts().await,
        ["Is the tent waterproof?", "Sent over SMTP."]
    );
    let forged = s.to.replacen(&s.to[55..61], "aaaaaa", 1);
    let bounced = send_smtp(&python, port, &forged, &mail(&forged, "smtp2", "Let me in"));
    assert!(
        !bounced.status.success(),
        "a forged address is refused over SMTP"
    );
    assert!(String::from_utf8_lossy(&bounced.stderr).contains("550"));
    assert_eq!(s.visitor_texts().await.len(), 2);
    s.db.finish().await;
}
