//! What the visitor sees of the people answering: an expert's public profile (display
//! name, avatar URL, initials fallback).

use crate::DomainError;
use crate::account::DisplayName;
use crate::account::invalid;

/// The longest avatar URL accepted, in bytes.
pub const MAX_AVATAR_URL_BYTES: usize = 500;

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
}
