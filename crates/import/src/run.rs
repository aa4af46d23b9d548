//! The import pipeline: one thread parses files while the caller's thread writes them to the
//! store, one transaction per file.

use std::{collections::BTreeMap, path::PathBuf, sync::mpsc, thread};

use cst_market::Rejection;
use cst_store::{CandleKey, Store};

use crate::{
    Format, ImportError,
    files::{Source, identify},
    parse::{Parsed, parse_file},
};

/// What happened to one file.
#[derive(Debug)]
pub enum FileOutcome {
    Imported {
        key: CandleKey,
        inserted: u64,
        unchanged: u64,
        rejected: Vec<(i64, Rejection)>,
        malformed: Vec<(u64, String)>,
        /// Holes between consecutive accepted candles of this file (the store's view across
        /// all sources is `Store::gaps`).
        gaps: usize,
    },
    /// The whole file was skipped, with the reason.
    Failed { path: PathBuf, error: String },
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    pub files: Vec<FileOutcome>,
}

impl ImportSummary {
    pub fn inserted(&self) -> u64 {
        self.imported().map(|(_, i, _, _, _)| i).sum()
    }

    pub fn unchanged(&self) -> u64 {
        self.imported().map(|(_, _, u, _, _)| u).sum()
    }

    /// Rejected candles by kind, malformed rows included.
    pub fn rejected_by_kind(&self) -> BTreeMap<&'static str, u64> {
        let mut out = BTreeMap::new();
        for (_, _, _, rejected, malformed) in self.imported() {
            for (_, r) in rejected {
                *out.entry(r.kind()).or_default() += 1;
            }
            if !malformed.is_empty() {
                *out.entry("malformed").or_default() += malformed.len() as u64;
            }
        }
        out
    }

    pub fn failed(&self) -> impl Iterator<Item = (&PathBuf, &str)> {
        self.files.iter().filter_map(|f| match f {
            FileOutcome::Failed { path, error } => Some((path, error.as_str())),
            FileOutcome::Imported { .. } => None,
        })
    }

    #[allow(clippy::type_complexity)]
    fn imported(
        &self,
    ) -> impl Iterator<
        Item = (
            &CandleKey,
            u64,
            u64,
            &Vec<(i64, Rejection)>,
            &Vec<(u64, String)>,
        ),
    > {
        self.files.iter().filter_map(|f| match f {
            FileOutcome::Imported {
                key,
                inserted,
                unchanged,
                rejected,
                malformed,
                ..
            } => Some((key, *inserted, *unchanged, rejected, malformed)),
            FileOutcome::Failed { .. } => None,
        })
    }
}

/// Imports `files` of `format` into `store` as series of `exchange`.
pub fn import(
    store: &mut Store,
    files: &[PathBuf],
    format: Format,
    exchange: &str,
) -> Result<ImportSummary, ImportError> {
    let (tx, rx) = mpsc::sync_channel::<(PathBuf, Result<(Source, Parsed), ImportError>)>(2);
    thread::scope(|scope| {
        scope.spawn(move || {
            for path in files {
                let parsed = identify(path, format)
                    .and_then(|src| parse_file(&src.path, format).map(|p| (src, p)));
                if tx.send((path.clone(), parsed)).is_err() {
                    return;
                }
            }
        });
        let mut summary = ImportSummary::default();
        for (path, parsed) in rx {
            let (source, parsed) = match parsed {
                Ok(ok) => ok,
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "file skipped");
                    summary.files.push(FileOutcome::Failed {
                        path,
                        error: e.to_string(),
                    });
                    continue;
                }
            };
            let key = CandleKey::new(exchange, &source.pair.to_string(), source.timeframe);
            let origin = format!("import {}", path.display());
            let report = store.insert_candles(&key, &parsed.candles, &origin)?;
            if !parsed.malformed.is_empty() {
                store.record_malformed(&key, &parsed.malformed, &origin)?;
            }
            for (open_time, reason) in report.rejected.iter().take(3) {
                tracing::warn!(pair = %key.pair, open_time, %reason, "candle rejected");
            }
            let gaps = holes(
                &parsed.candles,
                &report.rejected,
                source.timeframe.seconds(),
            );
            summary.files.push(FileOutcome::Imported {
                key,
                inserted: report.inserted,
                unchanged: report.unchanged,
                rejected: report.rejected,
                malformed: parsed.malformed,
                gaps,
            });
        }
        Ok(summary)
    })
}

/// Holes between consecutive stored open times of the file: an hour is there when one of
/// its rows was accepted, or when its only refusal is a conflicting duplicate (the hour's
/// first candle, from the file or stored before, stays).
fn holes(candles: &[cst_market::Candle], rejected: &[(i64, Rejection)], step: i64) -> usize {
    let mut rows: std::collections::HashMap<i64, (usize, usize, bool)> = Default::default();
    for c in candles {
        rows.entry(c.open_time).or_default().0 += 1;
    }
    for (t, r) in rejected {
        let e = rows.entry(*t).or_default();
        e.1 += 1;
        e.2 |= matches!(r, Rejection::ConflictingDuplicate(_));
    }
    let mut times: Vec<i64> = rows
        .into_iter()
        .filter(|(_, (n, refused, duplicate))| n > refused || *duplicate)
        .map(|(t, _)| t)
        .collect();
    times.sort_unstable();
    times.dedup();
    // abs_diff: two valid times can lie further apart than i64 holds (found by reading next
    // to the fuzzed parser; a subtraction panicked in debug builds and wrapped in release).
    times
        .windows(2)
        .filter(|w| w[1].abs_diff(w[0]) > step.unsigned_abs())
        .count()
}
