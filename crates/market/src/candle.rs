//! Candles and their integrity rules.

use serde::{Deserialize, Serialize};

/// Candle length. Only what the service uses; more can be added when an agent needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Timeframe {
    H1,
}

impl Timeframe {
    pub const fn seconds(self) -> i64 {
        match self {
            Timeframe::H1 => 3600,
        }
    }

    /// From a length in minutes, as Kraken names intervals (`XBTUSD_60.csv`, `interval=60`).
    pub fn from_minutes(minutes: i64) -> Option<Self> {
        match minutes {
            60 => Some(Timeframe::H1),
            _ => None,
        }
    }

    pub fn from_seconds(seconds: i64) -> Option<Self> {
        match seconds {
            3600 => Some(Timeframe::H1),
            _ => None,
        }
    }
}

/// One candle; `open_time` is its start in Unix seconds, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candle {
    pub open_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// In the base asset.
    pub volume: f64,
    /// Number of trades, where the source reports it.
    pub trades: Option<u64>,
}

/// Why a candle was not stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    #[error("{field} is not a finite number")]
    NotFinite { field: &'static str },
    #[error("{field} is {value}, not a positive price")]
    NonPositivePrice { field: &'static str, value: f64 },
    #[error("high {high} is below max(open, close) {body}")]
    HighBelowBody { high: f64, body: f64 },
    #[error("low {low} is above min(open, close) {body}")]
    LowAboveBody { low: f64, body: f64 },
    #[error("volume {0} is negative")]
    NegativeVolume(f64),
    #[error("open time {open_time} is not on a {seconds}-second boundary")]
    OffBoundary { open_time: i64, seconds: i64 },
    #[error("a different candle with open time {0} is already stored")]
    ConflictingDuplicate(i64),
    #[error("open time {0} is not before the current candle's: the candle is not finished")]
    Unfinished(i64),
    #[error(
        "open time {open_time} is outside [{FIRST_MARKET} (2009-01-03), {latest} (now + 1 h)]: \
         Unix seconds are expected (a time in milliseconds, or another column?)"
    )]
    ImplausibleTime { open_time: i64, latest: i64 },
}

/// 2009-01-03 00:00 UTC, the day of Bitcoin's first block: no crypto pair traded before it.
pub const FIRST_MARKET: i64 = 1_230_940_800;

impl Rejection {
    /// A short stable name, for counting rejections by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::NotFinite { .. } => "not_finite",
            Rejection::NonPositivePrice { .. } => "non_positive_price",
            Rejection::HighBelowBody { .. } => "high_below_body",
            Rejection::LowAboveBody { .. } => "low_above_body",
            Rejection::NegativeVolume(_) => "negative_volume",
            Rejection::OffBoundary { .. } => "off_boundary",
            Rejection::ConflictingDuplicate(_) => "conflicting_duplicate",
            Rejection::Unfinished(_) => "unfinished",
            Rejection::ImplausibleTime { .. } => "implausible_time",
        }
    }
}

impl Candle {
    /// Checks every rule a stored candle must satisfy. Zero volume is allowed: an hour
    /// without trades is real.
    pub fn check(&self, timeframe: Timeframe) -> Result<(), Rejection> {
        let prices = [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ];
        for (field, value) in prices.iter().copied().chain([("volume", self.volume)]) {
            if !value.is_finite() {
                return Err(Rejection::NotFinite { field });
            }
        }
        for (field, value) in prices {
            if value <= 0.0 {
                return Err(Rejection::NonPositivePrice { field, value });
            }
        }
        let (top, bottom) = (self.open.max(self.close), self.open.min(self.close));
        if self.high < top {
            return Err(Rejection::HighBelowBody {
                high: self.high,
                body: top,
            });
        }
        if self.low > bottom {
            return Err(Rejection::LowAboveBody {
                low: self.low,
                body: bottom,
            });
        }
        if self.volume < 0.0 {
            return Err(Rejection::NegativeVolume(self.volume));
        }
        let seconds = timeframe.seconds();
        if self.open_time.rem_euclid(seconds) != 0 {
            return Err(Rejection::OffBoundary {
                open_time: self.open_time,
                seconds,
            });
        }
        Ok(())
    }

    /// The open time is one a market can have had at `now`: from [`FIRST_MARKET`] to an
    /// hour after `now`. A time in milliseconds (year 53,390), zero, negative or far in the
    /// future is refused here, before it is stored and every later candle looks older.
    pub fn check_time(&self, now: i64) -> Result<(), Rejection> {
        let latest = now.saturating_add(3600);
        if self.open_time < FIRST_MARKET || self.open_time > latest {
            return Err(Rejection::ImplausibleTime {
                open_time: self.open_time,
                latest,
            });
        }
        Ok(())
    }

    /// Same values (a re-import of the same candle is not a conflict).
    pub fn same_values(&self, other: &Candle) -> bool {
        self.open_time == other.open_time
            && self.open == other.open
            && self.high == other.high
            && self.low == other.low
            && self.close == other.close
            && self.volume == other.volume
            && (self.trades.is_none() || other.trades.is_none() || self.trades == other.trades)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BTC-USDT, 2024-01-01 00:00 UTC, from ../shared/data/ohlcv-1h/binance-2024.
    fn real() -> Candle {
        Candle {
            open_time: 1704067200,
            open: 42283.58,
            high: 42554.57,
            low: 42261.02,
            close: 42475.23,
            volume: 1271.68108,
            trades: None,
        }
    }

    #[test]
    fn a_real_candle_passes() {
        assert_eq!(real().check(Timeframe::H1), Ok(()));
    }

    #[test]
    fn every_broken_rule_is_named() {
        let cases: Vec<(Candle, &str)> = vec![
            (
                Candle {
                    close: f64::NAN,
                    ..real()
                },
                "not_finite",
            ),
            (
                Candle {
                    volume: f64::INFINITY,
                    ..real()
                },
                "not_finite",
            ),
            (Candle { low: 0.0, ..real() }, "non_positive_price"),
            (
                Candle {
                    open: -1.0,
                    ..real()
                },
                "non_positive_price",
            ),
            (
                Candle {
                    high: 42400.0,
                    ..real()
                },
                "high_below_body",
            ),
            (
                Candle {
                    low: 42300.0,
                    ..real()
                },
                "low_above_body",
            ),
            (
                Candle {
                    volume: -0.5,
                    ..real()
                },
                "negative_volume",
            ),
            (
                Candle {
                    open_time: 1704067260,
                    ..real()
                },
                "off_boundary",
            ),
        ];
        for (candle, kind) in cases {
            assert_eq!(
                candle.check(Timeframe::H1).unwrap_err().kind(),
                kind,
                "{candle:?}"
            );
        }
    }

    #[test]
    fn zero_volume_is_a_real_quiet_hour() {
        assert_eq!(
            Candle {
                volume: 0.0,
                ..real()
            }
            .check(Timeframe::H1),
            Ok(())
        );
    }
}
