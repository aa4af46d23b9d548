//! Hourly whale flow: who crossed the spread with size, and how much of the hour it was.
//!
//! Hours are `[h, h + 3600)` with `h` a multiple of 3600 (UTC), keyed by their end like
//! candles that close at `hour_end`. Flow is measured by the taker (`taker_buy`): the side
//! that paid the spread is the side with urgency.
//!
//! **Contract for empty hours.** With no trades in an hour this module returns
//! [`HourFlow::NoTrades`], not zeros: both ratios are 0/0, and whether the hour was truly
//! quiet or the collector missed it is only known from trade coverage, which is the
//! caller's business. A caller that has proved coverage spans the hour may record
//! `trades = 0` with the ratios missing; one that has not must treat the hour as a gap.

use crate::error::{WhaleError, check_trades};
use crate::large::{Classified, Verdict};
use crate::{HOUR_SECS, NS_PER_SEC};

/// One hour of whale flow. Ratios are scale-free so pairs of any size compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourlyFlow {
    pub hour_end: i64,
    pub trades: u32,
    pub whale_count: u32,
    /// USD notional of whale trades whose taker bought.
    pub whale_buy_usd: f64,
    pub whale_sell_usd: f64,
    /// `(whale_buy_usd − whale_sell_usd) / total USD notional of the hour`, in [-1, 1].
    pub net_whale_flow: f64,
    /// Whale USD notional / total USD notional of the hour, in [0, 1].
    pub whale_share: f64,
}

/// What one hour yields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HourFlow {
    Flow(HourlyFlow),
    /// Some trades of the hour fell in the detector's warm-up: whale figures would
    /// undercount, so none are given. `trades` still counts every trade of the hour.
    Warmup {
        hour_end: i64,
        trades: u32,
        unclassified: u32,
    },
    /// No trade in the hour; see the module doc for what the caller must decide.
    NoTrades {
        hour_end: i64,
    },
}

impl HourFlow {
    pub fn hour_end(&self) -> i64 {
        match *self {
            HourFlow::Flow(f) => f.hour_end,
            HourFlow::Warmup { hour_end, .. } | HourFlow::NoTrades { hour_end } => hour_end,
        }
    }

    pub fn trades(&self) -> u32 {
        match *self {
            HourFlow::Flow(f) => f.trades,
            HourFlow::Warmup { trades, .. } => trades,
            HourFlow::NoTrades { .. } => 0,
        }
    }
}

fn hour_of(time_ns: i64) -> i64 {
    time_ns.div_euclid(HOUR_SECS * NS_PER_SEC) * HOUR_SECS
}

/// Sums the trades of one hour (all assumed inside it).
fn summarise(hour_start: i64, trades: &[Classified]) -> HourFlow {
    let hour_end = hour_start + HOUR_SECS;
    let count = trades.len() as u32;
    if trades.is_empty() {
        return HourFlow::NoTrades { hour_end };
    }
    let unclassified = trades.iter().filter(|c| c.is_whale().is_none()).count() as u32;
    if unclassified > 0 {
        return HourFlow::Warmup {
            hour_end,
            trades: count,
            unclassified,
        };
    }
    let (mut total, mut buy, mut sell, mut whales) = (0.0, 0.0, 0.0, 0u32);
    for c in trades {
        total += c.notional_usd;
        if matches!(c.verdict, Verdict::Whale { .. }) {
            whales += 1;
            if c.trade.taker_buy {
                buy += c.notional_usd;
            } else {
                sell += c.notional_usd;
            }
        }
    }
    // total > 0: every trade passed `Trade::check` (positive price and volume).
    HourFlow::Flow(HourlyFlow {
        hour_end,
        trades: count,
        whale_count: whales,
        whale_buy_usd: buy,
        whale_sell_usd: sell,
        net_whale_flow: (buy - sell) / total,
        whale_share: (buy + sell) / total,
    })
}

/// The hour starting at `hour_start` from classified trades in time order (as
/// [`crate::classify`] returns them); trades outside the hour are ignored.
pub fn hourly_flow(classified: &[Classified], hour_start: i64) -> Result<HourFlow, WhaleError> {
    if hour_start.rem_euclid(HOUR_SECS) != 0 {
        return Err(WhaleError::UnalignedHour(hour_start));
    }
    check_trades(classified.iter().map(|c| &c.trade))?;
    let from = classified.partition_point(|c| c.trade.time_ns < hour_start * NS_PER_SEC);
    let to =
        classified.partition_point(|c| c.trade.time_ns < (hour_start + HOUR_SECS) * NS_PER_SEC);
    Ok(summarise(hour_start, &classified[from..to]))
}

/// Every hour from the first trade's to the last trade's, gaps included as
/// [`HourFlow::NoTrades`] so the caller sees them rather than a shorter list. Empty input
/// gives no hours.
pub fn hourly_flows(classified: &[Classified]) -> Result<Vec<HourFlow>, WhaleError> {
    check_trades(classified.iter().map(|c| &c.trade))?;
    let (Some(first), Some(last)) = (classified.first(), classified.last()) else {
        return Ok(Vec::new());
    };
    let (first_hour, last_hour) = (hour_of(first.trade.time_ns), hour_of(last.trade.time_ns));
    let mut out = Vec::with_capacity(((last_hour - first_hour) / HOUR_SECS + 1) as usize);
    let mut rest = classified;
    let mut hour = first_hour;
    while hour <= last_hour {
        let n = rest.partition_point(|c| c.trade.time_ns < (hour + HOUR_SECS) * NS_PER_SEC);
        out.push(summarise(hour, &rest[..n]));
        rest = &rest[n..];
        hour += HOUR_SECS;
    }
    Ok(out)
}
