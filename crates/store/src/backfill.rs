//! Deeper history than an exchange's candle limit: trades paged from a start point are
//! stored with the backfill cursor in one transaction (a kill resumes exactly there), and
//! every hour the cursor has fully passed is aggregated from the stored trades into a
//! candle. An hour without trades gets no candle: it stays a gap.

use cst_market::{Candle, Trade};
use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, TradeInsert};

/// Where a pair's backfill stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillCursor {
    pub next_ns: i64,
    pub until_ns: i64,
    /// Hours before this are built into candles (or known to have no trades).
    pub built_ns: i64,
}

impl BackfillCursor {
    pub fn done(&self) -> bool {
        self.next_ns >= self.until_ns && self.built_ns >= self.until_ns
    }
}

impl Store {
    pub fn backfill_cursor(
        &self,
        exchange: &str,
        pair: &str,
    ) -> Result<Option<BackfillCursor>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT next_ns, until_ns, built_ns FROM backfill_cursors WHERE exchange = ?1 AND pair = ?2",
                params![exchange, pair],
                |r| {
                    Ok(BackfillCursor {
                        next_ns: r.get(0)?,
                        until_ns: r.get(1)?,
                        built_ns: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Plans a backfill from `from_ns` to `until_ns` unless one exists (it is never moved
    /// back, so restarts resume rather than start over).
    pub fn plan_backfill(
        &mut self,
        exchange: &str,
        pair: &str,
        from_ns: i64,
        until_ns: i64,
    ) -> Result<BackfillCursor, StoreError> {
        self.conn.execute(
            "INSERT INTO backfill_cursors (exchange, pair, next_ns, until_ns, built_ns)
             VALUES (?1, ?2, ?3, ?4, ?3) ON CONFLICT DO NOTHING",
            params![exchange, pair, from_ns, until_ns],
        )?;
        Ok(self
            .backfill_cursor(exchange, pair)?
            .unwrap_or(BackfillCursor {
                next_ns: from_ns,
                until_ns,
                built_ns: from_ns,
            }))
    }

    /// Stores one backfill page of trades and advances the cursor to `next_ns`, atomically.
    pub fn store_backfill_page(
        &mut self,
        exchange: &str,
        pair: &str,
        trades: &[Trade],
        next_ns: i64,
    ) -> Result<TradeInsert, StoreError> {
        let report = self.insert_trades_only(exchange, pair, trades, |tx| {
            tx.execute(
                "UPDATE backfill_cursors SET next_ns = max(next_ns, ?3) WHERE exchange = ?1 AND pair = ?2",
                params![exchange, pair, next_ns],
            )
            .map(|_| ())
        })?;
        Ok(report)
    }

    /// Records that every hour before `built_ns` has been built into candles.
    pub fn mark_backfill_built(
        &mut self,
        exchange: &str,
        pair: &str,
        built_ns: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE backfill_cursors SET built_ns = max(built_ns, ?3) WHERE exchange = ?1 AND pair = ?2",
            params![exchange, pair, built_ns],
        )?;
        Ok(())
    }

    /// The candle of the hour starting at `hour` (Unix seconds) from stored trades, or
    /// `None` when nothing traded in it.
    pub fn candle_from_trades(
        &self,
        exchange: &str,
        pair: &str,
        hour: i64,
    ) -> Result<Option<Candle>, StoreError> {
        let (from, to) = (hour * 1_000_000_000, (hour + 3600) * 1_000_000_000);
        let row = self.conn.query_row(
            "SELECT
                (SELECT price FROM trades WHERE exchange = ?1 AND pair = ?2 AND time_ns >= ?3 AND time_ns < ?4 ORDER BY time_ns, id LIMIT 1),
                max(price), min(price),
                (SELECT price FROM trades WHERE exchange = ?1 AND pair = ?2 AND time_ns >= ?3 AND time_ns < ?4 ORDER BY time_ns DESC, id DESC LIMIT 1),
                sum(volume), count(*)
             FROM trades WHERE exchange = ?1 AND pair = ?2 AND time_ns >= ?3 AND time_ns < ?4",
            params![exchange, pair, from, to],
            |r| {
                let n: i64 = r.get(5)?;
                if n == 0 {
                    return Ok(None);
                }
                Ok(Some(Candle { open_time: hour, open: r.get(0)?, high: r.get(1)?, low: r.get(2)?, close: r.get(3)?, volume: r.get(4)?, trades: Some(n as u64) }))
            },
        )?;
        Ok(row)
    }
}
