//! A real SMTP server for the email tests: maildev (an npm devDependency, `npm ci`), one
//! process per test on free loopback ports, read through its HTTP API (`GET /email`).

use std::process::Stdio;
use std::sync::Arc;

use serde_json::Value;

use crate::helpers::test_settings;

/// A running maildev; killed when dropped.
pub struct Maildev {
    /// Its SMTP port.
    pub smtp: u16,
    web: u16,
    _child: tokio::process::Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Maildev {
    /// Starts maildev and waits until its API answers.
    pub async fn start() -> Self {
        ebb_server::install_crypto_provider();
        let bin = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../node_modules/.bin/maildev"
        );
        assert!(
            std::path::Path::new(bin).exists(),
            "maildev is missing: run `npm ci` at the repository root"
        );
        let (smtp, web) = (free_port(), free_port());
        let child = tokio::process::Command::new(bin)
            .args(["--smtp", &smtp.to_string(), "--web", &web.to_string()])
            .args(["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("maildev starts");
        let dev = Self {
            smtp,
            web,
            _child: child,
        };
        for _ in 0..200 {
            if dev.try_all().await.is_some() {
                return dev;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("maildev did not answer on port {web}");
    }

    async fn try_all(&self) -> Option<Vec<Value>> {
        let url = format!("http://127.0.0.1:{}/email", self.web);
        let resp = reqwest::get(url).await.ok()?;
        resp.json::<Vec<Value>>().await.ok()
    }

    /// Every email that arrived for `to`, oldest first.
    pub async fn to(&self, to: &str) -> Vec<Value> {
        let all = self.try_all().await.expect("maildev answers");
        all.into_iter()
            .filter(|m| {
                m["to"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t["address"] == to))
            })
            .collect()
    }

    /// Waits (up to 10 s) until `count` emails arrived for `to`; returns them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Value> {
        for _ in 0..400 {
            let got = self.to(to).await;
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!(
            "{count} email(s) for {to} did not arrive: {:?}",
            self.to(to).await
        );
    }

    /// The `--smtp-url` of this server, without TLS.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?starttls=off", self.smtp)
    }
}

/// The tests' mailer through `smtp_url`: from `ebb@ebb.test`, replies to `reply.ebb.test`,
/// links to `http://ebb.test`.
pub fn mailer(smtp_url: &str) -> ebb_server::mail::Mailer {
    let url: ebb_server::mail::SmtpUrl = smtp_url.parse().expect("smtp url");
    ebb_server::mail::Mailer::new(
        &url,
        "Ebb <ebb@ebb.test>",
        "reply.ebb.test",
        "http://ebb.test",
    )
    .expect("mailer")
}

/// Test settings that send mail through `smtp_url`.
pub fn settings_with(smtp_url: &str) -> ebb_server::Settings {
    ebb_server::Settings {
        mail: Some(Arc::new(mailer(smtp_url))),
        ..test_settings()
    }
}

/// The first `prefix`-started word of `text` (a link in an email), without the prefix.
pub fn after<'a>(text: &'a str, prefix: &str) -> &'a str {
    let at = text
        .find(prefix)
        .map(|i| i + prefix.len())
        .unwrap_or(text.len());
    text[at..].split_whitespace().next().unwrap_or("")
}
