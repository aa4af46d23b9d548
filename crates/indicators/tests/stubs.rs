//! Test fixtures: real candles read in place from `../shared/data`, and TA-Lib reference
//! values checked in under `tests/fixtures/`.
//!
//! The reference CSVs are the output of `/work/shared/bench/talib_reference.py` (TA-Lib
//! 0.8.2 wheel, C library 0.8.1) over the first 400 rows of each source file:
//!
//! ```text
//! head -401 shared/data/ohlcv-1h/binance-2024/BTC-USDT.csv > /tmp/btc400.csv
//! python3 talib_reference.py --csv /tmp/btc400.csv --out talib_binance2024_btc_usdt_first400.csv
//! head -400 shared/data/kraken-ohlcvt/XBTUSD_60.csv > /tmp/xbt400.csv
//! python3 talib_reference.py --csv /tmp/xbt400.csv --kraken --out talib_kraken_xbtusd_60_first400.csv
//! ```
//!
//! Values are as TA-Lib wrote them (`%.17g`, which round-trips a double exactly).

#![allow(dead_code)]

use std::path::PathBuf;

use cst_market::Candle;

/// `shared/data/<rel>`, next to the repository.
pub fn data_path(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

/// Candles of a real file: `ts,open,high,low,close,volume` with a header, or Kraken's
/// headerless `unix_s,open,high,low,close,volume,trades`. `limit`: first rows only.
pub fn load_candles(rel: &str, kraken: bool, limit: Option<usize>) -> Vec<Candle> {
    let path = data_path(rel);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(!kraken)
        .from_path(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for record in reader.records() {
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        let r = record.unwrap();
        let f = |i: usize| -> f64 { r[i].parse().unwrap() };
        out.push(Candle {
            open_time: r[0].parse().unwrap(),
            open: f(1),
            high: f(2),
            low: f(3),
            close: f(4),
            volume: f(5),
            trades: if kraken {
                Some(r[6].parse().unwrap())
            } else {
                None
            },
        });
    }
    out
}

/// Every pair file of a data folder, sorted by name.
pub fn pair_files(folder: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(data_path(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .map(|n| format!("{folder}/{n}"))
        .collect();
    files.sort();
    files
}

/// One TA-Lib reference file: a `ts` column and one column per indicator output, NaN where
/// TA-Lib was still warming up.
#[derive(Debug)]
pub struct Reference {
    pub name: &'static str,
    pub ts: Vec<i64>,
    pub columns: Vec<(String, Vec<f64>)>,
}

impl Reference {
    pub fn column(&self, name: &str) -> &[f64] {
        &self
            .columns
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", self.name))
            .1
    }
}

/// A reference file and the real candles it was computed from.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    pub reference: &'static str,
    pub candles: &'static str,
    pub kraken: bool,
}

pub const FIXTURES: [Fixture; 2] = [
    Fixture {
        reference: "talib_binance2024_btc_usdt_first400.csv",
        candles: "ohlcv-1h/binance-2024/BTC-USDT.csv",
        kraken: false,
    },
    Fixture {
        reference: "talib_kraken_xbtusd_60_first400.csv",
        candles: "kraken-ohlcvt/XBTUSD_60.csv",
        kraken: true,
    },
];

impl Fixture {
    pub fn load(&self) -> (Reference, Vec<Candle>) {
        let path = cst_testkit::fixture(self.reference);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut ts = Vec::new();
        let mut columns: Vec<(String, Vec<f64>)> =
            names[1..].iter().map(|n| (n.clone(), Vec::new())).collect();
        for record in reader.records() {
            let r = record.unwrap();
            ts.push(r[0].parse().unwrap());
            for (i, (_, col)) in columns.iter_mut().enumerate() {
                let v = &r[i + 1];
                col.push(if v.is_empty() {
                    f64::NAN
                } else {
                    v.parse().unwrap()
                });
            }
        }
        let candles = load_candles(self.candles, self.kraken, Some(ts.len()));
        let reference = Reference {
            name: self.reference,
            ts,
            columns,
        };
        assert_eq!(
            reference.ts,
            candles.iter().map(|c| c.open_time).collect::<Vec<_>>(),
            "{}: reference rows are not the first candles of {}",
            self.reference,
            self.candles
        );
        (reference, candles)
    }
}
