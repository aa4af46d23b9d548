//! Candles: integrity-checked on the way in, read back in time order, gaps computed from
//! what is stored. Nothing here fills, interpolates or repairs.

use cst_market::{Candle, Rejection, Timeframe};
use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

/// Which series a candle belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CandleKey {
    pub exchange: String,
    /// Canonical `BASE/QUOTE`.
    pub pair: String,
    pub timeframe: Timeframe,
}

impl CandleKey {
    pub fn new(exchange: &str, pair: &str, timeframe: Timeframe) -> Self {
        Self {
            exchange: exchange.to_string(),
            pair: pair.to_string(),
            timeframe,
        }
    }
}

/// What one insert did with each candle it was given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InsertReport {
    pub inserted: u64,
    /// Already stored with the same values (re-imports are idempotent).
    pub unchanged: u64,
    /// Refused, with the open time (when the candle had one) and the reason.
    pub rejected: Vec<(i64, Rejection)>,
}

/// Missing candles between two stored ones: `missing` open times from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub from: i64,
    pub to: i64,
    pub missing: i64,
}

const INSERT: &str =
    "INSERT INTO candles (series, open_time, open, high, low, close, volume, trades)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING";
const SELECT_ONE: &str = "SELECT open, high, low, close, volume, trades FROM candles WHERE series = ?1 AND open_time = ?2";
const REJECT: &str =
    "INSERT INTO rejections (exchange, pair, timeframe, open_time, kind, reason, source)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

