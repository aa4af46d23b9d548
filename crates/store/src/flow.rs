//! What the whale features read besides the trades themselves: over which span a pair's
//! trades are known complete, and the depth snapshots of a window.

use cst_market::Trade;
use rusqlite::params;

use crate::{DepthSnapshot, Store, StoreError};

/// A pair's trades are complete over `[from_ns, checked_ns)`: from the first stored trade
/// to the last time the collector had caught up with the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeCoverage {
    pub from_ns: i64,
    pub checked_ns: i64,
}

impl Store {
    /// The collector fetched a pair's trades at `checked_ns` and got everything up to then
    /// (its page was not full). Only moves forward.
    pub fn mark_trades_checked(
        &mut self,
        exchange: &str,
        pair: &str,
        checked_ns: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE trade_cursors SET checked_ns = max(coalesce(checked_ns, ?3), ?3)
             WHERE exchange = ?1 AND pair = ?2",
            params![exchange, pair, checked_ns],
        )?;
        Ok(())
    }

    /// `None` until the collector has caught up with the pair's trades at least once.
    pub fn trade_coverage(
        &self,
        exchange: &str,
        pair: &str,
    ) -> Result<Option<TradeCoverage>, StoreError> {
        let row: (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT (SELECT min(time_ns) FROM trades WHERE exchange = ?1 AND pair = ?2),
                    (SELECT checked_ns FROM trade_cursors WHERE exchange = ?1 AND pair = ?2)",
            params![exchange, pair],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(match row {
            (Some(from_ns), Some(checked_ns)) => Some(TradeCoverage {
                from_ns,
                checked_ns,
            }),
            _ => None,
        })
    }

    /// The newest `n` trades before `before_ns`, oldest first: the history a rolling
    /// median needs, whatever window the caller starts at.
    pub fn trades_before(
        &self,
        exchange: &str,
        pair: &str,
        before_ns: i64,
        n: usize,
    ) -> Result<Vec<Trade>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, time_ns, price, volume, taker_buy, market FROM trades
             WHERE exchange = ?1 AND pair = ?2 AND time_ns < ?3 ORDER BY time_ns DESC, id DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![exchange, pair, before_ns, n as i64],
            crate::trades::row_to_trade,
        )?;
        let mut out = rows.collect::<Result<Vec<_>, _>>()?;
        out.reverse();
        Ok(out)
    }

    /// Depth snapshots taken in `[from, to)` (Unix seconds), oldest first. A stored book
    /// that no longer decodes is an error, not an empty book.
    pub fn depth_between(
        &self,
        exchange: &str,
        pair: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DepthSnapshot>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, bids, asks FROM depth_snapshots
             WHERE exchange = ?1 AND pair = ?2 AND at >= ?3 AND at < ?4 ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![exchange, pair, from, to], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, bids, asks) = row?;
            let decode = |text: &str| {
                serde_json::from_str(text)
                    .map_err(|e| StoreError::Corrupt(format!("depth snapshot at {at}: {e}")))
            };
            out.push(DepthSnapshot {
                at,
                bids: decode(&bids)?,
                asks: decode(&asks)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use cst_market::BookLevel;

    use super::*;

    #[test]
    fn trades_count_as_complete_only_up_to_the_last_catch_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let t = Trade {
            id: 10218208,
            time_ns: 1_762_795_433_971_744_500,
            price: 105433.6,
            volume: 0.00027625,
            taker_buy: true,
            market_order: false,
        };
        s.insert_trades("kraken", "XBT/USDT", &[t], t.time_ns)
            .unwrap();
        assert_eq!(s.trade_coverage("kraken", "XBT/USDT").unwrap(), None);
        s.mark_trades_checked("kraken", "XBT/USDT", t.time_ns + 5)
            .unwrap();
        s.mark_trades_checked("kraken", "XBT/USDT", t.time_ns + 1)
            .unwrap();
        assert_eq!(
            s.trade_coverage("kraken", "XBT/USDT").unwrap(),
            Some(TradeCoverage {
                from_ns: t.time_ns,
                checked_ns: t.time_ns + 5
            })
        );
    }

    #[test]
    fn depth_snapshots_are_read_by_window() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let bid = [BookLevel {
            price: 105944.2,
            volume: 0.5,
        }];
        let ask = [BookLevel {
            price: 105944.3,
            volume: 0.136,
        }];
        for at in [100, 200, 300] {
            s.insert_depth("kraken", "XBT/USDT", at, &bid, &ask)
                .unwrap()
                .unwrap();
        }
        let got = s.depth_between("kraken", "XBT/USDT", 100, 300).unwrap();
        assert_eq!(got.iter().map(|d| d.at).collect::<Vec<_>>(), vec![100, 200]);
    }
}
