//! Moving averages: the building blocks of MACD, Bollinger and STOCH.

pub mod ema;
pub mod sma;

pub use ema::Ema;
pub use sma::Sma;