fn row_to_candle(open_time: i64, r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Candle> {
    Ok(Candle {
        open_time,
        open: r.get(first)?,
        high: r.get(first + 1)?,
        low: r.get(first + 2)?,
        close: r.get(first + 3)?,
        volume: r.get(first + 4)?,
        trades: r.get::<_, Option<i64>>(first + 5)?.map(|t| t as u64),
    })
}

impl Store {
    /// [`Store::insert_candles_at`] with the wall clock's now: imports and tests, which run
    /// outside the service and its clock.
    pub fn insert_candles(
        &mut self,
        key: &CandleKey,
        candles: &[Candle],
        source: &str,
    ) -> Result<InsertReport, StoreError> {
        let now = cst_clock::Clock::now(&cst_clock::LiveClock);
        self.insert_candles_at(key, candles, source, now)
    }

    /// Stores the valid candles of one series in one transaction; rejects (and records) the
    /// rest, among them open times no market can have had at `now` (the service clock's:
    /// [`Candle::check_time`]). A candle whose open time is stored with other values is a
    /// conflicting duplicate: the stored one stays.
    pub fn insert_candles_at(
        &mut self,
        key: &CandleKey,
        candles: &[Candle],
        source: &str,
        now: i64,
    ) -> Result<InsertReport, StoreError> {
        let tf = key.timeframe.seconds();
        let mut report = InsertReport::default();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO series (exchange, pair, timeframe) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![key.exchange, key.pair, tf],
        )?;
        let series: i64 = tx.query_row(
            "SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3",
            params![key.exchange, key.pair, tf],
            |r| r.get(0),
        )?;
        {
            let mut insert = tx.prepare_cached(INSERT)?;
            let mut select = tx.prepare_cached(SELECT_ONE)?;
            let mut reject = tx.prepare_cached(REJECT)?;
            for c in candles {
                let verdict = match c.check(key.timeframe).and_then(|()| c.check_time(now)) {
                    Err(r) => Err(r),
                    Ok(()) => {
                        let trades = c.trades.map(|t| t as i64);
                        let params = params![
                            series,
                            c.open_time,
                            c.open,
                            c.high,
                            c.low,
                            c.close,
                            c.volume,
                            trades
                        ];
                        if insert.execute(params)? == 1 {
                            report.inserted += 1;
                            Ok(())
                        } else {
                            let stored = select
                                .query_row(params![series, c.open_time], |r| {
                                    row_to_candle(c.open_time, r, 0)
                                })
                                .optional()?;
                            match stored {
                                Some(s) if s.same_values(c) => {
                                    report.unchanged += 1;
                                    Ok(())
                                }
                                _ => Err(Rejection::ConflictingDuplicate(c.open_time)),
                            }
                        }
                    }
                };
                if let Err(rejection) = verdict {
                    reject.execute(params![
                        key.exchange,
                        key.pair,
                        tf,
                        c.open_time,
                        rejection.kind(),
                        rejection.to_string(),
                        source
                    ])?;
                    report.rejected.push((c.open_time, rejection));
                }
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Records rows that could not even be read as candles (a broken line in an imported
    /// file), so they are counted with the other rejections of the series.
    pub fn record_malformed(
        &mut self,
        key: &CandleKey,
        rows: &[(u64, String)],
        source: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut reject = tx.prepare_cached(REJECT)?;
            for (line, reason) in rows {
                let reason = format!("line {line}: {reason}");
                reject.execute(params![
                    key.exchange,
                    key.pair,
                    key.timeframe.seconds(),
                    None::<i64>,
                    "malformed",
                    reason,
                    source
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Open time of the oldest stored candle of a series.
    pub fn earliest_open_time(&self, key: &CandleKey) -> Result<Option<i64>, StoreError> {
        self.open_time_bound(key, "SELECT min(open_time) FROM candles WHERE series = ")
    }

    /// Open time of the newest stored candle of a series.
    pub fn latest_open_time(&self, key: &CandleKey) -> Result<Option<i64>, StoreError> {
        self.open_time_bound(key, "SELECT max(open_time) FROM candles WHERE series = ")
    }

    /// Open time of the newest stored candle of a series opened before `before`: where
    /// collection resumes, so that a candle stored in the future (by a build before the
    /// time check) can never stop a pair from being collected.
    pub fn latest_open_time_before(
        &self,
        key: &CandleKey,
        before: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT max(open_time) FROM candles WHERE open_time < ?4 AND series = \
             (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)",
        )?;
        Ok(stmt.query_row(
            params![key.exchange, key.pair, key.timeframe.seconds(), before],
            |r| r.get(0),
        )?)
    }

    /// Open time of the newest stored candle of any `timeframe` series of `exchange`: with
    /// the timeframe added, the data's own "now".
    pub fn newest_open_time(
        &self,
        exchange: &str,
        timeframe: Timeframe,
    ) -> Result<Option<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT max((SELECT max(open_time) FROM candles WHERE series = s.id))
             FROM series s WHERE s.exchange = ?1 AND s.timeframe = ?2",
        )?;
        Ok(stmt.query_row(params![exchange, timeframe.seconds()], |r| r.get(0))?)
    }

    /// The close of the newest stored hourly candle of `exchange`: the data's own "now",
    /// which every agent and command that follows the data (not the wall clock) reads.
    pub fn data_now(&self, exchange: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .newest_open_time(exchange, Timeframe::H1)?
            .map(|open| open + Timeframe::H1.seconds()))
    }

    /// The pairs of `exchange` with an hourly series.
    pub fn hourly_pairs(&self, exchange: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .candle_keys()?
            .into_iter()
            .filter(|k| k.exchange == exchange && k.timeframe == Timeframe::H1)
            .map(|k| k.pair)
            .collect())
    }

    /// Every (pair, open time) of `exchange`'s `timeframe` candles with `from <= open_time <=
    /// to`, oldest first (then by pair): the hours a restarted agent has to catch up on.
    pub fn candle_times_between(
        &self,
        exchange: &str,
        timeframe: Timeframe,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.pair, c.open_time FROM series s JOIN candles c ON c.series = s.id
             WHERE s.exchange = ?1 AND s.timeframe = ?2 AND c.open_time BETWEEN ?3 AND ?4
             ORDER BY c.open_time, s.pair",
        )?;
        let rows = stmt.query_map(params![exchange, timeframe.seconds(), from, to], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// `select` is a fixed query prefix; the series is filled in here.
    fn open_time_bound(&self, key: &CandleKey, select: &str) -> Result<Option<i64>, StoreError> {
        let sql = format!(
            "{select}(SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_row(
            params![key.exchange, key.pair, key.timeframe.seconds()],
            |r| r.get(0),
        )?)
    }

    /// The newest `n` candles of a series, oldest first.
    pub fn latest_candles(&self, key: &CandleKey, n: usize) -> Result<Vec<Candle>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT open_time, open, high, low, close, volume, trades FROM candles
             WHERE series = (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)
             ORDER BY open_time DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![key.exchange, key.pair, key.timeframe.seconds(), n as i64],
            |r| row_to_candle(r.get(0)?, r, 1),
        )?;
        let mut out = rows.collect::<Result<Vec<_>, _>>()?;
        out.reverse();
        Ok(out)
    }

    /// Candles with `from <= open_time < to`, oldest first.
    pub fn candles_between(
        &self,
        key: &CandleKey,
        from: i64,
        to: i64,
    ) -> Result<Vec<Candle>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT open_time, open, high, low, close, volume, trades FROM candles
             WHERE series = (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)
               AND open_time >= ?4 AND open_time < ?5
             ORDER BY open_time",
        )?;
        let rows = stmt.query_map(
            params![key.exchange, key.pair, key.timeframe.seconds(), from, to],
            |r| row_to_candle(r.get(0)?, r, 1),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every hourly candle of `exchange` with `from <= open_time < to`, by pair (in the
    /// order of [`Store::hourly_pairs`]) then open time: one query for the cross-section of
    /// every pair at once.
    pub fn hourly_candles_between(
        &self,
        exchange: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, Candle)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.pair, c.open_time, c.open, c.high, c.low, c.close, c.volume, c.trades
             FROM series s JOIN candles c ON c.series = s.id
             WHERE s.exchange = ?1 AND s.timeframe = ?2 AND c.open_time >= ?3 AND c.open_time < ?4
             ORDER BY s.pair, c.open_time",
        )?;
        let rows = stmt.query_map(params![exchange, Timeframe::H1.seconds(), from, to], |r| {
            Ok((r.get::<_, String>(0)?, row_to_candle(r.get(1)?, r, 2)?))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Hourly pairs of `exchange` whose candle closing at `t - 1 h` is stored but whose
    /// candle closing at `t` is not (yet): the peers an hour's cross-section still waits for.
    pub fn hourly_pairs_behind(&self, exchange: &str, t: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.pair FROM series s
             WHERE s.exchange = ?1 AND s.timeframe = ?2
               AND EXISTS (SELECT 1 FROM candles c WHERE c.series = s.id AND c.open_time = ?3)
               AND NOT EXISTS (SELECT 1 FROM candles c WHERE c.series = s.id AND c.open_time = ?4)
             ORDER BY s.pair",
        )?;
        let rows = stmt.query_map(
            params![exchange, Timeframe::H1.seconds(), t - 7200, t - 3600],
            |r| r.get::<_, String>(0),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn candle_count(&self, key: &CandleKey) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM candles
             WHERE series = (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)",
            params![key.exchange, key.pair, key.timeframe.seconds()],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Every series that has candles.
    pub fn candle_keys(&self) -> Result<Vec<CandleKey>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT exchange, pair, timeframe FROM series
             WHERE EXISTS (SELECT 1 FROM candles WHERE candles.series = series.id) ORDER BY 1, 2, 3")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut keys = Vec::new();
        for row in rows {
            let (exchange, pair, seconds) = row?;
            // A timeframe this build does not know cannot have been written by it; skip it.
            if let Some(timeframe) = Timeframe::from_seconds(seconds) {
                keys.push(CandleKey {
                    exchange,
                    pair,
                    timeframe,
                });
            }
        }
        Ok(keys)
    }

    /// Holes between consecutive stored candles of a series, oldest first.
    pub fn gaps(&self, key: &CandleKey) -> Result<Vec<Gap>, StoreError> {
        self.gaps_since(key, i64::MIN)
    }

    /// Holes that reach into the time from `from` on: a bounded scan for audits that look
    /// back a window (it starts at the newest candle before `from`, so a hole that began
    /// earlier is still seen).
    pub fn gaps_since(&self, key: &CandleKey, from: i64) -> Result<Vec<Gap>, StoreError> {
        let tf = key.timeframe.seconds();
        let mut stmt = self.conn.prepare_cached(
            "SELECT prev + ?4, open_time - ?4 FROM (
                SELECT open_time, LAG(open_time) OVER (ORDER BY open_time) AS prev FROM candles
                WHERE series = (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)
                  AND open_time >= coalesce((SELECT max(open_time) FROM candles
                        WHERE series = (SELECT id FROM series WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3)
                          AND open_time < ?5), ?5))
             WHERE open_time - prev > ?4 AND open_time - ?4 >= ?5",
        )?;
        let rows = stmt.query_map(params![key.exchange, key.pair, tf, tf, from], |r| {
            let (from, to): (i64, i64) = (r.get(0)?, r.get(1)?);
            Ok(Gap {
                from,
                to,
                missing: (to - from) / tf + 1,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Rejections recorded for a series, counted by kind.
    pub fn rejection_counts(&self, key: &CandleKey) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, count(*) FROM rejections WHERE exchange = ?1 AND pair = ?2 AND timeframe = ?3 GROUP BY kind ORDER BY kind",
        )?;
        let rows = stmt.query_map(
            params![key.exchange, key.pair, key.timeframe.seconds()],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every rejection recorded for a series: (open time, reason), in the order recorded.
    pub fn rejections(&self, key: &CandleKey) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT open_time, reason FROM rejections WHERE exchange = ?1 AND pair = ?2 \
             AND timeframe = ?3 ORDER BY id",
        )?;
        let rows = stmt.query_map(
            params![key.exchange, key.pair, key.timeframe.seconds()],
            |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(i64::MIN), r.get(1)?)),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
#[path = "candles_tests.rs"]
mod tests;
