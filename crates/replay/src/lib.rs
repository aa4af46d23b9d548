//! The replay exchange: a Kraken-compatible public REST server that serves recorded 1-hour
//! candle files on a simulated clock, so the whole service can live through months of
//! recorded market in minutes, offline, through the same client code as live.
//!
//! Only what was recorded is served: no price, volume or candle is ever generated, filled or
//! interpolated; gaps in the recording stay gaps. Where Kraken's protocol asks for data the
//! recording does not have (order books, trades, trade counts, vwap), the module that
//! answers says what it sends instead, and why ([`endpoints::ticker`] has no spread).
//!
//! - [`replay`]: [`Replay`], the loaded recording and its clock ([`Replay::load`],
//!   [`Replay::now`]).
//! - [`server`]: [`serve`], the HTTP server on a caller's listener.
//! - [`endpoints`]: one handler per Kraken endpoint, and [`router`].
//! - [`load`]: files to checked series; the [`LoadReport`] of what was left out.
//! - [`clock`]: hours of the simulated clock ([`cst_clock::SimClock`], `start + real
//!   elapsed × speed`).
//! - `series`: one pair's sorted candles and how its numbers are written.
//! - [`error`]: [`ReplayError`], why a replay could not be loaded.
//!
//! Where a replay differs from live Kraken (each is documented where it is answered):
//!
//! - Names are the recording's (`BTCUSDT`, `BTC/USDT`), not Kraken's (`XBTUSDT`,
//!   `XXBTZUSD`); every pair is `online` from its first recorded candle on.
//! - `OHLC` serves 60-minute candles only; its last row is the *full* recorded candle of the
//!   current hour, not a partial one; `vwap` is `"0.0"` and `count` 0 (not recorded); during
//!   an outage in the recording there is no unfinished row.
//! - `Ticker` has **no order book**: bid and ask are the last close with volume 0; trade
//!   counts are 0; vwap is approximated from hourly closes.
//! - `Depth` and `Trades` are refused with `EGeneral:Invalid arguments`.
//! - `SystemStatus` is always `online`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! let dir = std::path::Path::new("../shared/data/ohlcv-1h/binance-2024");
//! // 2024-03-01 00:00 UTC, one simulated hour per real second.
//! let replay = Arc::new(cst_replay::Replay::load(dir, 1_709_251_200, 3600.0)?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8089").await?;
//! cst_replay::serve(listener, replay, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

pub mod clock;
pub mod endpoints;
pub mod error;
pub mod load;
pub mod replay;
mod series;
pub mod server;

pub use endpoints::router;
pub use error::ReplayError;
pub use load::LoadReport;
pub use replay::Replay;
pub use server::serve;
