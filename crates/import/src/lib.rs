//! Importers: how a user gets history older than an exchange's REST limit. Every candle goes
//! through the same integrity checks as live data; malformed rows are counted, never guessed.
//!
//! - [`files`]: which files to read and which series each one is (`BASE-QUOTE.csv`,
//!   `XBTUSD_60.csv`).
//! - [`parse`]: the two row formats.
//! - [`run`]: parse on one thread while the store writes on another; the [`ImportSummary`].
//! - [`error`]: the [`ImportError`] type.

pub mod error;
pub mod files;
pub mod parse;
pub mod run;

pub use error::ImportError;
pub use files::Format;
pub use run::{FileOutcome, ImportSummary, import};
