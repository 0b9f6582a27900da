//! The signed links in emails: a reopen link (gives a visitor session of one visitor of
//! one brand, for 30 days) and an unsubscribe link (stops that visitor's follow-ups; it
//! does not expire). A token is the brand, visitor, conversation and expiry, with an
//! HMAC-SHA256 tag under the brand's link secret over those and the link's purpose, in
//! base64url: changing any byte, or using one purpose's token for the other, fails.

use ebb_core::{BrandId, ConversationId, Instant, VisitorId};
use time::Duration;

use crate::signing;

/// How long a reopen link works.
pub const RESUME_FOR: Duration = Duration::days(30);

/// What a link does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Reopen the conversation in the widget, in any browser.
    Resume,
    /// Stop follow-up emails.
    Unsubscribe,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Resume => b"resume-link",
            Self::Unsubscribe => b"unsubscribe-link",
        }
    }
}

/// What a valid link names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The brand.
    pub brand: BrandId,
    /// The visitor the link is for.
    pub visitor: VisitorId,
    /// The conversation it opens.
    pub conversation: ConversationId,
    /// Until when it works (Unix seconds; `i64::MAX`: always).
    pub expires: i64,
}

/// Why a token is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a token of ours, or altered, or signed for another brand or purpose.
    Invalid,
    /// Signed, but past its expiry.
    Expired,
}

impl Refused {
    /// What the visitor is told.
    pub fn detail(self) -> &'static str {
        match self {
            Self::Invalid => "this link is not valid (it may have been changed or cut)",
            Self::Expired => "this link has expired; start a new conversation from the site",
        }
    }
}

const BODY: usize = 16 * 3 + 8;
const TAG: usize = 16;

impl Link {
    /// A reopen link for `visitor` made at `now`.
    pub fn resume(
        brand: BrandId,
        visitor: VisitorId,
        conversation: ConversationId,
        now: Instant,
    ) -> Self {
        let expires = (now + RESUME_FOR).unix_timestamp();
        Self {
            brand,
            visitor,
            conversation,
            expires,
        }
    }

    /// An unsubscribe link for `visitor` (it does not expire).
    pub fn unsubscribe(brand: BrandId, visitor: VisitorId, conversation: ConversationId) -> Self {
        Self {
            brand,
            visitor,
            conversation,
            expires: i64::MAX,
        }
    }

    fn body(&self) -> [u8; BODY] {
        let mut out = [0; BODY];
        out[..16].copy_from_slice(self.brand.0.as_bytes());
        out[16..32].copy_from_slice(self.visitor.0.as_bytes());
        out[32..48].copy_from_slice(self.conversation.0.as_bytes());
        out[48..].copy_from_slice(&self.expires.to_be_bytes());
        out
    }

    /// The token, signed with `secret` for `purpose`.
    pub fn sign(&self, secret: &str, purpose: Purpose) -> String {
        let body = self.body();
        let tag = signing::mac(secret.as_bytes(), &[purpose.label(), &body]);
        let mut bytes = body.to_vec();
        bytes.extend_from_slice(&tag[..TAG]);
        data_encoding::BASE64URL_NOPAD.encode(&bytes)
    }

    /// The brand a token names, unverified (to look up the secret to verify it with).
    pub fn brand_of(token: &str) -> Option<BrandId> {
        let bytes = decode(token)?;
        uuid::Uuid::from_slice(&bytes[..16]).ok().map(BrandId)
    }

    /// Reads and verifies a token for `purpose` under `secret` at `now`.
    pub fn verify(
        token: &str,
        secret: &str,
        purpose: Purpose,
        now: Instant,
    ) -> Result<Self, Refused> {
        let bytes = decode(token).ok_or(Refused::Invalid)?;
        let (body, tag) = bytes.split_at(BODY);
        if !signing::verify(secret.as_bytes(), &[purpose.label(), body], tag) {
            return Err(Refused::Invalid);
        }
        let id =
            |at: usize| uuid::Uuid::from_slice(&body[at..at + 16]).map_err(|_| Refused::Invalid);
        let mut expiry = [0; 8];
        expiry.copy_from_slice(&body[48..]);
        let link = Self {
            brand: BrandId(id(0)?),
            visitor: VisitorId(id(16)?),
            conversation: ConversationId(id(32)?),
            expires: i64::from_be_bytes(expiry),
        };
        if now.unix_timestamp() >= link.expires {
            return Err(Refused::Expired);
        }
        Ok(link)
    }
}

fn decode(token: &str) -> Option<Vec<u8>> {
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(token.trim().as_bytes())
        .ok()?;
    (bytes.len() == BODY + TAG).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: Instant = datetime!(2026-11-25 09:00 UTC);

    fn link() -> Link {
        let id = |n: u128| uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n);
        Link::resume(BrandId(id(1)), VisitorId(id(2)), ConversationId(id(3)), NOW)
    }

    #[test]
    fn a_signed_link_reads_back_until_it_expires() {
        let token = link().sign("s", Purpose::Resume);
        assert_eq!(Link::brand_of(&token), Some(link().brand));
        assert_eq!(Link::verify(&token, "s", Purpose::Resume, NOW), Ok(link()));
        let late = NOW + RESUME_FOR;
        assert_eq!(
            Link::verify(&token, "s", Purpose::Resume, late),
            Err(Refused::Expired)
        );
    }

    #[test]
    fn forged_altered_or_misused_links_are_refused() {
        let token = link().sign("s", Purpose::Resume);
        assert_eq!(
            Link::verify(&token, "other", Purpose::Resume, NOW),
            Err(Refused::Invalid)
        );
        assert_eq!(
            Link::verify(&token, "s", Purpose::Unsubscribe, NOW),
            Err(Refused::Invalid)
        );
        let mut bytes = data_encoding::BASE64URL_NOPAD
            .decode(token.as_bytes())
            .expect("b64");
        bytes[20] ^= 1;
        let altered = data_encoding::BASE64URL_NOPAD.encode(&bytes);
        assert_eq!(
            Link::verify(&altered, "s", Purpose::Resume, NOW),
            Err(Refused::Invalid)
        );
        assert_eq!(
            Link::verify(&token[..20], "s", Purpose::Resume, NOW),
            Err(Refused::Invalid)
        );
        assert_eq!(
            Link::verify("!!", "s", Purpose::Resume, NOW),
            Err(Refused::Invalid)
        );
    }
}
