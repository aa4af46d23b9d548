//! Spoofing heuristic: a large resting order near the top of the book that is in snapshot A,
//! gone in snapshot B, and could not have been filled because no trade printed at or
//! through its price in between. It was cancelled, and large cancelled orders near the
//! touch are what spoofing looks like from public data.
//!
//! Limits, so nobody reads more into a count than it holds:
//! - Public depth is aggregated by price level: a "level" may be many orders, and a level
//!   that is gone may be several honest traders cancelling together.
//! - Only disappearance counts. A level shrunk to a sliver, or cancelled and re-posted one
//!   tick away, escapes; so does an order placed and cancelled between two snapshots.
//! - A cancelled large order is not proof of intent: market makers requote all the time.
//!   The count is a feature to rank hours by, not an accusation.
//! - A missed trade (coverage gap) turns a fill into a "cancel"; the caller should only run
//!   this on hours whose trade coverage is complete.
//! - A level is only called gone when B still shows that price range; if B's visible book
//!   ends before the level's price, its absence says nothing and it is not counted.
//! - Snapshot times are whole seconds, so the trade window is widened to
//!   `[A.at, B.at + 1)`: a borderline trade counts as a possible fill (fewer candidates,
//!   never more).

use cst_market::{BookLevel, Trade};

use crate::NS_PER_SEC;
use crate::book::{Book, Side};
use crate::error::{ConfigError, ConfigIssue, WhaleError, check_rate, check_trades};

/// Defaults: top 10 levels, 3 × the side's median level volume, $5,000, pairs <= 300 s apart.
#[derive(Debug, Clone, PartialEq)]
pub struct SpoofConfig {
    /// Levels per side that count as "near the top"; the median level volume is taken over
    /// the same levels, so "large" means large for where the order sits.
    pub top_n: usize,
    /// A level is large when its volume >= this multiple of the median level volume.
    pub size_multiple: f64,
    /// And its USD notional >= this, so a thin book's dust is never "large".
    pub usd_floor: f64,
    /// Snapshot pairs further apart are skipped by [`crate::hourly_spoofing`]: over a long gap an
    /// order can be repriced for ordinary reasons, and fills may be missed.
    pub max_gap_secs: i64,
}

impl Default for SpoofConfig {
    fn default() -> Self {
        SpoofConfig {
            top_n: 10,
            size_multiple: 3.0,
            usd_floor: 5_000.0,
            max_gap_secs: 300,
        }
    }
}

impl SpoofConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut issues = Vec::new();
        if self.top_n == 0 {
            issues.push(ConfigIssue {
                field: "top_n",
                value: 0.0,
                want: "at least 1 level",
            });
        }
        if !(self.size_multiple.is_finite() && self.size_multiple > 0.0) {
            issues.push(ConfigIssue {
                field: "size_multiple",
                value: self.size_multiple,
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
        if self.max_gap_secs <= 0 {
            issues.push(ConfigIssue {
                field: "max_gap_secs",
                value: self.max_gap_secs as f64,
                want: "a positive number of seconds",
            });
        }
        ConfigError::check(issues)
    }
}

/// One large level seen in A and missing, unfilled, in B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpoofCandidate {
    pub side: Side,
    /// Position in A, 0 = best.
    pub level: usize,
    pub price: f64,
    pub volume: f64,
    pub notional_usd: f64,
    pub seen_at: i64,
    pub gone_at: i64,
}

fn median_volume(levels: &[BookLevel]) -> f64 {
    let mut v: Vec<f64> = levels.iter().map(|l| l.volume).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Whether B would show a level at `price` on `side` if it still rested there.
fn visible(b: &Book, side: Side, price: f64) -> bool {
    let levels = b.side(side);
    let worst = levels[levels.len() - 1].price;
    match side {
        Side::Bid => price >= worst,
        Side::Ask => price <= worst,
    }
}

/// Trades are already checked and are exactly those between the snapshots.
pub(crate) fn detect(
    a: &Book,
    b: &Book,
    between: &[Trade],
    quote_usd: f64,
    cfg: &SpoofConfig,
) -> Vec<SpoofCandidate> {
    let mut out = Vec::new();
    for side in [Side::Bid, Side::Ask] {
        let top = &a.side(side)[..cfg.top_n.min(a.side(side).len())];
        let large_from = cfg.size_multiple * median_volume(top);
        for (level, l) in top.iter().enumerate() {
            let notional_usd = l.price * l.volume * quote_usd;
            if l.volume < large_from || notional_usd < cfg.usd_floor {
                continue;
            }
            let still_there = b.side(side).iter().any(|x| x.price == l.price);
            if still_there || !visible(b, side, l.price) {
                continue;
            }
            // A sell at or below a bid (a buy at or above an ask) would have filled it.
            let touched = between.iter().any(|t| match side {
                Side::Bid => t.price <= l.price,
                Side::Ask => t.price >= l.price,
            });
            if !touched {
                out.push(SpoofCandidate {
                    side,
                    level,
                    price: l.price,
                    volume: l.volume,
                    notional_usd,
                    seen_at: a.at(),
                    gone_at: b.at(),
                });
            }
        }
    }
    out
}

pub(crate) fn between<'t>(trades: &'t [Trade], a: &Book, b: &Book) -> &'t [Trade] {
    let from = trades.partition_point(|t| t.time_ns < a.at() * NS_PER_SEC);
    let to = trades.partition_point(|t| t.time_ns < (b.at() + 1) * NS_PER_SEC);
    &trades[from..to.max(from)]
}

/// Candidates between two consecutive snapshots. `trades` is the pair's trade stream in
/// time order (any span; the ones between A and B are picked out). The gap limit is not
/// applied here: the caller asked about these two snapshots.
pub fn spoof_candidates(
    a: &Book,
    b: &Book,
    trades: &[Trade],
    quote_usd: f64,
    cfg: &SpoofConfig,
) -> Result<Vec<SpoofCandidate>, WhaleError> {
    cfg.validate()?;
    check_rate(quote_usd)?;
    check_trades(trades)?;
    if b.at() <= a.at() {
        return Err(WhaleError::SnapshotsUnordered {
            index: 1,
            prev: a.at(),
            at: b.at(),
        });
    }
    Ok(detect(a, b, between(trades, a, b), quote_usd, cfg))
}
