//! The technical feature row: 26 scale-free numbers per pair and hour, computed
//! incrementally, identical whether built live one candle at a time or rebuilt from history.
//!
//! - [`features`]: [`TECHNICAL_FEATURES`] (names, in row order), [`TechRow`], and one
//!   documented index constant per feature in [`features::idx`].
//! - [`rolling`]: windowed sums and variances that stay exact over years of updates.
//! - [`engine`]: [`TechnicalEngine`], one per pair: order checks, gap resets, warm-up.
//! - [`row`]: turning indicator values into the row (pure arithmetic).
//! - [`mod@rebuild`]: [`rebuild()`] one series, [`rebuild_all`] many in parallel.

pub mod engine;
pub mod features;
pub mod rebuild;
pub mod rolling;
pub mod row;

pub use engine::{EngineCounters, TechnicalEngine, WARMUP_CANDLES};
pub use features::{N_FEATURES, TECHNICAL_FEATURES, TechRow};
pub use rebuild::{rebuild, rebuild_all};
