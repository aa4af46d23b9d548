//! The trading rules over real recorded candles (binance-2021-2022): the gate, the limits,
//! the kill switch, exits and fills. Predictions are written by hand here — they are model
//! outputs, not market data — so each test can aim at one rule.

mod common;
mod engine;
mod gate;
mod limits;
mod live;
mod live_start;
