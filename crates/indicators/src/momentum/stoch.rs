//! Slow stochastic oscillator, TA-Lib's `STOCH(K, SK, SMA, SD, SMA)`.

use crate::{
    average::Sma,
    indicator::{Hlc, Indicator},
    ring::Ring,
};

/// One stochastic reading, both lines in 0..=100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StochOutput {
    pub k: f64,
    pub d: f64,
}

/// TA-Lib's zero band, relative to the window's own extremes (`TA_IS_ZERO_SCALED`): a range
/// this small is rounding residue of a flat window, not a move.
const FLAT: f64 = 1e-14;

/// Slow stochastic: fast %K over `K` bars, smoothed by an SMA of `SK` into slow %K, which an
/// SMA of `SD` smooths into %D, as `TA_STOCH` with SMA smoothing.
///
/// Fast %K is `100 * ((close - lowest) / (highest - lowest))`. A flat window (the range
/// within 1e-14 of the extremes' size) gives 0, TA-Lib's answer, and is scale-free, unlike
/// TA-Lib's pre-0.7 fixed band. Both lines are first reported when %D exists, as TA-Lib
/// reports them on the same bar.
#[derive(Debug, Clone)]
pub struct Stoch<const K: usize, const SK: usize, const SD: usize> {
    highs: Ring<K>,
    lows: Ring<K>,
    highest: f64,
    lowest: f64,
    /// Bars since the current extreme was seen; past `K - 1` it has left the window.
    highest_age: usize,
    lowest_age: usize,
    slow_k: Sma<SK>,
    slow_d: Sma<SD>,
    ready: bool,
}

impl<const K: usize, const SK: usize, const SD: usize> Default for Stoch<K, SK, SD> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const K: usize, const SK: usize, const SD: usize> Stoch<K, SK, SD> {
    pub const fn new() -> Self {
        const { assert!(K >= 1, "a stochastic needs a window of at least 1") };
        Stoch {
            highs: Ring::new(),
            lows: Ring::new(),
            highest: 0.0,
            lowest: 0.0,
            highest_age: usize::MAX,
            lowest_age: usize::MAX,
            slow_k: Sma::new(),
            slow_d: Sma::new(),
            ready: false,
        }
    }

    /// Fast %K of the full window ending with `bar`, keeping the extremes current: a new
    /// extreme replaces the old at once, an expired one is found again by one rescan.
    #[inline]
    fn fast_k(&mut self, bar: Hlc) -> f64 {
        self.lowest_age = self.lowest_age.saturating_add(1);
        if self.lowest_age >= K {
            (self.lowest, self.lowest_age) = rescan(&self.lows, |a, b| a < b);
        } else if bar.low <= self.lowest {
            (self.lowest, self.lowest_age) = (bar.low, 0);
        }
        self.highest_age = self.highest_age.saturating_add(1);
        if self.highest_age >= K {
            (self.highest, self.highest_age) = rescan(&self.highs, |a, b| a > b);
        } else if bar.high >= self.highest {
            (self.highest, self.highest_age) = (bar.high, 0);
        }
        let range = self.highest - self.lowest;
        if range.abs() <= FLAT * (self.highest.abs() + self.lowest.abs()) {
            0.0
        } else {
            100.0 * ((bar.close - self.lowest) / range)
        }
    }
}

/// The extreme of a full window and its age, oldest first like TA-Lib's rescan.
fn rescan<const K: usize>(window: &Ring<K>, better: impl Fn(f64, f64) -> bool) -> (f64, usize) {
    let mut best = window.oldest();
    let mut age = K - 1;
    for k in (0..K - 1).rev() {
        let v = window.ago(k);
        if better(v, best) {
            (best, age) = (v, k);
        }
    }
    (best, age)
}

impl<const K: usize, const SK: usize, const SD: usize> Indicator for Stoch<K, SK, SD> {
    type Input = Hlc;
    type Output = StochOutput;
    const LOOKBACK: usize = (K - 1) + (SK - 1) + (SD - 1);

    #[inline]
    fn update(&mut self, bar: Hlc) -> Option<StochOutput> {
        self.highs.push(bar.high);
        self.lows.push(bar.low);
        if !self.highs.is_full() {
            return None;
        }
        let fast_k = self.fast_k(bar);
        let k = self.slow_k.update(fast_k)?;
        let d = self.slow_d.update(k)?;
        self.ready = true;
        Some(StochOutput { k, d })
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A halted market: the range is 0, TA-Lib answers 0 rather than dividing by it.
    #[test]
    fn a_flat_window_reads_zero_like_talib() {
        let bar = Hlc {
            high: 42475.23,
            low: 42475.23,
            close: 42475.23,
        };
        let mut stoch = Stoch::<14, 3, 3>::new();
        let out: Vec<_> = (0..25).map(|_| stoch.update(bar)).collect();
        assert!(out[..17].iter().all(Option::is_none));
        assert!(
            out[17..]
                .iter()
                .all(|v| *v == Some(StochOutput { k: 0.0, d: 0.0 }))
        );
    }

    /// The rolling extremes must follow the window: BTC-USDT 2024-01-01 00:00..05:00 highs
    /// and lows, window 3, against a direct scan.
    #[test]
    fn extremes_follow_the_window() {
        let bars = [
            (42554.57, 42261.02, 42475.23),
            (42775.0, 42431.65, 42613.56),
            (42638.41, 42500.0, 42581.1),
            (42635.0, 42230.0, 42330.49),
            (42432.74, 42180.77, 42399.99),
            (42499.0, 42335.55, 42494.07),
        ];
        let mut stoch = Stoch::<3, 1, 1>::new();
        for (i, &(high, low, close)) in bars.iter().enumerate() {
            let out = stoch.update(Hlc { high, low, close });
            if i >= 2 {
                let w = &bars[i - 2..=i];
                let hh = w.iter().map(|b| b.0).fold(f64::MIN, f64::max);
                let ll = w.iter().map(|b| b.1).fold(f64::MAX, f64::min);
                let k = 100.0 * ((close - ll) / (hh - ll));
                assert_eq!(out, Some(StochOutput { k, d: k }), "bar {i}");
            }
        }
    }
}
