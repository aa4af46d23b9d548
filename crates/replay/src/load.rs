//! Candle files → checked series of candles, read in place. Every row that is not a valid candle is
//! left out and counted; nothing is repaired, filled or interpolated, so gaps stay gaps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cst_import::Format;
use cst_import::files::{csv_files, identify};
use cst_import::parse::parse_file;
use cst_market::{Candle, Rejection, Timeframe};

use crate::ReplayError;
use crate::series::Series;

/// How many rows of one file are logged by line before the rest are only counted.
const LOGGED_PER_FILE: usize = 3;

/// What loading found, for the operator: the replay serves only what is counted as kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    pub files: usize,
    /// Candles kept, over all pairs.
    pub candles: usize,
    /// Candles left out, by [`Rejection::kind`] (`conflicting_duplicate` included).
    pub rejected: BTreeMap<&'static str, u64>,
    /// Rows that were not candles at all (wrong field count, not a number).
    pub malformed: u64,
    /// Exact repeats of a row, kept once.
    pub duplicates: u64,
    /// Files with no usable candle: their pair never lists.
    pub empty: Vec<PathBuf>,
    /// First and last open time over all pairs.
    pub first_open: i64,
    pub last_open: i64,
}

/// Every `BASE-QUOTE.csv` of `dir`, one [`Series`] per file that has a usable candle.
pub(crate) fn load_dir(dir: &Path) -> Result<(Vec<Series>, LoadReport), ReplayError> {
    let files = csv_files(dir)?;
    let mut report = LoadReport {
        files: files.len(),
        first_open: i64::MAX,
        last_open: i64::MIN,
        ..LoadReport::default()
    };
    let mut series = Vec::with_capacity(files.len());
    for path in files {
        let source = identify(&path, Format::Csv)?;
        let parsed = parse_file(&path, Format::Csv)?;
        for (line, reason) in parsed.malformed.iter().take(LOGGED_PER_FILE) {
            tracing::warn!(path = %path.display(), line, %reason, "malformed row left out");
        }
        report.malformed += parsed.malformed.len() as u64;
        let candles = keep_valid(&path, parsed.candles, &mut report);
        if candles.is_empty() {
            tracing::warn!(path = %path.display(), "no usable candle: the pair will not list");
            report.empty.push(path);
            continue;
        }
        let one = Series::new(source.pair, path, candles);
        report.candles += one.len();
        report.first_open = report.first_open.min(one.first_open());
        report.last_open = report.last_open.max(one.last_open());
        series.push(one);
    }
    if series.is_empty() {
        return Err(ReplayError::NoCandles(dir.to_path_buf()));
    }
    Ok((series, report))
}

/// Checked candles sorted by open time, one per hour. Exact repeats are kept once; two
/// different candles for one hour are both left out, since neither can be trusted.
fn keep_valid(path: &Path, mut candles: Vec<Candle>, report: &mut LoadReport) -> Vec<Candle> {
    let mut logged = 0;
    let mut reject = |open_time: i64, why: Rejection, report: &mut LoadReport| {
        *report.rejected.entry(why.kind()).or_default() += 1;
        if logged < LOGGED_PER_FILE {
            logged += 1;
            tracing::warn!(path = %path.display(), open_time, reason = %why, "candle left out");
        }
    };
    candles.retain(|c| match c.check(Timeframe::H1) {
        Ok(()) => true,
        Err(why) => {
            reject(c.open_time, why, report);
            false
        }
    });
    candles.sort_by_key(|c| c.open_time);
    let mut kept: Vec<Candle> = Vec::with_capacity(candles.len());
    for hour in candles.chunk_by(|a, b| a.open_time == b.open_time) {
        let first = hour[0];
        if hour.iter().all(|c| c.same_values(&first)) {
            report.duplicates += hour.len() as u64 - 1;
            kept.push(first);
        } else {
            for _ in hour {
                reject(
                    first.open_time,
                    Rejection::ConflictingDuplicate(first.open_time),
                    report,
                );
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BTC-USDT 2024-01-01 00:00 and 01:00 UTC, as recorded.
    fn real(hour: i64) -> Candle {
        let (open, high, low, close, volume) = match hour {
            0 => (42283.58, 42554.57, 42261.02, 42475.23, 1271.68108),
            _ => (42475.23, 42775.0, 42431.65, 42613.56, 1196.37856),
        };
        Candle {
            open_time: 1_704_067_200 + hour * 3600,
            open,
            high,
            low,
            close,
            volume,
            trades: None,
        }
    }

    #[test]
    fn repeats_are_kept_once_and_conflicts_are_dropped() {
        let conflicting = Candle {
            close: 42500.0,
            ..real(0)
        };
        let broken = Candle {
            high: 1.0,
            ..real(1)
        };
        let mut report = LoadReport::default();
        let rows = vec![real(1), real(0), conflicting, real(1), broken];
        let kept = keep_valid(Path::new("BTC-USDT.csv"), rows, &mut report);
        assert_eq!(kept, [real(1)]);
        assert_eq!(report.duplicates, 1);
        let rejected: Vec<_> = report.rejected.into_iter().collect();
        assert_eq!(
            rejected,
            [("conflicting_duplicate", 2), ("high_below_body", 1)]
        );
    }
}
