//! Signed visitor identity: a brand's backend signs its customer id with the brand's
//! identity secret (`hex(HMAC-SHA256(secret, customer_id))`), and only a visitor whose
//! signature checks is known by that id; who may merge into whom after identifying.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::DomainError;

/// The longest customer id accepted, in bytes.
pub const MAX_CUSTOMER_ID: usize = 255;

/// A brand's own id for one of its customers, as its backend signed it: 1 to
/// [`MAX_CUSTOMER_ID`] bytes of printable text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CustomerId(String);

impl CustomerId {
    /// Checks the length and that no control character is in it (the id is taken as
    /// given, never trimmed: the signature covers the exact bytes).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.is_empty() || raw.len() > MAX_CUSTOMER_ID || raw.chars().any(char::is_control) {
            return Err(DomainError::InvalidSetting {
                setting: "customer_id",
                min: 1,
                max: MAX_CUSTOMER_ID as i64,
                unit: " bytes of printable text",
            });
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `hex(HMAC-SHA256(secret, customer_id))` in lowercase: what the brand's backend computes.
pub fn customer_hash(secret: &str, customer: &CustomerId) -> String {
    let tag = mac(secret, customer);
    let mut out = String::with_capacity(64);
    for b in tag {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Whether `hash` (hex, either case) is the signature of `customer` under `secret`,
/// compared in constant time; anything that is not 64 hex digits is refused.
pub fn verify(secret: &str, customer: &CustomerId, hash: &str) -> bool {
    let Some(given) = decode_hex(hash) else {
        return false;
    };
    bool::from(mac(secret, customer).ct_eq(&given))
}

fn mac(secret: &str, customer: &CustomerId) -> [u8; 32] {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot run.
        Err(_) => return [0; 32],
    };
    mac.update(customer.as_str().as_bytes());
    mac.finalize().into_bytes().into()
}

fn decode_hex(hash: &str) -> Option<[u8; 32]> {
    let bytes = hash.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

/// Who a visitor is known as: anonymous (a browser's token only) or a signed customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// Known by a browser token only.
    Anonymous,
    /// Verified as this customer of the brand.
    Signed(CustomerId),
}

/// Whether the conversations of the visitor known as `from` move to the signed visitor
/// `into` when a browser identifies: only anonymous into signed (what the browser did
/// before logging in becomes the customer's), never one signed customer into another, and
/// never a visitor into itself.
pub fn merges_into(from: &Known, same_visitor: bool) -> bool {
    matches!(from, Known::Anonymous) && !same_visitor
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The vector docs/widget.md gives integrators (Node, Python, PHP compute it too).
    const SECRET: &str = "ebb-test-identity-secret";
    const VECTOR: &str = "e4a7586214cfa5533ad1a0e27302b4bfb7a8d3a53ccfc5c2421645b148fa25aa";

    fn id(s: &str) -> CustomerId {
        CustomerId::parse(s).expect("valid id")
    }

    #[test]
    fn the_documented_test_vector_holds() {
        assert_eq!(customer_hash(SECRET, &id("customer-42")), VECTOR);
        assert!(verify(SECRET, &id("customer-42"), VECTOR));
        assert!(verify(SECRET, &id("customer-42"), &VECTOR.to_uppercase()));
    }

    #[test]
    fn a_wrong_secret_another_id_or_a_malformed_hash_is_refused() {
        assert!(!verify("other", &id("customer-42"), VECTOR));
        assert!(!verify(SECRET, &id("customer-43"), VECTOR));
        assert!(!verify(SECRET, &id("customer-42"), &VECTOR[..63]));
        assert!(!verify(SECRET, &id("customer-42"), &format!("{VECTOR}00")));
        assert!(!verify(SECRET, &id("customer-42"), &"zz".repeat(32)));
        assert!(!verify(SECRET, &id("customer-42"), ""));
    }

    #[test]
    fn customer_ids_are_bounded_printable_text() {
        assert!(CustomerId::parse("").is_err());
        assert!(CustomerId::parse(&"a".repeat(MAX_CUSTOMER_ID + 1)).is_err());
        assert!(CustomerId::parse("a\nb").is_err());
        assert_eq!(id(" spaced ").as_str(), " spaced ");
    }

    #[test]
    fn only_anonymous_merges_into_another_visitor() {
        assert!(merges_into(&Known::Anonymous, false));
        assert!(!merges_into(&Known::Anonymous, true));
        assert!(!merges_into(&Known::Signed(id("a")), false));
        assert!(!merges_into(&Known::Signed(id("a")), true));
    }

    proptest! {
        /// A signature verifies for its own id and secret only; changing any one byte of
        /// the hash breaks it.
        #[test]
        fn a_signature_checks_only_for_its_id(a in "[ -~]{1,40}", b in "[ -~]{1,40}", flip in 0usize..64) {
            let hash = customer_hash(SECRET, &id(&a));
            prop_assert!(verify(SECRET, &id(&a), &hash));
            prop_assert_eq!(verify(SECRET, &id(&b), &hash), a == b);
            let mut altered = hash.into_bytes();
            altered[flip] = if altered[flip] == b'0' { b'1' } else { b'0' };
            let altered = String::from_utf8(altered).expect("ascii");
            prop_assert!(!verify(SECRET, &id(&a), &altered));
        }
    }
}
