//! Simple moving average, TA-Lib's running total.

use crate::{indicator::Indicator, ring::Ring};

/// SMA over `N` values, as `TA_SMA`: one running total; each step adds the new value,
/// divides, then subtracts the value leaving the window.
///
/// The order matters: TA-Lib never re-sums the window, so its rounding residue travels
/// with the total, and only the same add-divide-subtract sequence reproduces it.
#[derive(Debug, Clone)]
pub struct Sma<const N: usize> {
    window: Ring<N>,
    total: f64,
    ready: bool,
}

impl<const N: usize> Default for Sma<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Sma<N> {
    pub const fn new() -> Self {
        // Period 1 is the identity, as in TA-Lib 0.7+ (STOCH may smooth by 1).
        const { assert!(N >= 1, "an SMA needs a period of at least 1") };
        Sma {
            window: Ring::new(),
            total: 0.0,
            ready: false,
        }
    }
}

impl<const N: usize> Indicator for Sma<N> {
    type Input = f64;
    type Output = f64;
    const LOOKBACK: usize = N - 1;

    #[inline]
    fn update(&mut self, x: f64) -> Option<f64> {
        self.window.push(x);
        self.total += x;
        if !self.window.is_full() {
            return None;
        }
        let mean = self.total / N as f64;
        // The value that drops out of the next window.
        self.total -= self.window.oldest();
        self.ready = true;
        Some(mean)
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
