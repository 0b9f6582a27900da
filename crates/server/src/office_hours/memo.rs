//! The measured reply time per brand, kept for [`TTL`] of clock time: measuring reads a week
//! of the brand's messages, and neither a widget load nor a new conversation (inside its
//! write transaction) may pay that each time. It is a hint shown to visitors, not a rule:
//! a measured value lives for the TTL (other nodes' and later messages show within it); an
//! expert's message on this node forgets a "too little data" answer (it may be the sample
//! that makes the time measurable), a change of hours forgets the brand's value, and a moved
//! test clock forgets all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ebb_core::{BrandId, Instant};
use time::Duration;

/// How long a measured reply time is reused.
pub const TTL: Duration = Duration::seconds(60);

/// Measured reply times by brand (`None`: too little data to measure), with when each was
/// measured.
#[derive(Clone, Debug, Default)]
pub struct ReplyTimes(Arc<Mutex<HashMap<BrandId, Measured>>>);

/// When a reply time was measured, and what it was.
type Measured = (Instant, Option<Duration>);

impl ReplyTimes {
    /// The brand's value measured less than [`TTL`] before `now` (and not after it).
    pub fn get(&self, brand: BrandId, now: Instant) -> Option<Option<Duration>> {
        let memo = self.0.lock().ok()?;
        let (at, value) = memo.get(&brand)?;
        (*at <= now && now - *at < TTL).then_some(*value)
    }

    /// Keeps `value`, measured at `now`.
    pub fn put(&self, brand: BrandId, now: Instant, value: Option<Duration>) {
        if let Ok(mut memo) = self.0.lock() {
            memo.insert(brand, (now, value));
        }
    }

    /// Forgets the brand's value (one of its experts wrote, or its hours changed).
    pub fn forget(&self, brand: BrandId) {
        if let Ok(mut memo) = self.0.lock() {
            memo.remove(&brand);
        }
    }

    /// Forgets the brand's "too little data" answer, keeping a measured value (an expert of
    /// the brand wrote: a new first response may make the time measurable).
    pub fn forget_unmeasured(&self, brand: BrandId) {
        if let Ok(mut memo) = self.0.lock()
            && memo.get(&brand).is_some_and(|(_, value)| value.is_none())
        {
            memo.remove(&brand);
        }
    }

    /// Forgets every value (the clock moved).
    pub fn clear(&self) {
        if let Ok(mut memo) = self.0.lock() {
            memo.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_lives_for_the_ttl_and_until_forgotten() {
        let (brand, other) = (
            BrandId(uuid::Uuid::from_u128(1)),
            BrandId(uuid::Uuid::from_u128(2)),
        );
        let t = time::macros::datetime!(2026-12-01 10:00 UTC);
        let memo = ReplyTimes::default();
        assert_eq!(memo.get(brand, t), None);
        memo.put(brand, t, Some(Duration::minutes(7)));
        memo.put(other, t, None);
        assert_eq!(
            memo.get(brand, t + Duration::seconds(59)),
            Some(Some(Duration::minutes(7)))
        );
        assert_eq!(
            memo.get(other, t),
            Some(None),
            "too little data is kept too"
        );
        assert_eq!(memo.get(brand, t + TTL), None, "stale");
        assert_eq!(
            memo.get(brand, t - Duration::seconds(1)),
            None,
            "the clock went back"
        );
        memo.forget_unmeasured(brand);
        assert_eq!(
            memo.get(brand, t),
            Some(Some(Duration::minutes(7))),
            "measured: kept"
        );
        memo.forget(brand);
        assert_eq!(memo.get(brand, t), None);
        assert_eq!(memo.get(other, t), Some(None));
        memo.put(brand, t, None);
        memo.forget_unmeasured(brand);
        assert_eq!(memo.get(brand, t), None, "too little data: forgotten");
        memo.clear();
        assert_eq!(memo.get(other, t), None);
    }
}
