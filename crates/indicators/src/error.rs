//! Why the technical engine refused a candle. A refused candle leaves the engine exactly as
//! it was, so the caller can log it and go on with the next one.

use cst_market::Rejection;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    /// Candles must arrive oldest first; a repeat or an older candle would corrupt every
    /// running sum, so it is refused rather than silently dropped.
    #[error(
        "candle opening at {got} is not after the previous one at {previous}: feed candles in time order, each once"
    )]
    OutOfOrder { previous: i64, got: i64 },
    /// A candle that breaks the market rules (not finite, non-positive price, high below
    /// the body, ...) would poison the indicators for as long as their memory lasts.
    #[error("candle opening at {open_time} is invalid ({reason}): fix or drop it upstream")]
    InvalidCandle { open_time: i64, reason: Rejection },
}
