//! Delivery signatures: `Ebb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the
//! MAC is computed with the endpoint's secret over `"<t>.<raw body>"` (see docs/webhooks.md).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "Ebb-Signature";
/// How far a receiver should accept the signed time from its own clock, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn mac_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot run.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Ebb-Signature` header value for `body` sent at `timestamp` (unix seconds).
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", mac_hex(secret, timestamp, body))
}

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// The header is not `t=...,v1=...`.
    #[error("malformed signature header")]
    Malformed,
    /// The timestamp is outside the tolerance window (a replay, or a skewed clock).
    #[error("timestamp outside the tolerance window")]
    Stale,
    /// No `v1` value matches.
    #[error("signature mismatch")]
    Mismatch,
}

/// Verifies `header` for `body` as a receiver would, at `now` (unix seconds): the time
/// must be within [`TOLERANCE_SECS`] and one `v1` must match (compared in constant time).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), Rejected> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or(Rejected::Malformed)?;
    if candidates.is_empty() {
        return Err(Rejected::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(Rejected::Stale);
    }
    let expected = mac_hex(secret, t, body);
    let matches = |v: &&str| {
        v.len() == expected.len()
            && v.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    };
    if candidates.iter().any(matches) {
        Ok(())
    } else {
        Err(Rejected::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_secret_body_and_time() {
        let body = br#"{"id":"x"}"#;
        let header = header_value("whsec_abc", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(verify("whsec_abc", &header, body, 1_700_000_100), Ok(()));
        assert_eq!(
            verify("whsec_other", &header, body, 1_700_000_000),
            Err(Rejected::Mismatch)
        );
        assert_eq!(
            verify("whsec_abc", &header, b"{}", 1_700_000_000),
            Err(Rejected::Mismatch)
        );
        assert_eq!(
            verify("whsec_abc", &header, body, 1_700_000_301),
            Err(Rejected::Stale)
        );
        assert_eq!(
            verify("whsec_abc", "v1=00", body, 1_700_000_000),
            Err(Rejected::Malformed)
        );
    }

    #[test]
    fn the_mac_matches_an_independent_computation() {
        // python3: hmac.new(b"whsec_test", b'1700000000.{"id":"evt"}', sha256).hexdigest()
        assert_eq!(
            mac_hex("whsec_test", 1_700_000_000, br#"{"id":"evt"}"#),
            "a94cea056df1fbb92eadafcf2c5cd541dbe0c6ef736e4748202dd53f86694a3e"
        );
    }
}
