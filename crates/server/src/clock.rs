//! The injectable clock: real time in production, a manual clock in tests and demos.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use ebb_core::Instant;
use time::Duration;

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// The current instant (UTC).
    fn now(&self) -> Instant;

    /// Moves time forward, if this clock allows it; returns the new total offset from
    /// where the clock started, in microseconds.
    fn advance(&self, by: Duration) -> Option<i64> {
        let _ = by;
        None
    }

    /// Catches up with an offset stored by another node (the test clock's offset only
    /// grows); clocks that cannot move ignore it.
    fn sync_offset(&self, offset_us: i64) {
        let _ = offset_us;
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.whole_microseconds()).unwrap_or(i64::MAX)
}

/// Real time plus an offset that only grows: the `--test-clock` clock.
#[derive(Debug)]
pub struct OffsetClock(AtomicI64);

impl OffsetClock {
    /// Real time shifted by `offset_us` microseconds.
    pub fn new(offset_us: i64) -> Self {
        Self(AtomicI64::new(offset_us))
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Instant {
        SystemClock.now() + Duration::microseconds(self.0.load(Ordering::SeqCst))
    }

    fn advance(&self, by: Duration) -> Option<i64> {
        Some(self.0.fetch_add(micros(by), Ordering::SeqCst) + micros(by))
    }

    fn sync_offset(&self, offset_us: i64) {
        self.0.fetch_max(offset_us, Ordering::SeqCst);
    }
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
pub struct ManualClock {
    start: Instant,
    now: Mutex<Instant>,
}

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: Instant) -> Self {
        Self {
            start: at,
            now: Mutex::new(at),
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn advance(&self, by: Duration) -> Option<i64> {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
        Some(micros(*now - self.start))
    }
}
