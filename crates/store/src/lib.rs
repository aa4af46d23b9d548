//! The shared artifact store every agent uses. The store is the truth; bus events only say
//! that something in it changed.
//!
//! - [`db`]: opening `HOME/data/cst.db` (WAL, busy timeout) and migrating its schema.
//! - [`migrations`]: the schema, one step per version; applied steps never change.
//! - [`candles`]: candles keyed by (exchange, pair, timeframe, open time), integrity-checked
//!   on the way in, gaps computed from what is stored, never filled.
//! - [`pairs`]: the pairs an exchange lists, and the coverage audits of collection runs.
//! - [`trades`]: public trades with their paging cursor, and depth snapshots.
//! - [`flow`]: how far each pair's trades are known complete; depth snapshots by window.
//! - [`news`]: scored news items, the coins they mention, and when each source was read.
//! - [`backfill`]: history older than the candle limit, rebuilt from paged trades.
//! - [`models`]: the model registry's rows (one active model per horizon at most).
//! - [`feature_rows`]: each pair-hour's feature row as built once, for every reader.
//! - [`predictions`]: stored predictions, one row per (pair, decision time, horizon, model).
//! - [`trading`]: each hour's gate run and candidates, orders, trades, equity, the account.
//! - [`health`]: what the ml agent serves, its drift checks, health reports and alerts.
//! - [`rewind`]: the store as it was at a time (look-ahead tests, replays), and copies.
//! - [`blobs`]: content-addressed files (sha256) under `HOME/data/blobs/`, written atomically
//!   and verified on read.
//! - [`error`]: the [`StoreError`] type.
//!
//! No SQL lives outside this crate.

pub mod backfill;
pub mod blobs;
pub mod candles;
pub mod db;
pub mod error;
pub mod feature_rows;
pub mod flow;
pub mod health;
pub mod migrations;
pub mod models;
pub mod news;
pub mod pairs;
pub mod predictions;
pub mod rewind;
pub mod trades;
pub mod trading;

pub use backfill::BackfillCursor;
pub use blobs::{BlobId, BlobStore, write_atomic};
pub use candles::{CandleKey, Gap, InsertReport};
pub use db::Store;
pub use error::StoreError;
pub use feature_rows::StoredFeatureRow;
pub use flow::TradeCoverage;
pub use health::{DriftCheck, InputTimes, PredictionCount, Serving, StoredAlert, StoredHealth};
pub use models::{ModelRecord, ModelStatus};
pub use news::{NewsCoverage, StoredLlm, StoredNews};
pub use pairs::{CoverageAudit, ListingChanges, PairRecord};
pub use predictions::StoredPrediction;
pub use trades::{DepthSnapshot, TradeInsert};
pub use trading::{GateRun, GatedRow, PortfolioHour};
