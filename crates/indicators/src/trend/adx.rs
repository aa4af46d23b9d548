//! Wilder's average directional index, as TA-Lib computes it.

use crate::{
    indicator::{Hlc, Indicator},
    volatility::true_range,
};

/// TA-Lib's `TA_IS_ZERO` band (`TA_EPSILON`), kept only where the tested value is a sum of
/// two DI ratios (0..=200, dimensionless), so it is scale-free there.
const ZERO_BAND: f64 = 1e-14;

/// ADX over `N` bars, as `TA_ADX`:
///
/// - bars 1..N-1 sum the one-bar +DM, -DM and true range;
/// - from bar N every sum is Wilder-smoothed (`s - s/N + today`) and gives a DX
///   `100 * |-DI - +DI| / (-DI + +DI)`; the first ADX (bar 2N-1) is the mean of N DX,
///   later ones `(adx * (N-1) + dx) / N`.
///
/// One-bar DM: the larger of the up-move and the down-move wins, only if positive; a tie
/// gives neither. Zero rules: a zero smoothed true range (flat market) or a zero DI sum
/// skips the DX (the ADX carries over), TA-Lib's rule. The range test is exact (`> 0`),
/// as in TA-Lib since its #253, so a coin quoted in millionths is not treated as flat.
#[derive(Debug, Clone)]
pub struct Adx<const N: usize> {
    prev: Hlc,
    minus_dm: f64,
    plus_dm: f64,
    tr: f64,
    sum_dx: f64,
    adx: f64,
    /// Bars seen, saturating at `2N` (ready).
    seen: usize,
}

impl<const N: usize> Default for Adx<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Adx<N> {
    pub const fn new() -> Self {
        const { assert!(N >= 2, "an ADX needs a period of at least 2") };
        Adx {
            prev: Hlc {
                high: 0.0,
                low: 0.0,
                close: 0.0,
            },
            minus_dm: 0.0,
            plus_dm: 0.0,
            tr: 0.0,
            sum_dx: 0.0,
            adx: 0.0,
            seen: 0,
        }
    }

    /// This bar's DX, or `None` where TA-Lib skips it.
    #[inline]
    fn dx(&self) -> Option<f64> {
        if self.tr > 0.0 {
            let minus_di = 100.0 * (self.minus_dm / self.tr);
            let plus_di = 100.0 * (self.plus_dm / self.tr);
            let sum = minus_di + plus_di;
            if !(-ZERO_BAND < sum && sum < ZERO_BAND) {
                return Some(100.0 * ((minus_di - plus_di).abs() / sum));
            }
        }
        None
    }
}

impl<const N: usize> Indicator for Adx<N> {
    type Input = Hlc;
    type Output = f64;
    const LOOKBACK: usize = 2 * N - 1;

    #[inline]
    fn update(&mut self, bar: Hlc) -> Option<f64> {
        let seen = self.seen;
        let prev = std::mem::replace(&mut self.prev, bar);
        if seen == 0 {
            self.seen = 1;
            return None;
        }
        let diff_p = bar.high - prev.high;
        let diff_m = prev.low - bar.low;
        let (minus_dm1, plus_dm1) = if diff_m > 0.0 && diff_p < diff_m {
            (diff_m, 0.0)
        } else if diff_p > 0.0 && diff_p > diff_m {
            (0.0, diff_p)
        } else {
            (0.0, 0.0)
        };
        let tr1 = true_range(bar.high, bar.low, prev.close);
        let n = N as f64;
        if seen < N {
            // Plain sums over bars 1..N-1 (N-1 bars).
            self.minus_dm += minus_dm1;
            self.plus_dm += plus_dm1;
            self.tr += tr1;
            self.seen += 1;
            return None;
        }
        self.minus_dm -= self.minus_dm / n;
        self.plus_dm -= self.plus_dm / n;
        self.minus_dm += minus_dm1;
        self.plus_dm += plus_dm1;
        self.tr = self.tr - self.tr / n + tr1;
        let dx = self.dx();
        if seen < 2 * N - 1 {
            self.sum_dx += dx.unwrap_or(0.0);
            self.seen += 1;
            return None;
        }
        if seen == 2 * N - 1 {
            self.sum_dx += dx.unwrap_or(0.0);
            self.adx = self.sum_dx / n;
            self.seen += 1;
        } else if let Some(dx) = dx {
            self.adx = (self.adx * (N - 1) as f64 + dx) / n;
        }
        Some(self.adx)
    }

    fn is_ready(&self) -> bool {
        self.seen >= 2 * N
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A halted market (the 2024-01-01 00:00 BTC-USDT close as high, low and close): the
    /// true range is 0, so TA-Lib skips every DX and the ADX stays 0.
    #[test]
    fn a_flat_market_has_zero_adx_like_talib() {
        let bar = Hlc {
            high: 42475.23,
            low: 42475.23,
            close: 42475.23,
        };
        let mut adx = Adx::<14>::new();
        let out: Vec<_> = (0..40).map(|_| adx.update(bar)).collect();
        assert!(out[..27].iter().all(Option::is_none));
        assert!(out[27..].iter().all(|v| *v == Some(0.0)));
    }
}
