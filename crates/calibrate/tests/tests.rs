//! Integration tests. Reference values come from scikit-learn and numpy (`reference.py`,
//! fixtures in `fixtures/`), derived from real Binance BTC/USDT hourly candles of 2024;
//! the property and coverage tests read the same candles in place from ../shared/data.

mod bad_input;
mod barrier;
mod conformal;
mod drift;
mod helper;
mod isotonic;
mod reference;
mod signal;
mod stacker;
