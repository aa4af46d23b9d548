//! Average true range: TA-Lib's seed, `kand`'s Wilder step.

use crate::{
    indicator::{Hlc, Indicator},
    volatility::true_range,
};

/// ATR over `N` bars, as `TA_ATR`: the first value is the mean of the first `N` true ranges
/// (bars 1..=N, summed from 0.0 in order; bar 0 only lends its close); every later one is
/// Wilder's `(prev * (N-1) + tr) / N`.
///
/// The step is `kand`'s [`kand::ohlcv::atr::atr_inc`] (`fma(prev, N-1, tr) / N`): within
/// 1e-17 of TA-Lib 0.8's `fma(beta, prev, alpha * tr)` on real data, and it keeps its state
/// in the caller, so it streams as is (see the crate's `kand` evaluation). It is not
/// bitwise TA-Lib; the ATR column is the one checked to the tolerance only.
#[derive(Debug, Clone)]
pub struct Atr<const N: usize> {
    prev_close: f64,
    value: f64,
    seen: usize,
}

impl<const N: usize> Default for Atr<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Atr<N> {
    pub const fn new() -> Self {
        const { assert!(N >= 2, "an ATR needs a period of at least 2") };
        Atr {
            prev_close: 0.0,
            value: 0.0,
            seen: 0,
        }
    }
}

impl<const N: usize> Indicator for Atr<N> {
    type Input = Hlc;
    type Output = f64;
    const LOOKBACK: usize = N;

    #[inline]
    fn update(&mut self, bar: Hlc) -> Option<f64> {
        let seen = self.seen;
        let prev_close = std::mem::replace(&mut self.prev_close, bar.close);
        if seen == 0 {
            self.seen = 1;
            return None;
        }
        if seen <= N {
            let tr = true_range(bar.high, bar.low, prev_close);
            // Sum of the first N ranges (from 0.0, in order), then their mean.
            self.value += tr;
            self.seen += 1;
            if seen < N {
                return None;
            }
            self.value /= N as f64;
        } else {
            // kand refuses only a period below 2, ruled out at compile time by `new`.
            self.value = kand::ohlcv::atr::atr_inc(bar.high, bar.low, prev_close, self.value, N)
                .unwrap_or(f64::NAN);
        }
        Some(self.value)
    }

    fn is_ready(&self) -> bool {
        self.seen > N
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
