//! Bollinger bands: SMA middle, population standard deviation, TA-Lib 0.8's arithmetic.

use crate::{indicator::Indicator, ring::Ring};

/// One Bollinger reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BollingerOutput {
    pub upper: f64,
    pub middle: f64,
    pub lower: f64,
}

/// Bollinger bands over `N` closes, `dev` standard deviations wide on both sides, as
/// `TA_BBANDS(N, dev, dev, SMA)` in TA-Lib 0.8.
///
/// The middle band is TA-Lib's SMA running total. The deviation is not `E[x²] - E[x]²` of
/// raw prices (which cancels catastrophically at BTC's price level) but the variance of the
/// prices minus a shift, TA-Lib's #118: the shift is the first price, and is re-chosen as
/// the window mean (re-summing the window, O(N)) every `32 N` bars or as soon as
/// cancellation shows (variance under 1e-6 of the mean squared deviation, or one departing
/// deviation above 1e6 times the rest). After a re-seed a variance under 1e-12 of the mean
/// squared deviation is exactly 0, so a flat window has zero width without a fixed,
/// scale-dependent epsilon.
#[derive(Debug, Clone)]
pub struct Bollinger<const N: usize> {
    dev: f64,
    window: Ring<N>,
    ma_total: f64,
    shift: f64,
    var_total1: f64,
    var_total2: f64,
    bars_to_reseed: usize,
    ready: bool,
}

impl<const N: usize> Bollinger<N> {
    const INV: f64 = 1.0 / N as f64;
    const RESEED_EVERY: usize = 32 * N;

    /// `dev`: band half-width in standard deviations (2.0 for the classic bands).
    pub const fn new(dev: f64) -> Self {
        const { assert!(N >= 2, "Bollinger bands need a period of at least 2") };
        Bollinger {
            dev,
            window: Ring::new(),
            ma_total: 0.0,
            shift: 0.0,
            var_total1: 0.0,
            var_total2: 0.0,
            bars_to_reseed: Self::RESEED_EVERY,
            ready: false,
        }
    }

    /// Adds `x` to the shifted sums.
    #[inline]
    fn add(&mut self, x: f64) {
        self.ma_total += x;
        let d = x - self.shift;
        self.var_total1 += d;
        self.var_total2 += d * d;
    }

    /// Re-centres the shifted sums on the window mean; returns the window's variance.
    #[cold]
    fn reseed(&mut self) -> f64 {
        self.bars_to_reseed = Self::RESEED_EVERY;
        let mut sum = 0.0;
        for x in self.window.iter() {
            sum += x;
        }
        self.shift = sum * Self::INV;
        self.var_total1 = 0.0;
        self.var_total2 = 0.0;
        for x in self.window.iter() {
            let d = x - self.shift;
            self.var_total1 += d;
            self.var_total2 += d * d;
        }
        let mean1 = self.var_total1 * Self::INV;
        let mut variance = self.var_total2 * Self::INV - mean1 * mean1;
        if variance < 1e-12 * (self.var_total2 * Self::INV) {
            variance = 0.0;
        }
        // The oldest value leaves before the next bar, as in the running path.
        let d = self.window.oldest() - self.shift;
        self.var_total1 -= d;
        self.var_total2 -= d * d;
        variance
    }
}

impl<const N: usize> Indicator for Bollinger<N> {
    type Input = f64;
    type Output = BollingerOutput;
    const LOOKBACK: usize = N - 1;

    #[inline]
    fn update(&mut self, x: f64) -> Option<BollingerOutput> {
        if self.window.is_empty() {
            self.shift = x;
        }
        self.window.push(x);
        self.add(x);
        if !self.window.is_full() {
            return None;
        }
        let mean1 = self.var_total1 * Self::INV;
        let mut variance = self.var_total2 * Self::INV - mean1 * mean1;
        let middle = self.ma_total / N as f64;

        let oldest = self.window.oldest();
        self.ma_total -= oldest;
        let d = oldest - self.shift;
        self.var_total1 -= d;
        let d2 = d * d;
        self.var_total2 -= d2;

        self.bars_to_reseed -= 1;
        if variance < 1e-6 * (self.var_total2 * Self::INV)
            || d2 > 1e6 * self.var_total2
            || self.bars_to_reseed == 0
        {
            variance = self.reseed();
        }
        let sd = if variance != 0.0 {
            variance.sqrt()
        } else {
            0.0
        };
        let half = sd * self.dev;
        self.ready = true;
        Some(BollingerOutput {
            upper: middle + half,
            middle,
            lower: middle - half,
        })
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        *self = Self::new(self.dev);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A halted market: zero width, all three bands on the running-total SMA, which (like
    /// TA-Lib's, checked with the 0.8.2 wheel) is 42475.229999999996 for 20 x 42475.23.
    #[test]
    fn a_flat_window_has_zero_width() {
        let mut bb = Bollinger::<20>::new(2.0);
        let out: Vec<_> = (0..30).map(|_| bb.update(42475.23)).collect();
        assert!(out[..19].iter().all(Option::is_none));
        for o in out[19..].iter().flatten() {
            assert_eq!((o.upper, o.lower), (o.middle, o.middle));
            assert_eq!(o.middle, 42475.229999999996);
        }
    }
}
