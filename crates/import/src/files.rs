//! Which series a file holds, from its name.

use std::path::{Path, PathBuf};

use cst_market::{PairName, Timeframe};

use crate::ImportError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `ts,open,high,low,close,volume` with that header; files named `BASE-QUOTE.csv`, 1 h.
    Csv,
    /// Kraken's bulk history: no header, `unix_s,open,high,low,close,volume,trades`; files
    /// named `XBTUSD_60.csv` (pair, then the interval in minutes).
    KrakenOhlcvt,
}

/// A file to import and the series it belongs to.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub pair: PairName,
    pub timeframe: Timeframe,
}

pub fn identify(path: &Path, format: Format) -> Result<Source, ImportError> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let named = |pair, timeframe| {
        Ok(Source {
            path: path.to_path_buf(),
            pair,
            timeframe,
        })
    };
    match format {
        Format::Csv => match PairName::parse(stem) {
            Some(pair) if stem.contains('-') => named(pair, Timeframe::H1),
            _ => Err(ImportError::Name {
                path: path.to_path_buf(),
                expected: "BASE-QUOTE.csv, e.g. BTC-USDT.csv",
            }),
        },
        Format::KrakenOhlcvt => {
            let parsed = stem.rsplit_once('_').and_then(|(pair, minutes)| {
                Some((
                    PairName::parse(pair)?,
                    Timeframe::from_minutes(minutes.parse().ok()?)?,
                ))
            });
            match parsed {
                Some((pair, timeframe)) => named(pair, timeframe),
                None => Err(ImportError::Name {
                    path: path.to_path_buf(),
                    expected: "PAIR_60.csv, e.g. XBTUSD_60.csv (only 60-minute files)",
                }),
            }
        }
    }
}

/// The `.csv` files of a directory, sorted so imports are reproducible.
pub fn csv_files(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let read = |source| ImportError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ImportError::Empty(dir.to_path_buf()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_the_series() {
        let s = identify(Path::new("d/BTC-USDT.csv"), Format::Csv).unwrap();
        assert_eq!(
            (s.pair.to_string(), s.timeframe),
            ("BTC/USDT".into(), Timeframe::H1)
        );
        let s = identify(Path::new("XBTUSD_60.csv"), Format::KrakenOhlcvt).unwrap();
        assert_eq!(s.pair.to_string(), "XBT/USD");
        assert!(identify(Path::new("XBTUSD_15.csv"), Format::KrakenOhlcvt).is_err());
        assert!(identify(Path::new("prices.csv"), Format::Csv).is_err());
    }
}
