//! What the visitor sees of the people and the brand answering: an expert's public
//! profile (display name, avatar URL, initials fallback) and the widget's language.

use crate::DomainError;
use crate::account::DisplayName;

/// The longest avatar URL accepted, in bytes.
pub const MAX_AVATAR_URL_BYTES: usize = 500;

fn invalid(field: &'static str, rule: &'static str) -> DomainError {
    DomainError::InvalidAccount { field, rule }
}

/// An avatar image address: `https://` with a host, at most [`MAX_AVATAR_URL_BYTES`],
/// no spaces, quotes, angle brackets or control characters (so never `data:` or
/// `javascript:`, and safe to put in an `src` attribute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvatarUrl(String);

impl AvatarUrl {
    /// Trims `text` and checks it.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        const RULE: &str = "must be an https:// address of an image, at most 500 bytes";
        let url = text.trim();
        let rest = url
            .get(..8)
            .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
            .map(|_| &url[8..])
            .ok_or_else(|| invalid("avatar_url", RULE))?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let bad_char = |c: char| c.is_control() || c.is_whitespace() || "\"'<>\\`".contains(c);
        if host.is_empty()
            || host.contains('@')
            || url.len() > MAX_AVATAR_URL_BYTES
            || url.chars().any(bad_char)
        {
            return Err(invalid("avatar_url", RULE));
        }
        Ok(Self(url.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Up to two initials of a name, upper-cased ("Ada Lovelace" -> "AL"), for when an
/// expert has no avatar.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// An expert's public profile as entered: both parts optional (the account name and
/// initials stand in).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Profile {
    /// The name visitors see, if not the account name.
    pub display_name: Option<DisplayName>,
    /// The avatar image, if any.
    pub avatar_url: Option<AvatarUrl>,
}

/// A language the widget has texts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// French.
    Fr,
}

impl Locale {
    /// Every supported language, the default first.
    pub const ALL: [Self; 2] = [Self::En, Self::Fr];

    /// The language code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The supported language of a BCP 47 tag (`fr-CA` -> French), if any.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }

    /// The first supported language of an `Accept-Language` value, in the order given
    /// (quality values are not weighed: browsers list by preference).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Self::from_tag)
    }
}

/// The brand's choice of widget language: fixed, or the visitor's browser's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WidgetLocale {
    /// The browser's language when supported, else English.
    #[default]
    Auto,
    /// Always this language.
    Fixed(Locale),
}

impl WidgetLocale {
    /// Parses `auto`, `en` or `fr`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "auto" => Ok(Self::Auto),
            _ => Locale::ALL
                .into_iter()
                .find(|l| l.as_str() == text)
                .map(Self::Fixed)
                .ok_or_else(|| invalid("locale", "must be auto, en or fr")),
        }
    }

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Fixed(l) => l.as_str(),
        }
    }

    /// The language to use for a visitor whose browser asks for `accept_language`.
    pub fn resolve(self, accept_language: Option<&str>) -> Locale {
        match self {
            Self::Fixed(l) => l,
            Self::Auto => accept_language
                .and_then(Locale::from_accept_language)
                .unwrap_or(Locale::En),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatar_urls_are_https_only() {
        assert!(AvatarUrl::parse(" https://cdn.example/a.png ").is_ok());
        assert!(AvatarUrl::parse("HTTPS://cdn.example/a.png?s=64").is_ok());
        for bad in [
            "http://cdn.example/a.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://",
            "https:///a.png",
            "https://user@evil.example/a.png",
            "https://cdn.example/a b.png",
            "https://cdn.example/\"onerror=x",
            "//cdn.example/a.png",
        ] {
            assert!(AvatarUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://cdn.example/{}", "a".repeat(MAX_AVATAR_URL_BYTES));
        assert!(AvatarUrl::parse(&long).is_err());
    }

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("ada lovelace byron"), "AL");
        assert_eq!(initials("Zoé"), "Z");
        assert_eq!(initials("  "), "");
    }

    #[test]
    fn locales_come_from_the_brand_or_the_browser() {
        assert_eq!(Locale::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Some(Locale::Fr));
        assert_eq!(Locale::from_accept_language("de-DE, en-GB;q=0.5"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de"), None);
        let auto = WidgetLocale::parse("auto").expect("auto");
        assert_eq!(auto.resolve(Some("fr-CA")), Locale::Fr);
        assert_eq!(auto.resolve(Some("de")), Locale::En);
        assert_eq!(auto.resolve(None), Locale::En);
        let fixed = WidgetLocale::parse("fr").expect("fr");
        assert_eq!(fixed.resolve(Some("en-US")), Locale::Fr);
        assert!(WidgetLocale::parse("de").is_err());
        assert_eq!(fixed.as_str(), "fr");
    }
}
