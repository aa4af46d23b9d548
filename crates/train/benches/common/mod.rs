//! What the benchmarks start from: all 136 pairs of ../shared/data/ohlcv-1h/binance-2024
//! (read in place) in a fresh store, and the technical-only build context.

use cst_config::{Config, Home};
use cst_features::BuildContext;
use cst_import::{Format, parse::parse_file};
use cst_market::{Candle, Timeframe};
use cst_store::{CandleKey, Store};

/// The store (in `dir`), its pairs, the default config and the build context.
pub fn binance_2024(dir: &std::path::Path) -> (Store, Vec<String>, Config, BuildContext) {
    let (store, pairs, config, ctx, _) = binance_2024_holding_back(dir, 0);
    (store, pairs, config, ctx)
}

/// As [`binance_2024`], with each pair's newest `hold_back` candles left out of the store
/// and returned (per pair, oldest first) for the caller to insert as they "arrive".
#[allow(dead_code)] // Used by one benchmark binary, not the other.
pub fn binance_2024_holding_back(
    dir: &std::path::Path,
    hold_back: usize,
) -> (Store, Vec<String>, Config, BuildContext, Vec<Vec<Candle>>) {
    let mut store = Store::open(&dir.join("cst.db")).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(cst_testkit::data("ohlcv-1h/binance-2024"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut pairs = Vec::new();
    let mut held = Vec::new();
    for f in files {
        let pair = f.file_stem().unwrap().to_string_lossy().replace('-', "/");
        let mut candles = parse_file(&f, Format::Csv).unwrap().candles;
        let later = candles.split_off(candles.len() - hold_back);
        store
            .insert_candles(
                &CandleKey::new("binance", &pair, Timeframe::H1),
                &candles,
                "bench",
            )
            .unwrap();
        pairs.push(pair);
        held.push(later);
    }
    let config: Config = cst_config::load(&Home::new(dir), None).unwrap();
    let ctx = BuildContext::candles_only(&config, "binance").unwrap();
    (store, pairs, config, ctx, held)
}
