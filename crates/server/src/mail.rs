//! Outbound email: the SMTP transport (`--smtp-url`, STARTTLS required, opportunistic or
//! off), the addresses mail goes from and is replied to, and sending one message. What a
//! follow-up or transcript email says is in [`compose`], the signed links it carries in
//! [`link`], and the queue worker that sends them in [`delivery`].

pub mod compose;
pub mod delivery;
pub mod link;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StartTls {
    /// STARTTLS must succeed, or nothing is sent (the default).
    #[default]
    Required,
    /// STARTTLS when the server offers it, plain text otherwise.
    Opportunistic,
    /// Plain text (a relay on the same host or a test server).
    Off,
}

/// A parsed `--smtp-url`: `smtp://[user:password@]host[:port][?starttls=required|
/// opportunistic|off]`, or `smtps://` for TLS from the first byte (port 465).
#[derive(Clone)]
pub struct SmtpUrl {
    host: String,
    port: u16,
    wrapper: bool,
    starttls: StartTls,
    credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

/// Shows the URL with its password redacted.
impl std::fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.wrapper { "smtps" } else { "smtp" };
        let user = match &self.credentials {
            Some((user, _)) => format!("{user}:***@"),
            None => String::new(),
        };
        let tls = match self.starttls {
            StartTls::Required => "required",
            StartTls::Opportunistic => "opportunistic",
            StartTls::Off => "off",
        };
        write!(
            f,
            "{scheme}://{user}{}:{}?starttls={tls}",
            self.host, self.port
        )
    }
}

impl std::str::FromStr for SmtpUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text).map_err(|e| format!("--smtp-url: {e}"))?;
        let wrapper = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("--smtp-url: scheme {other} is not smtp or smtps")),
        };
        let host = url.host_str().ok_or("--smtp-url: no host")?.to_owned();
        let mut starttls = StartTls::default();
        for (key, value) in url.query_pairs() {
            starttls = match (key.as_ref(), value.as_ref()) {
                ("starttls", "required") => StartTls::Required,
                ("starttls", "opportunistic") => StartTls::Opportunistic,
                ("starttls", "off") => StartTls::Off,
                _ => return Err(format!("--smtp-url: unknown option {key}={value}")),
            };
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty())
            .then(|| (decode(url.username()), decode(url.password().unwrap_or(""))));
        Ok(Self {
            port: url.port().unwrap_or(if wrapper { 465 } else { 25 }),
            host,
            wrapper,
            starttls,
            credentials,
        })
    }
}

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP server refused or the connection failed (STARTTLS included).
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The message could not be built (a bad address).
    #[error("message: {0}")]
    Message(String),
}

/// Where mail goes from and how: the transport and the addresses.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The `From` of every email.
    pub from: Mailbox,
    /// The domain of the signed reply addresses (and of Message-IDs).
    pub reply_domain: String,
    /// The server's public base URL (for unsubscribe links), without a trailing slash.
    pub public_url: String,
    /// The SMTP URL, redacted, for logs.
    pub smtp: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.smtp)
            .field("from", &self.from.to_string())
            .field("reply_domain", &self.reply_domain)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer sending through `smtp` as `from`; replies go to `reply_domain`.
    pub fn new(
        smtp: &SmtpUrl,
        from: &str,
        reply_domain: &str,
        public_url: &str,
    ) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("--mail-from: {e}"))?;
        let tls_params =
            || TlsParameters::new(smtp.host.clone()).map_err(|e| format!("--smtp-url tls: {e}"));
        let tls = match (smtp.wrapper, smtp.starttls) {
            (true, _) => Tls::Wrapper(tls_params()?),
            (false, StartTls::Required) => Tls::Required(tls_params()?),
            (false, StartTls::Opportunistic) => Tls::Opportunistic(tls_params()?),
            (false, StartTls::Off) => Tls::None,
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                .port(smtp.port)
                .tls(tls)
                .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = &smtp.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            reply_domain: reply_domain.trim().to_ascii_lowercase(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            smtp: smtp.to_string(),
        })
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_parse_with_their_tls_mode_and_show_redacted() {
        let url: SmtpUrl = "smtp://us%40er:p%3Ass@mail.example:587?starttls=opportunistic"
            .parse()
            .expect("valid");
        assert_eq!(url.port, 587);
        assert_eq!(url.starttls, StartTls::Opportunistic);
        assert_eq!(
            url.credentials,
            Some(("us@er".to_owned(), "p:ss".to_owned()))
        );
        assert_eq!(
            url.to_string(),
            "smtp://us@er:***@mail.example:587?starttls=opportunistic"
        );
        let plain: SmtpUrl = "smtp://relay".parse().expect("valid");
        assert_eq!(
            (plain.port, plain.starttls, plain.wrapper),
            (25, StartTls::Required, false)
        );
        let wrapped: SmtpUrl = "smtps://relay".parse().expect("valid");
        assert_eq!((wrapped.port, wrapped.wrapper), (465, true));
    }

    #[test]
    fn bad_smtp_urls_are_refused_with_the_reason() {
        for (text, reason) in [
            ("http://relay", "scheme http"),
            (
                "smtp://relay?starttls=maybe",
                "unknown option starttls=maybe",
            ),
            ("smtp://relay?tls=on", "unknown option tls=on"),
            ("not a url", "--smtp-url"),
        ] {
            let err = text.parse::<SmtpUrl>().expect_err(text);
            assert!(err.contains(reason), "{text}: {err}");
        }
    }
}
