//! MACD 12/26/9 the way TA-Lib aligns it.

use crate::{average::Ema, indicator::Indicator};

/// One MACD reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdOutput {
    pub macd: f64,
    pub signal: f64,
    pub hist: f64,
}

/// MACD with fast `F`, slow `S` and signal `G` periods, as `TA_MACD`.
///
/// TA-Lib does not start the fast EMA at the first bar: it seeds it with the SMA of the `F`
/// closes that END where the slow seed ends (bars `S-F .. S-1`), so both EMAs first exist on
/// the same bar and the MACD line starts there. The signal EMA is seeded with the plain mean
/// of the first `G` MACD values. A textbook MACD that seeds the fast EMA at bar `F-1`
/// differs from TA-Lib for hundreds of bars. All three recursions are the fused step of
/// [`Ema`], which is what TA-Lib 0.8 compiles to.
#[derive(Debug, Clone)]
pub struct Macd<const F: usize, const S: usize, const G: usize> {
    slow_sum: f64,
    fast_sum: f64,
    signal_sum: f64,
    fast: f64,
    slow: f64,
    signal: f64,
    seen: usize,
}

impl<const F: usize, const S: usize, const G: usize> Default for Macd<F, S, G> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const F: usize, const S: usize, const G: usize> Macd<F, S, G> {
    pub const fn new() -> Self {
        const {
            assert!(
                2 <= F && F < S && G >= 2,
                "MACD needs 2 <= fast < slow, signal >= 2"
            )
        };
        Macd {
            slow_sum: 0.0,
            fast_sum: 0.0,
            signal_sum: 0.0,
            fast: 0.0,
            slow: 0.0,
            signal: 0.0,
            seen: 0,
        }
    }
}

impl<const F: usize, const S: usize, const G: usize> Indicator for Macd<F, S, G> {
    type Input = f64;
    type Output = MacdOutput;
    const LOOKBACK: usize = (S - 1) + (G - 1);

    #[inline]
    fn update(&mut self, x: f64) -> Option<MacdOutput> {
        let seen = self.seen;
        if seen < S {
            // The slow seed sums every bar; the fast seed only the last F of them.
            self.slow_sum += x;
            if seen >= S - F {
                self.fast_sum += x;
            }
            if seen + 1 == S {
                self.slow = self.slow_sum / S as f64;
                self.fast = self.fast_sum / F as f64;
            }
        } else {
            self.fast = Ema::<F>::step(x, self.fast, Ema::<F>::K);
            self.slow = Ema::<S>::step(x, self.slow, Ema::<S>::K);
        }
        self.seen = if seen > Self::LOOKBACK {
            seen
        } else {
            seen + 1
        };
        if seen + 1 < S {
            return None;
        }
        let macd = self.fast - self.slow;
        if seen < Self::LOOKBACK {
            self.signal_sum += macd;
            return None;
        }
        if seen == Self::LOOKBACK {
            self.signal_sum += macd;
            self.signal = self.signal_sum / G as f64;
        } else {
            self.signal = Ema::<G>::step(macd, self.signal, Ema::<G>::K);
        }
        Some(MacdOutput {
            macd,
            signal: self.signal,
            hist: macd - self.signal,
        })
    }

    fn is_ready(&self) -> bool {
        self.seen > Self::LOOKBACK
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
