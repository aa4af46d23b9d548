//! The dashboard API over a real store: recorded Binance candles (BTC and ETH, 2021-2022)
//! imported into a temporary home, served on a loopback port, asked over HTTP.

mod api;
