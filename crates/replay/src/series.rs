//! One pair's recorded candles, sorted by open time, and how its numbers are written.

use std::fmt::Write;
use std::path::PathBuf;

use cst_market::{Candle, PairName};

/// Checked, sorted, one candle per open time. Never changed after loading: the replay only
/// reads.
#[derive(Debug)]
pub struct Series {
    pub pair: PairName,
    /// The file it came from, to name it in errors.
    pub path: PathBuf,
    candles: Vec<Candle>,
    /// Most decimals any price of the recording has: Kraken's `pair_decimals`, and the
    /// precision every price is written with, which is therefore exact.
    price_decimals: u32,
    /// The same for volumes (`lot_decimals`).
    volume_decimals: u32,
}

impl Series {
    /// `candles` must be checked, sorted and unique by open time, and not empty.
    pub fn new(pair: PairName, path: PathBuf, candles: Vec<Candle>) -> Self {
        debug_assert!(candles.windows(2).all(|w| w[0].open_time < w[1].open_time));
        let mut buf = String::new();
        let mut most = |values: &mut dyn Iterator<Item = f64>| {
            values.map(|v| decimals(v, &mut buf)).max().unwrap_or(0)
        };
        let price_decimals = most(
            &mut candles
                .iter()
                .flat_map(|c| [c.open, c.high, c.low, c.close]),
        );
        let volume_decimals = most(&mut candles.iter().map(|c| c.volume));
        Self {
            pair,
            path,
            candles,
            price_decimals,
            volume_decimals,
        }
    }

    /// Kraken's request name and result key for it (`BTCUSDT`). The replay has no legacy
    /// X/Z asset codes, so the key and the altname are the same, as for Kraken's newer pairs.
    pub fn altname(&self) -> String {
        format!("{}{}", self.pair.base, self.pair.quote)
    }

    pub fn price_decimals(&self) -> u32 {
        self.price_decimals
    }

    pub fn volume_decimals(&self) -> u32 {
        self.volume_decimals
    }

    /// When the pair lists: the open time of its first recorded candle.
    pub fn first_open(&self) -> i64 {
        self.candles.first().map_or(i64::MAX, |c| c.open_time)
    }

    pub fn last_open(&self) -> i64 {
        self.candles.last().map_or(i64::MIN, |c| c.open_time)
    }

    pub fn len(&self) -> usize {
        self.candles.len()
    }

    /// Candles with `from <= open_time < to`, oldest first.
    pub fn between(&self, from: i64, to: i64) -> &[Candle] {
        let lo = self.candles.partition_point(|c| c.open_time < from);
        let hi = self.candles.partition_point(|c| c.open_time < to);
        &self.candles[lo..hi.max(lo)]
    }

    /// The candle that opened at exactly `open_time`, if one was recorded.
    pub fn at(&self, open_time: i64) -> Option<&Candle> {
        self.between(open_time, open_time.saturating_add(1)).first()
    }

    /// The newest candle that opened before `t`.
    pub fn before(&self, t: i64) -> Option<&Candle> {
        self.between(i64::MIN, t).last()
    }

    /// A price with the recording's precision: exact, because no recorded price has more
    /// decimals (Kraken also writes a fixed number of decimals per pair).
    pub fn price(&self, value: f64) -> String {
        format!("{value:.*}", self.price_decimals as usize)
    }

    pub fn volume(&self, value: f64) -> String {
        format!("{value:.*}", self.volume_decimals as usize)
    }
}

/// Decimals of the shortest text that reads back as `value` (`42283.58` → 2): the precision
/// the recording was written with.
fn decimals(value: f64, buf: &mut String) -> u32 {
    buf.clear();
    // Writing to a String cannot fail.
    let _ = write!(buf, "{value}");
    buf.split_once('.').map_or(0, |(_, frac)| frac.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(open_time: i64, price: f64, volume: f64) -> Candle {
        Candle {
            open_time,
            open: price,
            high: price,
            low: price,
            close: price,
            volume,
            trades: None,
        }
    }

    /// Values from BTC-USDT and PEPE-USDT of the 2024 recording.
    fn series() -> Series {
        let candles = vec![
            candle(3600, 42283.58, 1271.68108),
            candle(7200, 42775.0, 0.0),
            candle(14400, 0.00000123, 5.0),
        ];
        Series::new(PairName::new("btc", "usdt"), "BTC-USDT.csv".into(), candles)
    }

    #[test]
    fn decimals_are_what_the_recording_used() {
        let s = series();
        assert_eq!((s.price_decimals(), s.volume_decimals()), (8, 5));
        assert_eq!(s.price(42775.0), "42775.00000000");
        assert_eq!(s.volume(1271.68108), "1271.68108");
        assert_eq!(s.price(0.00000123).parse::<f64>().unwrap(), 0.00000123);
        assert_eq!(s.altname(), "BTCUSDT");
    }

    #[test]
    fn ranges_are_half_open_and_gaps_stay_gaps() {
        let s = series();
        let times = |c: &[Candle]| c.iter().map(|c| c.open_time).collect::<Vec<_>>();
        assert_eq!(times(s.between(3600, 14400)), [3600, 7200]);
        assert_eq!(times(s.between(7201, 3600)), Vec::<i64>::new());
        assert!(s.at(10800).is_none(), "10800 was not recorded");
        assert_eq!(s.before(14400).map(|c| c.open_time), Some(7200));
        assert_eq!((s.first_open(), s.last_open()), (3600, 14400));
    }
}
