//! Latency percentiles for the benchmarks (their figures are recorded with `cst_bench`).

use hdrhistogram::Histogram;

/// Microsecond-resolution latency recorder.
#[derive(Debug)]
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Self(Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds"))
    }
}

impl Latencies {
    pub fn record(&mut self, d: std::time::Duration) {
        let _ = self.0.record((d.as_nanos() as u64).max(1));
    }
    pub fn len(&self) -> u64 {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Percentile in microseconds.
    pub fn p_us(&self, q: f64) -> f64 {
        self.0.value_at_quantile(q) as f64 / 1000.0
    }
    pub fn max_us(&self) -> f64 {
        self.0.max() as f64 / 1000.0
    }
    pub fn summary(&self) -> String {
        format!(
            "n={} p50={:.1}µs p99={:.1}µs max={:.1}µs",
            self.len(),
            self.p_us(0.50),
            self.p_us(0.99),
            self.max_us()
        )
    }
}
