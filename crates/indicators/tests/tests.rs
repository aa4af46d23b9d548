//! The crate's one integration-test binary. Real candles are read in place from
//! `../shared/data`; TA-Lib reference values live in `tests/fixtures/`.

mod engine;
mod kand_eval;
mod properties;
mod scale;
mod stubs;
mod talib_parity;
mod warmup;
