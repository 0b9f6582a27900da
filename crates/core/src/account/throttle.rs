//! Failed-login throttling: after [`ACCOUNT_FAILURES`] failures for one account (or
//! [`ADDRESS_FAILURES`] from one address) within a [`WINDOW`], logins there are refused
//! until the window that began with the first failure has passed.

use time::Duration;

use crate::Instant;

/// The window in which failures are counted, from the first failure.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures for one account (brand + e-mail) in a window before it is throttled.
pub const ACCOUNT_FAILURES: u32 = 5;
/// Failures from one address (per brand) in a window before it is throttled.
pub const ADDRESS_FAILURES: u32 = 20;

/// The failures counted for one key: how many, since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    /// Failures in the window.
    pub count: u32,
    /// When the window began (the first failure in it).
    pub since: Instant,
}

impl Failures {
    /// The counter after one more failure at `now`: a lapsed window starts again at 1.
    pub fn record(previous: Option<Self>, now: Instant) -> Self {
        match previous {
            Some(f) if now < f.since + WINDOW => Self {
                count: f.count.saturating_add(1),
                since: f.since,
            },
            _ => Self {
                count: 1,
                since: now,
            },
        }
    }

    /// How long until a login may be tried again, when `limit` failures were reached in
    /// a window still open at `now` (never longer than the window, even if the clock went
    /// back); `None` when it may be tried now.
    pub fn retry_after(self, limit: u32, now: Instant) -> Option<Duration> {
        let ends = self.since + WINDOW;
        (self.count >= limit && now < ends).then(|| (ends - now).min(WINDOW))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    const T: Instant = datetime!(2026-11-25 09:00 UTC);

    #[test]
    fn the_limit_throttles_until_the_window_ends() {
        let mut f = None;
        for _ in 0..ACCOUNT_FAILURES {
            assert_eq!(
                f.and_then(|f: Failures| f.retry_after(ACCOUNT_FAILURES, T)),
                None
            );
            f = Some(Failures::record(f, T));
        }
        let f = f.expect("counted");
        assert_eq!(f.retry_after(ACCOUNT_FAILURES, T), Some(WINDOW));
        assert_eq!(f.retry_after(ACCOUNT_FAILURES, T + WINDOW), None);
        assert_eq!(Failures::record(Some(f), T + WINDOW).count, 1);
    }

    proptest! {
        #[test]
        fn a_wait_is_never_longer_than_the_window(
            count in 0u32..100, since_s in 0i64..2000, now_s in 0i64..4000, limit in 1u32..30,
        ) {
            let f = Failures { count, since: T + Duration::seconds(since_s) };
            let now = T + Duration::seconds(now_s);
            if let Some(wait) = f.retry_after(limit, now) {
                prop_assert!(wait > Duration::ZERO && wait <= WINDOW);
                prop_assert!(count >= limit);
            }
            let next = Failures::record(Some(f), now);
            prop_assert!(next.count >= 1 && next.since <= now.max(f.since));
        }
    }
}
