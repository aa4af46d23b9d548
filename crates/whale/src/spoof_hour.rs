//! Spoof candidates summed per hour and side, from a run of snapshots.

use cst_market::Trade;

use crate::HOUR_SECS;
use crate::book::{Book, Side};
use crate::error::{WhaleError, check_rate, check_trades};
use crate::spoof::{SpoofCandidate, SpoofConfig, between, detect};

/// One hour of spoof candidates, split by side.
#[derive(Debug, Clone, PartialEq)]
pub struct SpoofHour {
    pub hour_end: i64,
    pub bid_count: u32,
    pub bid_notional_usd: f64,
    pub ask_count: u32,
    pub ask_notional_usd: f64,
    /// Snapshot pairs examined; 0 means the hour was not observed (not "no spoofing").
    pub pairs_checked: u32,
    /// Pairs further apart than `max_gap_secs`.
    pub pairs_skipped: u32,
    pub candidates: Vec<SpoofCandidate>,
}

/// Every consecutive pair of `books` whose LATER snapshot falls in `[hour_start,
/// hour_start + 3600)`: a disappearance belongs to the hour it was observed in. Pass the
/// last snapshot before the hour too, or the hour's first change is not seen.
pub fn hourly_spoofing(
    books: &[Book],
    trades: &[Trade],
    hour_start: i64,
    quote_usd: f64,
    cfg: &SpoofConfig,
) -> Result<SpoofHour, WhaleError> {
    if hour_start.rem_euclid(HOUR_SECS) != 0 {
        return Err(WhaleError::UnalignedHour(hour_start));
    }
    cfg.validate()?;
    check_rate(quote_usd)?;
    check_trades(trades)?;
    if let Some(i) = (1..books.len()).find(|&i| books[i].at() <= books[i - 1].at()) {
        return Err(WhaleError::SnapshotsUnordered {
            index: i,
            prev: books[i - 1].at(),
            at: books[i].at(),
        });
    }
    let mut hour = SpoofHour {
        hour_end: hour_start + HOUR_SECS,
        bid_count: 0,
        bid_notional_usd: 0.0,
        ask_count: 0,
        ask_notional_usd: 0.0,
        pairs_checked: 0,
        pairs_skipped: 0,
        candidates: Vec::new(),
    };
    for pair in books.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.at() < hour_start || b.at() >= hour.hour_end {
            continue;
        }
        if b.at() - a.at() > cfg.max_gap_secs {
            hour.pairs_skipped += 1;
            continue;
        }
        hour.pairs_checked += 1;
        for c in detect(a, b, between(trades, a, b), quote_usd, cfg) {
            match c.side {
                Side::Bid => (hour.bid_count += 1, hour.bid_notional_usd += c.notional_usd),
                Side::Ask => (hour.ask_count += 1, hour.ask_notional_usd += c.notional_usd),
            };
            hour.candidates.push(c);
        }
    }
    Ok(hour)
}
