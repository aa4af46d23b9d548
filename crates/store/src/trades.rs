//! Public trades and depth snapshots, for the whale agent. Trades are stored once each (by
//! trade id) together with the paging cursor, in one transaction, so a collector killed at
//! any point resumes exactly where its last commit left off.

use cst_market::{BookLevel, Trade, TradeRejection};
use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TradeInsert {
    pub inserted: u64,
    /// Already stored (pages may overlap).
    pub duplicates: u64,
    pub rejected: Vec<(u64, TradeRejection)>,
}

/// A stored depth snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthSnapshot {
    pub at: i64,
    pub bids: Vec<BookLevel>,
    pub asks: Vec<BookLevel>,
}

/// A row of `SELECT id, time_ns, price, volume, taker_buy, market FROM trades`.
pub(crate) fn row_to_trade(r: &rusqlite::Row<'_>) -> rusqlite::Result<Trade> {
    Ok(Trade {
        id: r.get::<_, i64>(0)? as u64,
        time_ns: r.get(1)?,
        price: r.get(2)?,
        volume: r.get(3)?,
        taker_buy: r.get(4)?,
        market_order: r.get(5)?,
    })
}

fn encode(levels: &[BookLevel]) -> String {
    serde_json::to_string(levels).unwrap_or_default()
}

impl Store {
    /// Stores a page of trades and moves the pair's cursor to `cursor_ns`, atomically.
    pub fn insert_trades(
        &mut self,
        exchange: &str,
        pair: &str,
        trades: &[Trade],
        cursor_ns: i64,
    ) -> Result<TradeInsert, StoreError> {
        self.insert_trades_only(exchange, pair, trades, |tx| {
            tx.execute(
                "INSERT INTO trade_cursors (exchange, pair, last_ns) VALUES (?1, ?2, ?3)
                 ON CONFLICT (exchange, pair) DO UPDATE SET last_ns = max(last_ns, ?3)",
                params![exchange, pair, cursor_ns],
            )
            .map(|_| ())
        })
    }

    /// Stores trades and runs `also` (a cursor update) in the same transaction.
    pub(crate) fn insert_trades_only(
        &mut self,
        exchange: &str,
        pair: &str,
        trades: &[Trade],
        also: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<TradeInsert, StoreError> {
        let mut out = TradeInsert::default();
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO trades (exchange, pair, id, time_ns, price, volume, taker_buy, market)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?;
            for t in trades {
                if let Err(r) = t.check() {
                    out.rejected.push((t.id, r));
                    continue;
                }
                let n = insert.execute(params![
                    exchange,
                    pair,
                    t.id as i64,
                    t.time_ns,
                    t.price,
                    t.volume,
                    t.taker_buy,
                    t.market_order
                ])?;
                if n == 1 {
                    out.inserted += 1
                } else {
                    out.duplicates += 1
                }
            }
        }
        also(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Where trade collection for a pair resumes.
    pub fn trade_cursor(&self, exchange: &str, pair: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_ns FROM trade_cursors WHERE exchange = ?1 AND pair = ?2",
                params![exchange, pair],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Trades with `from_ns <= time_ns < to_ns`, oldest first.
    pub fn trades_between(
        &self,
        exchange: &str,
        pair: &str,
        from_ns: i64,
        to_ns: i64,
    ) -> Result<Vec<Trade>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, time_ns, price, volume, taker_buy, market FROM trades
             WHERE exchange = ?1 AND pair = ?2 AND time_ns >= ?3 AND time_ns < ?4 ORDER BY time_ns, id",
        )?;
        let rows = stmt.query_map(params![exchange, pair, from_ns, to_ns], row_to_trade)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores a depth snapshot taken at `at` (Unix seconds). A snapshot with any impossible
    /// level is refused whole: a half-believed book is worse than none.
    pub fn insert_depth(
        &mut self,
        exchange: &str,
        pair: &str,
        at: i64,
        bids: &[BookLevel],
        asks: &[BookLevel],
    ) -> Result<Result<(), TradeRejection>, StoreError> {
        if let Some(bad) = bids.iter().chain(asks).find_map(|l| l.check().err()) {
            return Ok(Err(bad));
        }
        self.conn.execute(
            "INSERT INTO depth_snapshots (exchange, pair, at, bids, asks) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![exchange, pair, at, encode(bids), encode(asks)],
        )?;
        Ok(Ok(()))
    }

    pub fn latest_depth(
        &self,
        exchange: &str,
        pair: &str,
    ) -> Result<Option<DepthSnapshot>, StoreError> {
        let row: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT at, bids, asks FROM depth_snapshots WHERE exchange = ?1 AND pair = ?2 ORDER BY at DESC, id DESC LIMIT 1",
                params![exchange, pair],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(at, bids, asks)| DepthSnapshot {
            at,
            bids: serde_json::from_str(&bids).unwrap_or_default(),
            asks: serde_json::from_str(&asks).unwrap_or_default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(id: u64, price: f64) -> Trade {
        Trade {
            id,
            time_ns: 1_762_795_433_971_744_500 + id as i64,
            price,
            volume: 0.00027625,
            taker_buy: true,
            market_order: false,
        }
    }

    #[test]
    fn overlapping_pages_store_each_trade_once_and_the_cursor_only_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let r = s
            .insert_trades(
                "kraken",
                "XBT/USDT",
                &[trade(1, 105433.6), trade(2, 105433.7)],
                200,
            )
            .unwrap();
        assert_eq!((r.inserted, r.duplicates), (2, 0));
        let r = s
            .insert_trades(
                "kraken",
                "XBT/USDT",
                &[trade(2, 105433.7), trade(3, f64::NAN)],
                100,
            )
            .unwrap();
        assert_eq!((r.inserted, r.duplicates, r.rejected.len()), (0, 1, 1));
        assert_eq!(s.trade_cursor("kraken", "XBT/USDT").unwrap(), Some(200));
        assert_eq!(
            s.trades_between("kraken", "XBT/USDT", 0, i64::MAX)
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_depth_snapshot_with_an_impossible_level_is_refused_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let bids = [BookLevel {
            price: 105944.2,
            volume: 0.5,
        }];
        let asks = [BookLevel {
            price: 105944.3,
            volume: 0.136,
        }];
        assert_eq!(
            s.insert_depth("kraken", "XBT/USDT", 10, &bids, &asks)
                .unwrap(),
            Ok(())
        );
        let bad = [BookLevel {
            price: 105944.3,
            volume: 0.0,
        }];
        assert!(
            s.insert_depth("kraken", "XBT/USDT", 20, &bids, &bad)
                .unwrap()
                .is_err()
        );
        let latest = s.latest_depth("kraken", "XBT/USDT").unwrap().unwrap();
        assert_eq!(
            (latest.at, latest.asks, latest.bids),
            (10, asks.to_vec(), bids.to_vec())
        );
    }
}
