//! `ebb mail-inbound`: what a mail server runs for each mail sent to a reply address (a
//! Postfix `pipe` transport, an Exim pipe, an aiosmtpd relay). Reads the mail on standard
//! input, posts it to the server's inbound hook, and exits with the sysexits code mail
//! servers act on: 0 taken (or ignored as machine-sent), 67 unknown or forged address and
//! 65 refused content (both bounce with the reason printed), 75 try again later.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use ebb_server::inbound_mail::MAX_MAIL_BYTES;

/// `ebb mail-inbound`
#[derive(Args)]
pub struct MailInboundCommand {
    /// The Ebb server's base URL.
    #[arg(long, env = "EBB_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The server's inbound mail secret (prefer the variable or `--secret-file`: a flag
    /// shows in the process list).
    #[arg(long, env = "EBB_INBOUND_MAIL_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// A file holding the inbound mail secret (its first line).
    #[arg(long, env = "EBB_INBOUND_MAIL_SECRET_FILE")]
    secret_file: Option<PathBuf>,
    /// The envelope recipient (Postfix: `${recipient}`), tried before the mail's headers.
    #[arg(long)]
    recipient: Option<String>,
}

/// sysexits.h: the mail is refused for its content; the mail server bounces it.
const EX_DATAERR: u8 = 65;
/// sysexits.h: addressee unknown; the mail server bounces it.
const EX_NOUSER: u8 = 67;
/// sysexits.h: temporary failure; the mail server keeps the mail and tries again.
const EX_TEMPFAIL: u8 = 75;

/// Posts the mail on standard input; prints what became of it (or why not) and exits
/// with the code the mail server acts on.
pub async fn run(command: MailInboundCommand) -> ExitCode {
    match post(command).await {
        Ok((code, said)) => {
            match code {
                0 => println!("{said}"),
                _ => eprintln!("{said}"),
            }
            ExitCode::from(code)
        }
        Err(err) => {
            eprintln!("ebb mail-inbound: {err:#}; try again later");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

/// The exit code and the line to print; an error is a temporary failure.
async fn post(command: MailInboundCommand) -> anyhow::Result<(u8, String)> {
    let secret = secret(&command)?;
    let mut mail = Vec::new();
    std::io::stdin()
        .take(MAX_MAIL_BYTES as u64 + 1)
        .read_to_end(&mut mail)
        .context("reading the mail on standard input")?;
    if mail.len() > MAX_MAIL_BYTES {
        let said = format!("the mail is larger than {MAX_MAIL_BYTES} bytes");
        return Ok((EX_DATAERR, said));
    }
    ebb_server::install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let hook = format!("{}/api/v1/inbound/email", command.url.trim_end_matches('/'));
    let query = command.recipient.as_deref().map(|r| ("recipient", r));
    let url = reqwest::Url::parse_with_params(&hook, query).context("the --url")?;
    let response = client
        .post(url)
        .bearer_auth(secret)
        .header("content-type", "message/rfc822")
        .body(mail)
        .send()
        .await
        .context("posting the mail to Ebb")?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    Ok(outcome(status, &body))
}

/// The secret from the flag, the variable, or the first line of the file.
fn secret(command: &MailInboundCommand) -> anyhow::Result<String> {
    if let Some(secret) = &command.secret {
        return Ok(secret.trim().to_owned());
    }
    let path = command
        .secret_file
        .as_ref()
        .context("no inbound mail secret: set EBB_INBOUND_MAIL_SECRET or --secret-file")?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the secret file {}", path.display()))?;
    Ok(text.lines().next().unwrap_or_default().trim().to_owned())
}

/// What the server's answer means to the mail server: the exit code and a line.
fn outcome(status: u16, body: &serde_json::Value) -> (u8, String) {
    let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
    let kind = text("type");
    match status {
        200..=299 => {
            let seq = body["seq"]
                .as_u64()
                .map(|s| format!(" (seq {s})"))
                .unwrap_or_default();
            let said = match text("outcome").as_str() {
                "ignored" => format!("ignored: machine-sent mail ({})", text("reason")),
                outcome => format!("{outcome}: conversation {}{seq}", text("conversation_id")),
            };
            (0, said)
        }
        403 | 404 if kind.ends_with("-reply-address") => (EX_NOUSER, text("detail")),
        400 | 413 | 415 | 422 => (EX_DATAERR, text("detail")),
        _ => {
            let detail = text("detail");
            (
                EX_TEMPFAIL,
                format!("Ebb answered {status} {detail}; try again later"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn answers_map_to_what_the_mail_server_does() {
        let landed = json!({"outcome": "landed", "conversation_id": "c1", "seq": 4});
        assert_eq!(
            outcome(201, &landed),
            (0, "landed: conversation c1 (seq 4)".into())
        );
        let ignored = json!({"outcome": "ignored", "reason": "bounce"});
        assert_eq!(outcome(202, &ignored).0, 0);
        let unknown = json!({"type": "/problems/unknown-reply-address", "detail": "no"});
        assert_eq!(outcome(404, &unknown), (EX_NOUSER, "no".into()));
        let forged = json!({"type": "/problems/forged-reply-address", "detail": "no"});
        assert_eq!(outcome(403, &forged).0, EX_NOUSER);
        let hook_off =
            json!({"type": "/problems/not-found", "detail": "inbound mail hook not found"});
        assert_eq!(
            outcome(404, &hook_off).0,
            EX_TEMPFAIL,
            "a setup fault keeps the mail"
        );
        assert_eq!(outcome(401, &json!({})).0, EX_TEMPFAIL);
        assert_eq!(
            outcome(422, &json!({"detail": "too long"})),
            (EX_DATAERR, "too long".into())
        );
        assert_eq!(outcome(503, &json!({})).0, EX_TEMPFAIL);
    }
}
