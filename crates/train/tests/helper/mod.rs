//! Real feature rows for model tests: the technical features of recorded Binance 2024
//! candles (read in place), with the real forward 24 h log-return as the target.

#![allow(dead_code)] // Each test binary uses a part.

use std::path::PathBuf;

use cst_import::{Format, parse::parse_file};
use cst_indicators::{TECHNICAL_FEATURES, rebuild};

pub const N_FEATURES: usize = TECHNICAL_FEATURES.len();
const HORIZON: usize = 24;

/// Row-major features and the forward 24 h log-return of each row, for `pairs`.
pub fn rows(pairs: &[&str]) -> (Vec<f64>, Vec<f64>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for pair in pairs {
        let path: PathBuf = cst_testkit::data(&format!("ohlcv-1h/binance-2024/{pair}.csv"));
        let candles = parse_file(&path, Format::Csv).unwrap().candles;
        let close_at: std::collections::HashMap<i64, f64> = candles
            .iter()
            .map(|c| (c.open_time + 3600, c.close))
            .collect();
        for (t, row) in rebuild(&candles) {
            let (Some(now), Some(later)) =
                (close_at.get(&t), close_at.get(&(t + HORIZON as i64 * 3600)))
            else {
                continue;
            };
            x.extend_from_slice(&row);
            y.push((later / now).ln());
        }
    }
    (x, y)
}

/// Makes some values missing, as an optional feature group without data would be.
pub fn punch_holes(x: &mut [f64], every: usize, feature: usize) {
    for (i, row) in x.chunks_mut(N_FEATURES).enumerate() {
        if i % every == 0 {
            row[feature] = f64::NAN;
        }
    }
}

/// A store (in `dir`) holding the whole of 2024 of each `(file stem, pair)` of
/// binance-2024, and the technical-only build context of the default config.
pub fn store_2024(
    dir: &std::path::Path,
    pairs: &[(&str, &str)],
) -> (cst_store::Store, cst_features::BuildContext) {
    use cst_store::{CandleKey, Store};
    let mut store = Store::open(&dir.join("cst.db")).unwrap();
    for (file, pair) in pairs {
        let path = cst_testkit::data(&format!("ohlcv-1h/binance-2024/{file}.csv"));
        let candles = parse_file(&path, Format::Csv).unwrap().candles;
        let key = CandleKey::new("binance", pair, cst_market::Timeframe::H1);
        store.insert_candles(&key, &candles, "test").unwrap();
    }
    let config: cst_config::Config = cst_config::load(&cst_config::Home::new(dir), None).unwrap();
    let ctx = cst_features::BuildContext::candles_only(&config, "binance").unwrap();
    (store, ctx)
}
