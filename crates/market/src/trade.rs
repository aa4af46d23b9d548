//! Public trades and order-book levels, as stored for the whale agent.

use serde::{Deserialize, Serialize};

/// One public trade. Identified by the exchange's trade id, so pages that overlap store
/// each trade once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    pub id: u64,
    /// Unix time in nanoseconds (the exchange sends seconds with a fraction).
    pub time_ns: i64,
    pub price: f64,
    /// In the base asset.
    pub volume: f64,
    /// The taker bought (crossed the ask); whale flow is measured by who crossed the spread.
    pub taker_buy: bool,
    pub market_order: bool,
}

/// One price level of a depth snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BookLevel {
    pub price: f64,
    pub volume: f64,
}

/// Why a trade or level was not stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TradeRejection {
    #[error("{field} is {value}, not a positive finite number")]
    NotPositive { field: &'static str, value: f64 },
    #[error("time {0} ns is before 2009")]
    BadTime(i64),
}

fn positive(field: &'static str, value: f64) -> Result<(), TradeRejection> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(TradeRejection::NotPositive { field, value })
    }
}

impl Trade {
    pub fn check(&self) -> Result<(), TradeRejection> {
        positive("price", self.price)?;
        positive("volume", self.volume)?;
        // 2009-01-01: nothing traded before; a smaller value is a unit mistake.
        if self.time_ns < 1_230_768_000_000_000_000 {
            return Err(TradeRejection::BadTime(self.time_ns));
        }
        Ok(())
    }
}

impl BookLevel {
    pub fn check(&self) -> Result<(), TradeRejection> {
        positive("price", self.price)?;
        positive("volume", self.volume)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first trade of ../shared/data/kraken-api/http_trades.json (XBTUSDT, 2025-11-10).
    fn real() -> Trade {
        Trade {
            id: 10218208,
            time_ns: 1_762_795_433_971_744_500,
            price: 105433.6,
            volume: 0.00027625,
            taker_buy: true,
            market_order: false,
        }
    }

    #[test]
    fn real_trades_pass_and_broken_ones_are_named() {
        assert_eq!(real().check(), Ok(()));
        assert!(matches!(
            Trade {
                price: f64::NAN,
                ..real()
            }
            .check(),
            Err(TradeRejection::NotPositive { field: "price", .. })
        ));
        assert!(matches!(
            Trade {
                volume: 0.0,
                ..real()
            }
            .check(),
            Err(TradeRejection::NotPositive {
                field: "volume",
                ..
            })
        ));
        assert!(matches!(
            Trade {
                time_ns: 1_762_795_433,
                ..real()
            }
            .check(),
            Err(TradeRejection::BadTime(_))
        ));
        assert!(
            BookLevel {
                price: 105944.3,
                volume: -1.0
            }
            .check()
            .is_err()
        );
    }
}
