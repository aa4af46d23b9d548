//! Sum, mean and variance over the last `N` values, O(1) per push and free of drift.

use crate::ring::Ring;

/// Windowed statistics kept as sums of deviations from a shift (TA-Lib's #118 idea), so
/// `E[x²] - E[x]²` never cancels catastrophically (volumes reach 1e12 on some pairs).
///
/// A running sum that only adds and subtracts carries its rounding residue forever; an
/// engine that runs for years would drift. So the window is re-summed exactly, with the
/// shift moved to its mean, every `N` pushes (amortised O(1)) and at once when cancellation
/// shows. The schedule depends only on what was pushed, so a live engine and a rebuild
/// stay bitwise identical.
#[derive(Debug, Clone)]
pub struct RollingStats<const N: usize> {
    window: Ring<N>,
    shift: f64,
    /// Σ (x - shift) over the window.
    s1: f64,
    /// Σ (x - shift)² over the window.
    s2: f64,
    until_resum: usize,
}

impl<const N: usize> Default for RollingStats<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> RollingStats<N> {
    const INV: f64 = 1.0 / N as f64;

    pub const fn new() -> Self {
        RollingStats {
            window: Ring::new(),
            shift: 0.0,
            s1: 0.0,
            s2: 0.0,
            until_resum: N,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        if self.window.is_empty() {
            self.shift = x;
        }
        let d = x - self.shift;
        self.s1 += d;
        self.s2 += d * d;
        if let Some(old) = self.window.push(x) {
            let d = old - self.shift;
            self.s1 -= d;
            self.s2 -= d * d;
        }
        self.until_resum -= 1;
        if self.until_resum == 0
            || (self.is_full() && self.raw_variance() < 1e-6 * self.s2 * Self::INV)
        {
            self.resum();
        }
    }

    #[cold]
    fn resum(&mut self) {
        self.until_resum = N;
        let n = self.window.len() as f64;
        let mut sum = 0.0;
        for x in self.window.iter() {
            sum += x;
        }
        self.shift = sum / n;
        self.s1 = 0.0;
        self.s2 = 0.0;
        for x in self.window.iter() {
            let d = x - self.shift;
            self.s1 += d;
            self.s2 += d * d;
        }
    }

    pub fn is_full(&self) -> bool {
        self.window.is_full()
    }

    /// Sum of the window.
    #[inline]
    pub fn sum(&self) -> f64 {
        self.window.len() as f64 * self.shift + self.s1
    }

    /// Mean of a full window.
    #[inline]
    pub fn mean(&self) -> f64 {
        self.shift + self.s1 * Self::INV
    }

    #[inline]
    fn raw_variance(&self) -> f64 {
        let m1 = self.s1 * Self::INV;
        self.s2 * Self::INV - m1 * m1
    }

    /// Population variance of a full window. A value under 1e-12 of the mean squared
    /// deviation from the shift is rounding residue of a constant window: exactly 0.
    #[inline]
    pub fn variance(&self) -> f64 {
        let v = self.raw_variance();
        if v < 1e-12 * (self.s2 * Self::INV) || v <= 0.0 {
            0.0
        } else {
            v
        }
    }

    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hourly volumes of BTC-USDT, 2024-01-01 00:00..07:00 (binance-2024).
    const VOLUMES: [f64; 8] = [
        1271.68108, 1196.37856, 1103.4692, 1218.56001, 919.72433, 762.41565, 1017.70005, 912.06262,
    ];

    #[test]
    fn matches_a_two_pass_computation_over_every_window() {
        let mut s = RollingStats::<3>::new();
        for (i, &v) in VOLUMES.iter().enumerate() {
            s.push(v);
            if i >= 2 {
                let w = &VOLUMES[i - 2..=i];
                let mean = w.iter().sum::<f64>() / 3.0;
                let var = w.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 3.0;
                assert!((s.sum() - w.iter().sum::<f64>()).abs() < 1e-9);
                assert!((s.mean() - mean).abs() < 1e-10);
                assert!((s.variance() - var).abs() < 1e-7 * var);
            }
        }
    }

    #[test]
    fn a_constant_window_has_exactly_zero_variance() {
        // Nine pushes: the constant window does not line up with the every-N re-sum, so
        // the cancellation check is what has to catch it.
        let mut s = RollingStats::<4>::new();
        for v in VOLUMES.into_iter().chain([VOLUMES[0]]) {
            s.push(v);
        }
        for _ in 0..4 {
            s.push(0.0);
        }
        assert_eq!(s.variance(), 0.0);
        assert_eq!(s.sum(), 0.0);
    }
}
