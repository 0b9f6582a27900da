//! The rules for what a new brand or account may be called and protected with: a brand's
//! slug, a display name, a login e-mail and a password. Each is a newtype whose `parse`
//! is the only way to build it, so the store only ever inserts values that passed.

pub mod links;
pub mod throttle;

use std::ops::RangeInclusive;

use crate::DomainError;

/// Allowed length of a brand slug, in characters.
pub const SLUG_CHARS: RangeInclusive<usize> = 2..=40;
/// Allowed length of a brand or person's display name, in characters.
pub const NAME_CHARS: RangeInclusive<usize> = 1..=100;
/// Longest login e-mail address, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL_BYTES: usize = 254;
/// Allowed length of a password, in characters.
pub const PASSWORD_CHARS: RangeInclusive<usize> = 10..=256;

/// The error for a value breaking its rule.
pub(crate) fn invalid(field: &'static str, rule: &'static str) -> DomainError {
    DomainError::InvalidAccount { field, rule }
}

/// Whether `text` holds a control character (NUL, newline, escape...).
fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A brand's URL-safe short name: 2 to 40 lowercase ASCII letters, digits and dashes,
/// starting and ending with a letter or digit (e.g. `acme-outdoor`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrandSlug(String);

impl BrandSlug {
    /// Checks `text` (taken as given: no trimming or case folding).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        const RULE: &str = "must be 2 to 40 lowercase letters, digits or dashes, \
                            starting and ending with a letter or digit";
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        let ends_ok = !text.starts_with('-') && !text.ends_with('-');
        if SLUG_CHARS.contains(&text.chars().count()) && text.chars().all(allowed) && ends_ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(invalid("slug", RULE))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name (of a brand, an admin or an expert): trimmed, 1 to 100 characters,
/// no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Trims `text` and checks it.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let name = text.trim();
        if has_control(name) {
            return Err(invalid("name", "must not contain control characters"));
        }
        if !NAME_CHARS.contains(&name.chars().count()) {
            return Err(invalid("name", "must be 1 to 100 characters"));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A login e-mail address: trimmed and lowercased, one `@` between a non-empty local
/// part and a domain with a dot, no spaces or control characters, at most 254 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Trims and lowercases `text`, then checks it.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        const RULE: &str = "must be an e-mail address like ada@example.com";
        let email = text.trim().to_lowercase();
        if has_control(&email) {
            return Err(invalid("email", "must not contain control characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("email", RULE));
        };
        let domain_ok = domain.split('.').count() >= 2 && domain.split('.').all(|p| !p.is_empty());
        let well_formed = !local.is_empty() && domain_ok && !domain.contains('@');
        if !well_formed || email.contains(char::is_whitespace) || email.len() > MAX_EMAIL_BYTES {
            return Err(invalid("email", RULE));
        }
        Ok(Self(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that passes the policy: 10 to 256 characters, no control characters
/// (a NUL byte, a newline...). Kept exactly as given; its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks `text` against the policy.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if has_control(text) {
            return Err(invalid("password", "must not contain control characters"));
        }
        if !PASSWORD_CHARS.contains(&text.chars().count()) {
            return Err(invalid("password", "must be 10 to 256 characters"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The password, to hash it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests;
