//! [`Replay`]: the loaded recording and its simulated clock, shared read-only by every
//! request, so serving needs no locks.

use std::collections::BTreeMap;
use std::path::Path;

use crate::ReplayError;
use crate::load::{LoadReport, load_dir};
use crate::series::Series;
use cst_clock::{Clock, SimClock};

#[derive(Debug)]
pub struct Replay {
    clock: SimClock,
    /// By altname (`BTCUSDT`), which is also the Kraken result key.
    pairs: BTreeMap<String, Series>,
    report: LoadReport,
}

impl Replay {
    /// Loads every `BASE-QUOTE.csv` in `dir` (read in place) and starts the simulated clock
    /// at `start` (Unix seconds) once loading is done, running `speed` simulated seconds per
    /// real second (0 freezes it).
    ///
    /// Blocking file I/O: from async code, call it inside `tokio::task::spawn_blocking`.
    pub fn load(dir: &Path, start: i64, speed: f64) -> Result<Self, ReplayError> {
        SimClock::running(start, speed).map_err(|e| ReplayError::Speed(e.0))?; // refuse a bad speed before the slow part
        let begun = tokio::time::Instant::now();
        let (series, report) = load_dir(dir)?;
        let mut pairs: BTreeMap<String, Series> = BTreeMap::new();
        for one in series {
            let altname = one.altname();
            if let Some(first) = pairs.get(&altname) {
                return Err(ReplayError::DuplicatePair {
                    first: first.path.clone(),
                    second: one.path.clone(),
                    altname,
                });
            }
            pairs.insert(altname, one);
        }
        tracing::info!(
            dir = %dir.display(),
            files = report.files,
            pairs = pairs.len(),
            candles = report.candles,
            rejected = ?report.rejected,
            malformed = report.malformed,
            duplicates = report.duplicates,
            empty = report.empty.len(),
            first_open = report.first_open,
            last_open = report.last_open,
            took_ms = begun.elapsed().as_millis() as u64,
            "recording loaded"
        );
        if start < report.first_open || start > report.last_open {
            tracing::warn!(
                start,
                first_open = report.first_open,
                last_open = report.last_open,
                "the simulated clock starts outside the recording: no pair has a current candle"
            );
        }
        let clock = SimClock::running(start, speed).map_err(|e| ReplayError::Speed(e.0))?;
        Ok(Self {
            clock,
            pairs,
            report,
        })
    }

    /// Simulated Unix seconds: what `/0/public/Time` answers and what every endpoint uses.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn speed(&self) -> f64 {
        self.clock.speed()
    }

    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    /// Every pair in the recording, listed yet or not, with the open time of its first
    /// candle (when it lists).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, i64)> {
        self.pairs.iter().map(|(k, s)| (k.as_str(), s.first_open()))
    }

    /// Pairs that have listed by `now`: their first recorded candle opened at or before it.
    pub(crate) fn listed(&self, now: i64) -> impl Iterator<Item = &Series> {
        self.pairs.values().filter(move |s| s.first_open() <= now)
    }

    /// A listed pair by the name a client sends: the altname (`BTCUSDT`) or `BTC/USDT`, in
    /// any case. A pair that lists later does not exist yet.
    pub(crate) fn find(&self, name: &str, now: i64) -> Option<&Series> {
        let key: String = name
            .chars()
            .filter(|&c| c != '/')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        self.pairs.get(&key).filter(|s| s.first_open() <= now)
    }
}
