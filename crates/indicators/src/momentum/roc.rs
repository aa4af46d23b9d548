//! Rate of change in percent.

use crate::{indicator::Indicator, ring::Ring};

/// ROC over `N` closes, as `TA_ROC`: `((x / x[-N]) - 1) * 100`, and 0 when the old close is
/// exactly 0 (TA-Lib's rule; real prices are never 0, but the answer is defined).
#[derive(Debug, Clone)]
pub struct Roc<const N: usize> {
    /// The `N` closes before the current one.
    previous: Ring<N>,
    ready: bool,
}

impl<const N: usize> Default for Roc<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Roc<N> {
    pub const fn new() -> Self {
        const { assert!(N >= 1, "a ROC needs a period of at least 1") };
        Roc {
            previous: Ring::new(),
            ready: false,
        }
    }
}

impl<const N: usize> Indicator for Roc<N> {
    type Input = f64;
    type Output = f64;
    const LOOKBACK: usize = N;

    #[inline]
    fn update(&mut self, x: f64) -> Option<f64> {
        let out = if self.previous.is_full() {
            let old = self.previous.oldest();
            self.ready = true;
            Some(if old != 0.0 {
                ((x / old) - 1.0) * 100.0
            } else {
                0.0
            })
        } else {
            None
        };
        self.previous.push(x);
        out
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
