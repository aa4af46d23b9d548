//! Exponential moving average, TA-Lib's classic seeding.

use crate::indicator::Indicator;

/// EMA over `N` closes, as `TA_EMA`: the first value is the SMA of the first `N` inputs
/// (summed from 0.0 in input order, then divided), every later one is
/// `fma(x - prev, k, prev)` with `k = 2 / (N + 1)`.
///
/// The update step is `kand`'s [`kand::ohlcv::ema::ema_inc`]: it is that exact fused
/// multiply-add, which is also what TA-Lib 0.8 compiles its recursion to, so the two agree
/// to the bit (see the crate's `kand` evaluation test). The seed is ours: `kand` has no
/// streaming seed.
#[derive(Debug, Clone)]
pub struct Ema<const N: usize> {
    seed_sum: f64,
    seen: usize,
    value: f64,
}

impl<const N: usize> Default for Ema<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Ema<N> {
    /// TA-Lib's `PER_TO_K`.
    pub const K: f64 = 2.0 / ((N + 1) as f64);

    pub const fn new() -> Self {
        const { assert!(N >= 2, "an EMA needs a period of at least 2") };
        Ema {
            seed_sum: 0.0,
            seen: 0,
            value: 0.0,
        }
    }

    /// The current value, once ready.
    pub fn value(&self) -> Option<f64> {
        self.is_ready().then_some(self.value)
    }

    /// One smoothing step from `prev`; shared with MACD, whose three EMAs are this step.
    #[inline]
    pub(crate) fn step(x: f64, prev: f64, k: f64) -> f64 {
        // kand refuses only a period below 2, which `new` rules out at compile time; the
        // NaN would make such a misuse visible instead of panicking on a data path.
        kand::ohlcv::ema::ema_inc(x, prev, N, Some(k)).unwrap_or(f64::NAN)
    }
}

impl<const N: usize> Indicator for Ema<N> {
    type Input = f64;
    type Output = f64;
    const LOOKBACK: usize = N - 1;

    #[inline]
    fn update(&mut self, x: f64) -> Option<f64> {
        if self.seen < N {
            self.seed_sum += x;
            self.seen += 1;
            if self.seen < N {
                return None;
            }
            self.value = self.seed_sum / N as f64;
        } else {
            self.value = Self::step(x, self.value, Self::K);
        }
        Some(self.value)
    }

    fn is_ready(&self) -> bool {
        self.seen == N
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
