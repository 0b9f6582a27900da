//! Where a visitor is, as their widget reports it: the page, where they came from, their
//! browser language and time zone, and (only from a trusted proxy, if the brand allows) their
//! country. [`PageReport::parse`] is the one place these are bounded and checked.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The longest page or referrer URL accepted, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// The longest page title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest language tag accepted (BCP 47, e.g. `pt-BR`), in characters.
pub const MAX_LANGUAGE_CHARS: usize = 35;
/// The longest time zone name accepted (IANA, e.g. `America/Argentina/Buenos_Aires`).
pub const MAX_TIME_ZONE_CHARS: usize = 64;

/// A checked report of the visitor's page: what the widget may tell about where they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageReport {
    /// The page the visitor is on (http or https).
    pub page_url: String,
    /// Its title, if it has one.
    pub page_title: Option<String>,
    /// The page they came from (http or https), if the browser tells.
    pub referrer: Option<String>,
    /// The browser's language tag, e.g. `fr-CA`.
    pub language: Option<String>,
    /// The browser's IANA time zone, e.g. `Europe/Paris`.
    pub time_zone: Option<String>,
}

/// A refusal of the report's `field`.
fn refused(field: &'static str, rule: &'static str) -> DomainError {
    DomainError::InvalidContext { field, rule }
}

/// `None` for an absent or blank optional text, else the trimmed text.
fn present(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Checks an http or https URL: at most [`MAX_URL_CHARS`], a host, no spaces or controls.
fn url(field: &'static str, text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.chars().count() > MAX_URL_CHARS {
        return Err(refused(field, "must be at most 2048 characters"));
    }
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &text[8..]
    } else if lower.starts_with("http://") {
        &text[7..]
    } else {
        return Err(refused(field, "must be an http or https URL"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused(field, "must be an http or https URL with a host"));
    }
    Ok(text.to_owned())
}

/// Checks a name made of ASCII letters, digits and `extra`, starting with a letter.
fn name(text: &str, max: usize, extra: &[char]) -> bool {
    text.len() <= max
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

impl PageReport {
    /// Checks what a widget sent: the page URL (required) and referrer are http or https
    /// URLs of at most [`MAX_URL_CHARS`]; the title has at most [`MAX_TITLE_CHARS`] and no
    /// control characters; the language looks like a BCP 47 tag and the time zone like an
    /// IANA name. Blank optional values count as absent.
    pub fn parse(
        page_url: &str,
        page_title: Option<&str>,
        referrer: Option<&str>,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<Self, DomainError> {
        let page_url = url("page_url", page_url)?;
        let referrer = present(referrer).map(|r| url("referrer", r)).transpose()?;
        let page_title = present(page_title)
            .map(|t| {
                if t.chars().count() > MAX_TITLE_CHARS {
                    Err(refused("page_title", "must be at most 300 characters"))
                } else if t.chars().any(char::is_control) {
                    Err(refused("page_title", "must not contain control characters"))
                } else {
                    Ok(t.to_owned())
                }
            })
            .transpose()?;
        let language = present(language)
            .map(|l| match name(l, MAX_LANGUAGE_CHARS, &['-']) {
                true => Ok(l.to_owned()),
                false => Err(refused("language", "must be a language tag like en-GB")),
            })
            .transpose()?;
        let time_zone = present(time_zone)
            .map(
                |z| match name(z, MAX_TIME_ZONE_CHARS, &['/', '_', '-', '+']) {
                    true => Ok(z.to_owned()),
                    false => Err(refused(
                        "time_zone",
                        "must be a time zone like Europe/Paris",
                    )),
                },
            )
            .transpose()?;
        Ok(Self {
            page_url,
            page_title,
            referrer,
            language,
            time_zone,
        })
    }
}

/// A country code as a trusted proxy writes it (ISO 3166-1 alpha-2, e.g. `CF-IPCountry:
/// de`), upper-cased; anything else, and the proxies' "unknown" `XX`, is `None`.
pub fn country_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    (code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) && code != "XX")
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> Result<PageReport, DomainError> {
        PageReport::parse(url, None, None, None, None)
    }

    #[test]
    fn page_urls_are_http_or_https_with_a_host() {
        assert!(page("https://shop.example/boots?size=42#top").is_ok());
        assert!(page("HTTP://shop.example").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://shop.example/",
            "data:text/html,hi",
            "https://",
            "https:///path",
            "https://shop.example/a b",
            "shop.example/boots",
        ] {
            assert!(
                matches!(
                    page(bad),
                    Err(DomainError::InvalidContext {
                        field: "page_url",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        let long = format!("https://shop.example/{}", "a".repeat(MAX_URL_CHARS));
        assert!(page(&long).is_err());
        let just = format!("https://s.io/{}", "a".repeat(MAX_URL_CHARS - 13));
        assert!(page(&just).is_ok(), "exactly the limit");
    }

    #[test]
    fn optional_fields_are_bounded_and_blank_means_absent() {
        let report = PageReport::parse(
            "https://shop.example/",
            Some("  Boots  "),
            Some(""),
            Some("pt-BR"),
            Some("America/Argentina/Buenos_Aires"),
        )
        .expect("valid");
        assert_eq!(report.page_title.as_deref(), Some("Boots"));
        assert_eq!(report.referrer, None);
        assert_eq!(report.language.as_deref(), Some("pt-BR"));
        let ok = "https://shop.example/";
        type Case = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            &'static str,
        );
        let cases: [Case; 6] = [
            (
                Some("x".repeat(MAX_TITLE_CHARS + 1)),
                None,
                None,
                None,
                "page_title",
            ),
            (Some("a\u{7}b".into()), None, None, None, "page_title"),
            (None, Some("javascript:x".into()), None, None, "referrer"),
            (None, None, Some("en_GB!".into()), None, "language"),
            (
                None,
                None,
                None,
                Some("Europe/Paris; rm".into()),
                "time_zone",
            ),
            (
                None,
                None,
                None,
                Some("Z".repeat(MAX_TIME_ZONE_CHARS + 1)),
                "time_zone",
            ),
        ];
        for (title, referrer, language, zone, field) in cases {
            let got = PageReport::parse(
                ok,
                title.as_deref(),
                referrer.as_deref(),
                language.as_deref(),
                zone.as_deref(),
            );
            assert!(
                matches!(got, Err(DomainError::InvalidContext { field: f, .. }) if f == field),
                "{field}: {got:?}"
            );
        }
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(country_code(" de "), Some("DE".into()));
        assert_eq!(country_code("XX"), None, "unknown");
        assert_eq!(country_code("T1"), None);
        assert_eq!(country_code("DEU"), None);
        assert_eq!(country_code(""), None);
    }
}
