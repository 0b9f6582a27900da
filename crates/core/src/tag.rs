//! Tags: a brand's small set of names its experts and admins put on conversations (a
//! conversation of the brand carries any of them; the expert's list filters by one).

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The longest tag name, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// The most tags a brand defines.
pub const MAX_TAGS_PER_BRAND: usize = 50;

/// A validated tag name: trimmed, 1 to [`MAX_TAG_CHARS`] characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct TagName(String);

impl TagName {
    /// Validates raw text into a tag name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_TAG_CHARS || text.chars().any(char::is_control) {
            return Err(DomainError::InvalidTagName { max: MAX_TAG_CHARS });
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// May a brand that defines `existing` tags define one more?
pub fn may_define(existing: usize) -> Result<(), DomainError> {
    if existing >= MAX_TAGS_PER_BRAND {
        return Err(DomainError::TooManyTags {
            max: MAX_TAGS_PER_BRAND,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_are_trimmed_and_control_characters_refused() {
        assert_eq!(TagName::parse("  vip ").map(|t| t.0), Ok("vip".to_owned()));
        assert!(TagName::parse("a\nb").is_err());
        assert!(TagName::parse("   ").is_err());
    }

    proptest! {
        #[test]
        fn a_name_is_accepted_exactly_when_1_to_max_chars(len in 0usize..MAX_TAG_CHARS + 10) {
            prop_assert_eq!(TagName::parse(&"é".repeat(len)).is_ok(), (1..=MAX_TAG_CHARS).contains(&len));
        }

        #[test]
        fn a_brand_defines_at_most_the_limit(existing in 0usize..MAX_TAGS_PER_BRAND * 2) {
            prop_assert_eq!(may_define(existing).is_ok(), existing < MAX_TAGS_PER_BRAND);
        }
    }
}
