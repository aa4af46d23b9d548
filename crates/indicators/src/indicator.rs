//! The one trait every indicator implements, and the small input types they consume.

use cst_market::Candle;

/// A streaming indicator: one `update` per closed candle, O(1) and allocation-free.
///
/// `update` returns `None` exactly where TA-Lib's batch function returns NaN (its
/// lookback), and `Some` from then on, so a caller never has to know each lookback.
pub trait Indicator {
    /// What one update consumes: a close, a high/low/close bar, or a close with its volume.
    type Input: Copy;
    /// What a ready indicator produces.
    type Output: Copy;
    /// Inputs consumed before the first output: TA-Lib's `*_Lookback()` for these periods.
    const LOOKBACK: usize;

    /// Feeds the next input; returns the value at this input once warm.
    fn update(&mut self, input: Self::Input) -> Option<Self::Output>;
    /// True once the last `update` returned a value (TA-Lib's output is no longer NaN).
    fn is_ready(&self) -> bool;
    /// Forgets everything, as after a data gap: the next input starts a new warm-up.
    fn reset(&mut self);
}

/// The three prices the range-based indicators (ATR, ADX, STOCH) read from a bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hlc {
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

impl From<&Candle> for Hlc {
    fn from(c: &Candle) -> Self {
        Hlc {
            high: c.high,
            low: c.low,
            close: c.close,
        }
    }
}

/// What OBV reads from a bar: the close decides the sign, the volume the size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloseVolume {
    pub close: f64,
    pub volume: f64,
}

impl From<&Candle> for CloseVolume {
    fn from(c: &Candle) -> Self {
        CloseVolume {
            close: c.close,
            volume: c.volume,
        }
    }
}
