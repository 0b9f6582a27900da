//! Values Ebb signs, hands out and later takes back (links and reply addresses in emails):
//! HMAC-SHA256 under the brand's link secret, compared in constant time.

use ebb_core::{BrandId, ConversationId};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::{ApiError, AppState};

/// The HMAC-SHA256 of `parts` under `key`; each part is length-prefixed, so no two
/// different lists of parts sign alike.
pub fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot run.
        Err(_) => return [0; 32],
    };
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `tag` is the MAC of `parts` under `key`, or its first `tag.len()` bytes (at
/// least [`MIN_TAG`]), compared in constant time.
pub fn verify(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    let full = mac(key, parts);
    tag.len() >= MIN_TAG && tag.len() <= full.len() && bool::from(full[..tag.len()].ct_eq(tag))
}

/// The shortest truncated tag [`verify`] accepts, in bytes.
pub const MIN_TAG: usize = 6;

/// The brand's link secret, made (from the OS generator) on first use.
pub async fn link_secret(state: &AppState, brand: BrandId) -> Result<String, ApiError> {
    let mut conn = state.store.conn().await?;
    let secret =
        ebb_store::brand_secrets::link_secret(&mut conn, brand, &crate::auth::new_token()).await?;
    Ok(secret)
}

/// The local part of the address a visitor replies to by email: the brand, the
/// conversation and a short tag, in lowercase base32 (61 characters, safe where mail
/// systems fold case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyAddress {
    /// The conversation's brand.
    pub brand: BrandId,
    /// The conversation replied to.
    pub conversation: ConversationId,
    tag: [u8; MIN_TAG],
}

impl ReplyAddress {
    /// The signed address of `conversation` under the brand's `secret`.
    pub fn new(secret: &str, brand: BrandId, conversation: ConversationId) -> Self {
        let full = mac(secret.as_bytes(), &Self::parts(&brand, &conversation));
        let mut tag = [0; MIN_TAG];
        tag.copy_from_slice(&full[..MIN_TAG]);
        Self {
            brand,
            conversation,
            tag,
        }
    }

    /// The local part (before the `@`).
    pub fn local_part(&self) -> String {
        let mut bytes = Vec::with_capacity(32 + MIN_TAG);
        bytes.extend_from_slice(self.brand.0.as_bytes());
        bytes.extend_from_slice(self.conversation.0.as_bytes());
        bytes.extend_from_slice(&self.tag);
        data_encoding::BASE32_NOPAD
            .encode(&bytes)
            .to_ascii_lowercase()
    }

    /// Reads a local part back, unverified (the brand it names gives the secret to
    /// [`ReplyAddress::verify`] with); `None` when it is not one of ours.
    pub fn parse(local_part: &str) -> Option<Self> {
        let bytes = data_encoding::BASE32_NOPAD
            .decode(local_part.trim().to_ascii_uppercase().as_bytes())
            .ok()?;
        if bytes.len() != 32 + MIN_TAG {
            return None;
        }
        let id = |range: std::ops::Range<usize>| uuid::Uuid::from_slice(&bytes[range]).ok();
        let mut tag = [0; MIN_TAG];
        tag.copy_from_slice(&bytes[32..]);
        Some(Self {
            brand: BrandId(id(0..16)?),
            conversation: ConversationId(id(16..32)?),
            tag,
        })
    }

    /// Whether the address was signed with the brand's `secret`.
    pub fn verify(&self, secret: &str) -> bool {
        let parts = Self::parts(&self.brand, &self.conversation);
        verify(secret.as_bytes(), &parts, &self.tag)
    }

    /// What the tag signs: a label, the brand and the conversation.
    fn parts<'a>(brand: &'a BrandId, conversation: &'a ConversationId) -> [&'a [u8]; 3] {
        [
            b"reply-address",
            brand.0.as_bytes(),
            conversation.0.as_bytes(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (BrandId, ConversationId) {
        (
            BrandId(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0001,
            )),
            ConversationId(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0002,
            )),
        )
    }

    #[test]
    fn a_reply_address_reads_back_and_verifies_only_under_its_secret() {
        let (brand, conversation) = ids();
        let address = ReplyAddress::new("s3cret", brand, conversation);
        let local = address.local_part();
        assert_eq!(local.len(), 61, "{local}");
        assert_eq!(local, local.to_ascii_lowercase());
        let back = ReplyAddress::parse(&local.to_ascii_uppercase()).expect("ours");
        assert_eq!(back, address);
        assert!(back.verify("s3cret"));
        assert!(!back.verify("other"));
    }

    #[test]
    fn a_changed_address_is_refused() {
        let (brand, conversation) = ids();
        let local = ReplyAddress::new("s3cret", brand, conversation).local_part();
        let other = ReplyAddress::new("s3cret", brand, ConversationId(brand.0)).local_part();
        // The other conversation's id with this one's tag: parses, does not verify.
        let forged = format!("{}{}", &other[..51], &local[51..]);
        assert!(ReplyAddress::parse(&forged).is_some_and(|a| !a.verify("s3cret")));
        assert_eq!(ReplyAddress::parse("not-ours"), None);
        assert_eq!(ReplyAddress::parse(&local[..60]), None);
    }

    #[test]
    fn verify_takes_a_truncated_tag_but_not_a_too_short_one() {
        let parts: [&[u8]; 2] = [b"a", b"bc"];
        let tag = mac(b"k", &parts);
        assert!(verify(b"k", &parts, &tag));
        assert!(verify(b"k", &parts, &tag[..MIN_TAG]));
        assert!(!verify(b"k", &parts, &tag[..MIN_TAG - 1]));
        assert!(!verify(b"k2", &parts, &tag));
        let shifted: [&[u8]; 2] = [b"ab", b"c"];
        assert!(!verify(b"k", &shifted, &tag));
    }
}
