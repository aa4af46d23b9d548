//! How wide price swings: true range, ATR and Bollinger bands.

pub mod atr;
pub mod bollinger;
pub mod true_range;

pub use atr::Atr;
pub use bollinger::{Bollinger, BollingerOutput};
pub use true_range::true_range;
