//! Depth snapshots and what a trader reads off the top of the book.
//!
//! Imbalance is `(bid_vol − ask_vol) / (bid_vol + ask_vol)` over the top N levels, in base
//! volume. A notional-weighted variant is deliberately not offered: within a top-10 book
//! prices differ by a few basis points, so weighting by price changes the ratio by about
//! as much (and always tilts it toward the asks, whose prices are higher) without adding
//! information. The bid and ask notionals are still returned because USD thresholds need
//! them.

use std::fmt;

use cst_market::BookLevel;

use crate::error::{BookError, ConfigError, ConfigIssue, WhaleError};

/// A side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Bid,
    Ask,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Bid => "bid",
            Side::Ask => "ask",
        })
    }
}

/// A depth snapshot that passed [`Book::new`]: both sides non-empty, levels positive and
/// finite, strictly ordered best first, not crossed. Fields are private so no unchecked
/// book reaches the computations.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    at: i64,
    bids: Vec<BookLevel>,
    asks: Vec<BookLevel>,
}

fn check_side(side: Side, levels: &[BookLevel]) -> Result<(), BookError> {
    if levels.is_empty() {
        return Err(BookError::Empty(side));
    }
    for (index, level) in levels.iter().enumerate() {
        level.check().map_err(|reason| BookError::BadLevel {
            side,
            index,
            reason,
        })?;
        if index > 0 {
            let prev = levels[index - 1].price;
            let ordered = match side {
                Side::Bid => level.price < prev,
                Side::Ask => level.price > prev,
            };
            if !ordered {
                return Err(BookError::Unordered {
                    side,
                    index,
                    prev,
                    price: level.price,
                });
            }
        }
    }
    Ok(())
}

impl Book {
    /// `at` is the snapshot time in Unix seconds; levels best first, as Kraken sends them.
    pub fn new(at: i64, bids: Vec<BookLevel>, asks: Vec<BookLevel>) -> Result<Book, BookError> {
        check_side(Side::Bid, &bids)?;
        check_side(Side::Ask, &asks)?;
        let (bid, ask) = (bids[0].price, asks[0].price);
        // Equal is refused too: a locked book on one venue means a stale or torn snapshot.
        if bid >= ask {
            return Err(BookError::Crossed { bid, ask });
        }
        Ok(Book { at, bids, asks })
    }

    pub fn at(&self) -> i64 {
        self.at
    }

    pub fn bids(&self) -> &[BookLevel] {
        &self.bids
    }

    pub fn asks(&self) -> &[BookLevel] {
        &self.asks
    }

    pub fn side(&self, side: Side) -> &[BookLevel] {
        match side {
            Side::Bid => &self.bids,
            Side::Ask => &self.asks,
        }
    }

    pub fn mid(&self) -> f64 {
        (self.bids[0].price + self.asks[0].price) / 2.0
    }

    /// Top-of-book figures over at most `top_n` levels per side (fewer if the snapshot is
    /// shallower; the counts used are returned so a thin book is visible).
    pub fn stats(&self, top_n: usize) -> Result<BookStats, WhaleError> {
        if top_n == 0 {
            return Err(ConfigError(vec![ConfigIssue {
                field: "top_n",
                value: 0.0,
                want: "at least 1 level",
            }])
            .into());
        }
        let bids = &self.bids[..top_n.min(self.bids.len())];
        let asks = &self.asks[..top_n.min(self.asks.len())];
        let volume = |l: &[BookLevel]| l.iter().map(|x| x.volume).sum::<f64>();
        let notional = |l: &[BookLevel]| l.iter().map(|x| x.price * x.volume).sum::<f64>();
        let (bid_volume, ask_volume) = (volume(bids), volume(asks));
        let mid = self.mid();
        Ok(BookStats {
            at: self.at,
            mid,
            spread_bps: (self.asks[0].price - self.bids[0].price) / mid * 10_000.0,
            imbalance: (bid_volume - ask_volume) / (bid_volume + ask_volume),
            bid_volume,
            ask_volume,
            bid_notional: notional(bids),
            ask_notional: notional(asks),
            bid_levels: bids.len(),
            ask_levels: asks.len(),
        })
    }
}

/// Top-of-book figures of one snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookStats {
    pub at: i64,
    pub mid: f64,
    /// `(best ask − best bid) / mid × 10,000`; > 0 since crossed books are refused.
    pub spread_bps: f64,
    /// In [-1, 1]; positive when more base volume rests on the bid (buy pressure).
    pub imbalance: f64,
    /// Base volume of the top levels.
    pub bid_volume: f64,
    pub ask_volume: f64,
    /// Quote notional of the top levels.
    pub bid_notional: f64,
    pub ask_notional: f64,
    /// Levels actually summed per side (<= top_n).
    pub bid_levels: usize,
    pub ask_levels: usize,
}
