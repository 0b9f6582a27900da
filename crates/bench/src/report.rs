//! Latency summaries (percentiles over recorded samples), the short tables each scenario
//! prints, and the JSON file every scenario writes beside them.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// Percentiles of a set of latency samples, in milliseconds.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct Latency {
    /// How many samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest sample.
    pub max_ms: f64,
}

impl Latency {
    /// Summarises `samples` (any order).
    pub fn of(samples: &[Duration]) -> Self {
        let mut us: Vec<u64> = samples
            .iter()
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .collect();
        us.sort_unstable();
        let at = |q: f64| -> f64 {
            if us.is_empty() {
                return 0.0;
            }
            let rank = (q * us.len() as f64).ceil() as usize;
            us[rank.clamp(1, us.len()) - 1] as f64 / 1000.0
        };
        Self {
            count: us.len(),
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            p999_ms: at(0.999),
            max_ms: us.last().map_or(0.0, |&m| m as f64 / 1000.0),
        }
    }

    /// One table row: `label  count  p50  p99  p99.9  max`.
    pub fn row(&self, label: &str) -> String {
        format!(
            "{label:<28} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            self.count, self.p50_ms, self.p99_ms, self.p999_ms, self.max_ms
        )
    }
}

/// The header matching [`Latency::row`].
pub fn latency_header() -> String {
    format!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "count", "p50", "p99", "p99.9", "max"
    )
}

/// Prints `title`, then `lines`, as a short table.
pub fn table(title: &str, lines: &[String]) {
    println!("\n== {title}");
    for line in lines {
        println!("{line}");
    }
}

/// Writes `value` (pretty JSON) to `dir/name.json`, creating `dir`.
pub fn write_json(dir: &Path, name: &str, value: &Value) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(value)?)?;
    println!("-> {}", path.display());
    Ok(())
}

/// `a / b`, or 0 when `b` is 0 (ratios in tables).
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranked_samples() {
        let samples: Vec<Duration> = (1..=1000).map(Duration::from_millis).collect();
        let l = Latency::of(&samples);
        assert_eq!(l.count, 1000);
        assert!((l.p50_ms - 500.0).abs() < 1e-9);
        assert!((l.p99_ms - 990.0).abs() < 1e-9);
        assert!((l.p999_ms - 999.0).abs() < 1e-9);
        assert!((l.max_ms - 1000.0).abs() < 1e-9);
        assert_eq!(Latency::of(&[]).count, 0);
    }
}
