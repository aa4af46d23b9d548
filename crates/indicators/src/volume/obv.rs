//! On-balance volume.

use crate::indicator::{CloseVolume, Indicator};

/// OBV as `TA_OBV`: starts at the first bar's volume (not 0), then adds the volume of an up
/// close, subtracts that of a down close, and keeps still on an unchanged close.
///
/// The step is `kand`'s [`kand::ohlcv::obv::obv_inc`], bitwise TA-Lib.
///
/// Its level depends on where the series started; only differences over a window carry
/// meaning, which is why the feature row uses a 24-hour difference.
#[derive(Debug, Clone, Default)]
pub struct Obv {
    prev_close: f64,
    value: f64,
    ready: bool,
}

impl Obv {
    pub const fn new() -> Self {
        Obv {
            prev_close: 0.0,
            value: 0.0,
            ready: false,
        }
    }
}

impl Indicator for Obv {
    type Input = CloseVolume;
    type Output = f64;
    const LOOKBACK: usize = 0;

    #[inline]
    fn update(&mut self, bar: CloseVolume) -> Option<f64> {
        if self.ready {
            // obv_inc is infallible without kand's `deep-check` (its NaN screen), which
            // this crate does not enable; keeping the old value is the safe reading.
            self.value =
                kand::ohlcv::obv::obv_inc(bar.close, self.prev_close, bar.volume, self.value)
                    .unwrap_or(self.value);
        } else {
            self.value = bar.volume;
            self.ready = true;
        }
        self.prev_close = bar.close;
        Some(self.value)
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}
