//! Whale trades: a trade whose USD notional exceeds
//! `max(usd_floor, median_multiple × median notional of the preceding window)`.
//!
//! The window is a COUNT of trades, not a duration. A count gives every verdict the same
//! statistical footing: a 500-trade median is equally stable in a busy and a quiet hour,
//! while a one-hour window holds thousands of trades on BTC/USDT and a handful on a thin
//! pair, where its median (and so the threshold) would swing with a few fills. The price
//! paid: on a thin pair 500 trades can reach back days; the `usd_floor` keeps a stale,
//! small median from calling ordinary trades whales.
//!
//! The window holds trades strictly BEFORE the one judged, so a whale never raises its own
//! bar and the verdict uses no future data (safe for backtests).

use cst_market::Trade;

use crate::error::{ConfigError, ConfigIssue, WhaleError, check_rate, check_trades};
use crate::median::RollingMedian;

/// How big "big" is. Defaults: 500 trades, verdicts after 100, 50 × median, $10,000 floor.
/// The deployment sets it from the `[whale]` section (`cst_config::WhaleConfig`, the one
/// whale configuration), field for field under the same names.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorConfig {
    /// Trades in the rolling median (see the module doc for count vs duration).
    pub median_window: usize,
    /// Trades of history needed before any verdict; below it a median is too noisy to trust.
    pub min_history: usize,
    /// Multiple of the median notional; relative so it adapts to each pair's usual size.
    pub median_multiple: f64,
    /// Absolute USD minimum, so on a pair of tiny trades a merely ordinary one is not a whale.
    pub usd_floor: f64,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            median_window: 500,
            min_history: 100,
            median_multiple: 50.0,
            usd_floor: 10_000.0,
        }
    }
}

impl DetectorConfig {
    /// Every problem at once.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut issues = Vec::new();
        if self.median_window == 0 {
            issues.push(ConfigIssue {
                field: "median_window",
                value: 0.0,
                want: "at least 1 trade",
            });
        }
        if self.min_history == 0 || self.min_history > self.median_window {
            issues.push(ConfigIssue {
                field: "min_history",
                value: self.min_history as f64,
                want: "between 1 and median_window (the window can never hold more)",
            });
        }
        if !(self.median_multiple.is_finite() && self.median_multiple > 0.0) {
            issues.push(ConfigIssue {
                field: "median_multiple",
                value: self.median_multiple,
                want: "a positive finite multiple",
            });
        }
        if !(self.usd_floor.is_finite() && self.usd_floor >= 0.0) {
            issues.push(ConfigIssue {
                field: "usd_floor",
                value: self.usd_floor,
                want: "a finite amount >= 0",
            });
        }
        ConfigError::check(issues)
    }
}

/// What is known about one trade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Not enough preceding trades to judge: unknown, which is not the same as "not a whale".
    Warmup {
        history: usize,
        needed: usize,
    },
    Whale {
        threshold_usd: f64,
    },
    Ordinary {
        threshold_usd: f64,
    },
}

/// A trade with its USD notional (`price × volume × quote_usd`) and verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classified {
    pub trade: Trade,
    pub notional_usd: f64,
    pub verdict: Verdict,
}

impl Classified {
    /// `None` during warm-up, so callers cannot mistake "unknown" for "no".
    pub fn is_whale(&self) -> Option<bool> {
        match self.verdict {
            Verdict::Warmup { .. } => None,
            Verdict::Whale { .. } => Some(true),
            Verdict::Ordinary { .. } => Some(false),
        }
    }
}

/// Streaming classifier for one pair's trades in time order: O(log window) per trade.
#[derive(Debug, Clone)]
pub struct WhaleDetector {
    cfg: DetectorConfig,
    median: RollingMedian,
    last_ns: Option<i64>,
    seen: usize,
}

impl WhaleDetector {
    pub fn new(cfg: DetectorConfig) -> Result<Self, WhaleError> {
        cfg.validate()?;
        Ok(WhaleDetector {
            median: RollingMedian::new(cfg.median_window),
            cfg,
            last_ns: None,
            seen: 0,
        })
    }

    /// Judges `trade` against the trades pushed before it, then adds it to the window.
    /// `quote_usd` converts the pair's quote currency to USD at this trade (1.0 for USD or
    /// USDT quotes). A refused trade leaves the detector unchanged, so the stream can go on.
    pub fn push(&mut self, trade: Trade, quote_usd: f64) -> Result<Classified, WhaleError> {
        check_rate(quote_usd)?;
        trade.check().map_err(|reason| WhaleError::BadTrade {
            index: self.seen,
            id: trade.id,
            reason,
        })?;
        if let Some(prev_ns) = self.last_ns.filter(|&p| trade.time_ns < p) {
            return Err(WhaleError::Unsorted {
                index: self.seen,
                id: trade.id,
                time_ns: trade.time_ns,
                prev_ns,
            });
        }
        // The window stores quote notionals so a changing quote rate never mixes units.
        let notional = trade.price * trade.volume;
        let notional_usd = notional * quote_usd;
        let verdict = match self.median.median() {
            Some(median) if self.median.len() >= self.cfg.min_history => {
                let threshold_usd = self
                    .cfg
                    .usd_floor
                    .max(self.cfg.median_multiple * median * quote_usd);
                if notional_usd > threshold_usd {
                    Verdict::Whale { threshold_usd }
                } else {
                    Verdict::Ordinary { threshold_usd }
                }
            }
            _ => Verdict::Warmup {
                history: self.median.len(),
                needed: self.cfg.min_history,
            },
        };
        self.median.push(notional);
        self.last_ns = Some(trade.time_ns);
        self.seen += 1;
        Ok(Classified {
            trade,
            notional_usd,
            verdict,
        })
    }
}

/// Classifies a whole batch at one quote rate. All-or-nothing: the first bad or out-of-order
/// trade fails the batch with its index, since a gap would shift every later median.
pub fn classify(
    trades: &[Trade],
    quote_usd: f64,
    cfg: &DetectorConfig,
) -> Result<Vec<Classified>, WhaleError> {
    check_rate(quote_usd)?;
    check_trades(trades)?;
    let mut detector = WhaleDetector::new(cfg.clone())?;
    trades
        .iter()
        .map(|&t| detector.push(t, quote_usd))
        .collect()
}
