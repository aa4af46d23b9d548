//! The recorded news file, replayed along a simulated clock for the offline demo and
//! backtests.
//!
//! The file (`shared/data/news/cryptonews-2021-10_2022-07.csv`) has real quirks, each
//! handled and counted rather than hidden:
//! - rows without a title (28) or URL (60): rejected;
//! - CoinTelegraph URLs with the site prefix twice (`https://cointelegraph.comhttps://…`):
//!   the inner, real URL is kept;
//! - mojibake (`\x9c`, `Ã¶`): repaired by [`crate::text::clean`];
//! - stamps at exactly 00:00:00 UTC, which are dates without a time (CoinTelegraph's
//!   January 2022 rows have 60 of them against ~2 at any other minute of the day): by
//!   default moved to 23:59:59 that day, the latest moment they can have been published,
//!   so a backtest never sees them early. [`MidnightStamps::AsRecorded`] keeps them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{ItemRejection, RejectReason, ReplayError};
use crate::item::{NewsItem, dedupe, parse_time};

const COLUMNS: [&str; 5] = ["published_at", "source", "title", "summary", "url"];
use cst_market::DAY;

/// What to do with a stamp at exactly midnight UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MidnightStamps {
    /// Treat it as a date and count the item from the end of that day.
    #[default]
    EndOfDay,
    AsRecorded,
}

/// What loading did to the file's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayStats {
    pub rows: usize,
    pub kept: usize,
    pub rejected: BTreeMap<RejectReason, usize>,
    /// Doubled-prefix URLs cut back to the real one.
    pub urls_repaired: usize,
    /// Midnight stamps moved to 23:59:59.
    pub midnight_shifted: usize,
}

#[derive(Debug, Clone)]
pub struct NewsReplay {
    /// Sorted by publication time, then URL.
    items: Vec<NewsItem>,
    /// Items before this index have been handed out.
    next: usize,
    stats: ReplayStats,
}

impl NewsReplay {
    pub fn load(path: &Path) -> Result<Self, ReplayError> {
        Self::load_with(path, MidnightStamps::default())
    }

    pub fn load_with(path: &Path, midnight: MidnightStamps) -> Result<Self, ReplayError> {
        let csv_error = |source| ReplayError::Csv {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(|source| ReplayError::Open {
            path: path.to_owned(),
            source,
        })?;
        let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
        let headers = reader.headers().map_err(csv_error)?.clone();
        let mut index = [0usize; 5];
        for (slot, column) in index.iter_mut().zip(COLUMNS) {
            *slot = headers
                .iter()
                .position(|h| h.trim() == column)
                .ok_or_else(|| ReplayError::MissingColumn {
                    path: path.to_owned(),
                    column,
                })?;
        }
        let mut stats = ReplayStats::default();
        let mut items = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            stats.rows += 1;
            let field = |i: usize| record.get(index[i]).unwrap_or("");
            let (url, repaired) = repair_url(field(4));
            stats.urls_repaired += usize::from(repaired);
            let mut shifted = false;
            let built = parse_time(field(0)).and_then(|t| {
                shifted = midnight == MidnightStamps::EndOfDay && t.rem_euclid(DAY) == 0;
                let t = if shifted { t + DAY - 1 } else { t };
                NewsItem::new(Some(t), field(1), field(2), field(3), url)
            });
            match built {
                Ok(item) => {
                    stats.midnight_shifted += usize::from(shifted);
                    items.push(item);
                }
                Err(rejection) => reject(&mut stats, &rejection),
            }
        }
        let duplicates = dedupe(&mut items);
        if duplicates > 0 {
            stats.rejected.insert(RejectReason::Duplicate, duplicates);
        }
        stats.kept = items.len();
        tracing::info!(path = %path.display(), rows = stats.rows, kept = stats.kept, rejected = ?stats.rejected, "news replay loaded");
        Ok(Self {
            items,
            next: 0,
            stats,
        })
    }

    /// Items published at or before `t` that were not handed out before, oldest first.
    /// A clock that goes backwards gets nothing.
    pub fn take_until(&mut self, t: i64) -> &[NewsItem] {
        let start = self.next;
        let end = start + self.items[start..].partition_point(|item| item.published <= t);
        self.next = end;
        &self.items[start..end]
    }

    pub fn items(&self) -> &[NewsItem] {
        &self.items
    }

    pub fn stats(&self) -> &ReplayStats {
        &self.stats
    }

    /// Items not yet handed out.
    pub fn remaining(&self) -> usize {
        self.items.len() - self.next
    }
}

fn reject(stats: &mut ReplayStats, rejection: &ItemRejection) {
    tracing::debug!(reason = %rejection.reason, detail = %rejection.detail, "news row rejected");
    *stats.rejected.entry(rejection.reason).or_default() += 1;
}

/// `https://cointelegraph.comhttps://cointelegraph.com/x` → `https://cointelegraph.com/x`:
/// a scraper glued the site prefix onto an absolute link.
fn repair_url(raw: &str) -> (&str, bool) {
    let raw = raw.trim();
    let inner = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| raw.get(1..)?.rfind(scheme).map(|i| i + 1))
        .max();
    match inner {
        Some(i) => (&raw[i..], true),
        None => (raw, false),
    }
}

#[cfg(test)]
mod tests {
    use super::repair_url;

    #[test]
    fn doubled_site_prefixes_are_cut_to_the_real_url() {
        assert_eq!(
            repair_url("https://cointelegraph.comhttps://cointelegraph.com/explained/a"),
            ("https://cointelegraph.com/explained/a", true)
        );
        assert_eq!(
            repair_url(" https://cryptonews.com/news/a.htm"),
            ("https://cryptonews.com/news/a.htm", false)
        );
        assert_eq!(repair_url(""), ("", false));
    }
}
