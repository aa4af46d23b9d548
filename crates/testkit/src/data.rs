//! Where tests and benchmarks find the recorded data in `../shared` (read in place, never
//! copied) and their crate's own fixtures.
//!
//! Paths come from the *runtime* `CARGO_MANIFEST_DIR`, which cargo sets to the directory of
//! the crate under test: a test binary cached in a shared target dir by another checkout
//! then still reads the data beside the checkout running it. The compile-time value is only
//! a fallback for binaries started by hand.

use std::path::PathBuf;

/// The directory of the crate whose test or benchmark is running.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}

/// `shared/<rel>` in the nearest ancestor of the crate that has one (the checkout's sibling
/// `../shared`); panics saying where it looked.
pub fn shared(rel: &str) -> PathBuf {
    let dir = manifest_dir();
    match dir.ancestors().find(|a| a.join("shared/data").is_dir()) {
        Some(a) => a.join("shared").join(rel),
        None => panic!(
            "no shared/data beside any ancestor of {}: put ../shared (the recorded market \
             data) beside the checkout",
            dir.display()
        ),
    }
}

/// `shared/data/<rel>`: the recorded market data.
pub fn data(rel: &str) -> PathBuf {
    shared("data").join(rel)
}

/// `tests/fixtures/<rel>` of the crate under test.
pub fn fixture(rel: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(rel)
}

/// The pairs of a recording of hourly candles (`ohlcv-1h/<set>`), as its files name them
/// (`BTC-USDT`), sorted.
pub fn recorded_pairs(set: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data(&format!("ohlcv-1h/{set}")))
        .unwrap_or_else(|e| panic!("ohlcv-1h/{set}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().replace(".csv", ""))
        .collect();
    names.sort();
    names
}
