//! Every way input can be refused. Messages are lowercase and say what to fix.

use cst_market::TradeRejection;

use crate::book::Side;

/// One bad config value; [`ConfigError`] lists them all so one edit fixes every problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field} = {value}: {want}")]
pub struct ConfigIssue {
    pub field: &'static str,
    pub value: f64,
    pub want: &'static str,
}

/// A config that cannot produce meaningful numbers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid config: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ConfigError(pub Vec<ConfigIssue>);

impl ConfigError {
    /// `Ok` when nothing was collected, so validators can push issues then finish here.
    pub(crate) fn check(issues: Vec<ConfigIssue>) -> Result<(), ConfigError> {
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(issues))
        }
    }
}

/// Why a depth snapshot cannot be used: no mid, spread or imbalance is defined for it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BookError {
    #[error("the {0} side is empty; a one-sided book has no mid or spread")]
    Empty(Side),
    #[error("crossed book: best bid {bid} >= best ask {ask}; take a fresh snapshot")]
    Crossed { bid: f64, ask: f64 },
    #[error("{side} level {index}: {reason}")]
    BadLevel {
        side: Side,
        index: usize,
        reason: TradeRejection,
    },
    #[error(
        "{side} level {index} at {price} after {prev}: bids must fall and asks rise, best first"
    )]
    Unordered {
        side: Side,
        index: usize,
        prev: f64,
        price: f64,
    },
}

/// Everything the computations refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhaleError {
    #[error("trade {index} (id {id}): {reason}")]
    BadTrade {
        index: usize,
        id: u64,
        reason: TradeRejection,
    },
    #[error(
        "trade {index} (id {id}) at {time_ns} ns is before the previous one at {prev_ns} ns; sort trades by time"
    )]
    Unsorted {
        index: usize,
        id: u64,
        time_ns: i64,
        prev_ns: i64,
    },
    #[error("quote-to-usd rate {0} is not a positive finite number")]
    BadQuoteRate(f64),
    #[error("hour start {0} is not a multiple of 3600 seconds")]
    UnalignedHour(i64),
    #[error(
        "snapshot {index} at {at} s is not after the previous one at {prev} s; sort snapshots by time"
    )]
    SnapshotsUnordered { index: usize, prev: i64, at: i64 },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Book(#[from] BookError),
}

/// The caller's quote→USD rate multiplies every notional; a bad one poisons all of them.
pub(crate) fn check_rate(quote_usd: f64) -> Result<(), WhaleError> {
    if quote_usd.is_finite() && quote_usd > 0.0 {
        Ok(())
    } else {
        Err(WhaleError::BadQuoteRate(quote_usd))
    }
}

/// Every trade valid and in time order (equal times allowed: one taker order fills several
/// makers at the same instant).
pub(crate) fn check_trades<'a>(
    trades: impl IntoIterator<Item = &'a cst_market::Trade>,
) -> Result<(), WhaleError> {
    let mut prev: Option<i64> = None;
    for (index, t) in trades.into_iter().enumerate() {
        t.check().map_err(|reason| WhaleError::BadTrade {
            index,
            id: t.id,
            reason,
        })?;
        if let Some(prev_ns) = prev.filter(|&p| t.time_ns < p) {
            return Err(WhaleError::Unsorted {
                index,
                id: t.id,
                time_ns: t.time_ns,
                prev_ns,
            });
        }
        prev = Some(t.time_ns);
    }
    Ok(())
}
