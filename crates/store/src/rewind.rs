//! Forgetting everything recorded from a time on: the store as it was at `t`. The
//! no-look-ahead property test builds features on a rewound copy and demands the same rows;
//! a replay restarted from an earlier time can use it too.

use rusqlite::params;

use crate::{Store, StoreError};

impl Store {
    /// Deletes every candle that had not closed by `t` (Unix seconds), every trade, book
    /// and news item from `t` on, and caps the coverage marks at `t` (what was complete
    /// through a later time was complete through `t`).
    pub fn forget_from(&mut self, t: i64) -> Result<(), StoreError> {
        let ns = t.saturating_mul(1_000_000_000);
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM candles WHERE open_time + (SELECT timeframe FROM series WHERE id = series) > ?1",
            params![t],
        )?;
        tx.execute("DELETE FROM trades WHERE time_ns >= ?1", params![ns])?;
        tx.execute(
            "UPDATE trade_cursors SET last_ns = min(last_ns, ?1), checked_ns = min(checked_ns, ?1)",
            params![ns],
        )?;
        tx.execute("DELETE FROM depth_snapshots WHERE at >= ?1", params![t])?;
        tx.execute(
            "DELETE FROM news_mentions WHERE published >= ?1",
            params![t],
        )?;
        tx.execute("DELETE FROM news_items WHERE published >= ?1", params![t])?;
        tx.execute("DELETE FROM news_coverage WHERE from_s > ?1", params![t])?;
        tx.execute(
            "UPDATE news_coverage SET through_s = min(through_s, ?1)",
            params![t],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A consistent copy of the whole database at `path` (SQLite `VACUUM INTO`).
    pub fn copy_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        self.conn.execute(
            "VACUUM INTO ?1",
            params![path.to_string_lossy().into_owned()],
        )?;
        Ok(())
    }
}
