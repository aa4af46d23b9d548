//! Arbitrary bytes as a recorded candle file, read as both import formats (`ts,open,...`
//! CSV with its header, and Kraken's headerless OHLCVT) by `cst_import::parse::parse_reader`
//! (what `parse_file` runs over the file); every candle then goes through the integrity
//! rules the store applies (`Candle::check`). The first line is also tried as a file name
//! (`files::identify`, `PairName::parse`). Errors and malformed rows are fine; panics not.
#![no_main]

use std::path::Path;

use cst_import::{Format, files::identify, parse::parse_reader};
use cst_market::Timeframe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::KrakenOhlcvt] {
        match parse_reader(data, Path::new("fuzz/BTC-USDT.csv"), format) {
            Ok(parsed) => {
                for candle in &parsed.candles {
                    if let Err(rejection) = candle.check(Timeframe::H1) {
                        std::hint::black_box((rejection.kind(), rejection.to_string()));
                    }
                }
                std::hint::black_box(format!("{:?}", parsed.malformed));
            }
            Err(e) => {
                std::hint::black_box(e.to_string());
            }
        }
        let first_line = data.split(|&b| b == b'\n').next().unwrap_or_default();
        if let Ok(name) = std::str::from_utf8(first_line)
            && let Ok(source) = identify(Path::new(name), format)
        {
            std::hint::black_box(source.pair.to_string());
        }
    }
});
