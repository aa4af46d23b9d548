//! Wilder's relative strength index, TA-Lib's arithmetic.

use crate::indicator::Indicator;

/// RSI over `N` closes, as `TA_RSI` (0.8): the average gain and loss are seeded with the
/// plain mean of the first `N` changes, then smoothed as `(avg * (N-1) + change) * (1/N)`.
///
/// Zero rule: when the average gain plus loss is exactly zero (a flat window) the answer is
/// 0, TA-Lib's; the test is exact, not TA-Lib's old fixed 1e-8 band, which zeroed the index
/// of any coin quoted in millionths.
#[derive(Debug, Clone)]
pub struct Rsi<const N: usize> {
    prev_close: f64,
    gain: f64,
    loss: f64,
    /// Closes seen, capped at `N + 1` (ready).
    seen: usize,
}

impl<const N: usize> Default for Rsi<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Rsi<N> {
    const INV: f64 = 1.0 / N as f64;

    pub const fn new() -> Self {
        const { assert!(N >= 2, "an RSI needs a period of at least 2") };
        Rsi {
            prev_close: 0.0,
            gain: 0.0,
            loss: 0.0,
            seen: 0,
        }
    }

    fn value(&self) -> f64 {
        let total = self.gain + self.loss;
        if total > 0.0 {
            100.0 * (self.gain / total)
        } else {
            0.0
        }
    }
}

impl<const N: usize> Indicator for Rsi<N> {
    type Input = f64;
    type Output = f64;
    const LOOKBACK: usize = N;

    #[inline]
    fn update(&mut self, x: f64) -> Option<f64> {
        let change = x - self.prev_close;
        self.prev_close = x;
        // Both accumulators move every bar, without a branch: `up - change` is the loss.
        let up = if change > 0.0 { change } else { 0.0 };
        match self.seen {
            0 => {
                self.seen = 1;
                return None;
            }
            s if s < N => {
                self.gain += up;
                self.loss += up - change;
                self.seen += 1;
                return None;
            }
            s if s == N => {
                self.gain += up;
                self.loss += up - change;
                self.loss *= Self::INV;
                self.gain *= Self::INV;
                self.seen += 1;
            }
            _ => {
                self.loss *= (N - 1) as f64;
                self.gain *= (N - 1) as f64;
                self.gain += up;
                self.loss += up - change;
                self.loss *= Self::INV;
                self.gain *= Self::INV;
            }
        }
        Some(self.value())
    }

    fn is_ready(&self) -> bool {
        self.seen > N
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A halted market: the first BTC-USDT close of 2024 (binance-2024), unchanged. TA-Lib
    /// 0.8.1 answers 0 for every bar (checked with the `TA-Lib` 0.8.2 wheel).
    #[test]
    fn a_flat_window_reads_zero_like_talib() {
        let mut rsi = Rsi::<14>::new();
        let out: Vec<_> = (0..30).map(|_| rsi.update(42475.23)).collect();
        assert!(out[..14].iter().all(Option::is_none));
        assert!(out[14..].iter().all(|v| *v == Some(0.0)));
    }
}
