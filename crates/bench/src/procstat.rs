//! Resource use of a process read from `/proc`: resident memory and CPU time.

use std::time::{Duration, Instant};

/// Clock ticks per second of `/proc/<pid>/stat` (the Linux default, `getconf CLK_TCK`).
const TICKS_PER_SEC: f64 = 100.0;

/// Resident set size of `pid` in KiB (`VmRSS`), 0 if unreadable.
pub fn rss_kib(pid: u32) -> u64 {
    status_field(pid, "VmRSS:")
}

/// Peak resident set size of `pid` in KiB (`VmHWM`), 0 if unreadable.
pub fn peak_rss_kib(pid: u32) -> u64 {
    status_field(pid, "VmHWM:")
}

/// How many file descriptors `pid` holds open.
pub fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

fn status_field(pid: u32, field: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// User + system CPU seconds used so far by `pid`.
pub fn cpu_secs(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the `(comm)`; utime and stime are fields 14 and 15 of the whole line.
    let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SEC
}

/// CPU use of a process over a window, as a share of one core (1.0 = one core busy).
pub struct CpuMeter {
    pid: u32,
    cpu: f64,
    at: Instant,
}

impl CpuMeter {
    /// Starts measuring `pid` now.
    pub fn start(pid: u32) -> Self {
        Self {
            pid,
            cpu: cpu_secs(pid),
            at: Instant::now(),
        }
    }

    /// Cores used on average since [`CpuMeter::start`].
    pub fn cores(&self) -> f64 {
        let wall = self
            .at
            .elapsed()
            .max(Duration::from_millis(1))
            .as_secs_f64();
        (cpu_secs(self.pid) - self.cpu) / wall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_process() {
        let me = std::process::id();
        assert!(rss_kib(me) > 0);
        assert!(peak_rss_kib(me) >= rss_kib(me));
        assert!(open_files(me) > 0);
        assert!(cpu_secs(me) >= 0.0);
    }
}
