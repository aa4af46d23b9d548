//! Momentum oscillators: how fast and how far price moved.

pub mod macd;
pub mod roc;
pub mod rsi;
pub mod stoch;

pub use macd::{Macd, MacdOutput};
pub use roc::Roc;
pub use rsi::Rsi;
pub use stoch::{Stoch, StochOutput};
