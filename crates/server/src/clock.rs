//! The injectable clock: real time in production, a manual clock in tests and demos.

use std::sync::Mutex;

use ebb_core::Instant;
use time::Duration;

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// The current instant (UTC).
    fn now(&self) -> Instant;
}

/// Wall-clock time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Now, truncated to the microsecond: the precision the database keeps, so what a
    /// response says and what a later read says agree.
    fn now(&self) -> Instant {
        let now = Instant::now_utc();
        now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
            .unwrap_or(now)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<Instant>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: Instant) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
