//! Stored feature rows: each pair-hour's row (or the reasons there is none) as the technical
//! agent built it when the hour's inputs were in, so every reader sees the row the models
//! saw, computed once. The features crate owns the encoding; the store keeps the bytes and
//! the columns readers select on.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

/// One pair-hour's stored build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeatureRow {
    pub exchange: String,
    /// The FeatureSet version it was built for: a row of another version is never read.
    pub feature_set: String,
    pub pair: String,
    pub t: i64,
    /// A row (true) or the reasons there is none (false).
    pub has_row: bool,
    /// The data's time when it was built (the newest stored candle's close, Unix seconds).
    pub built_at: i64,
    /// The encoded build (`cst_features::stored`).
    pub row: Vec<u8>,
}

impl Store {
    /// Stores `rows` in one transaction; returns how many were new. A row already stored
    /// for the same (exchange, FeatureSet, pair, t) is kept: a row is built once.
    pub fn insert_feature_rows(&mut self, rows: &[StoredFeatureRow]) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let mut new = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO feature_rows (exchange, feature_set, pair, t, has_row, built_at, row) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            )?;
            for r in rows {
                new += stmt.execute(params![
                    r.exchange,
                    r.feature_set,
                    r.pair,
                    r.t,
                    r.has_row,
                    r.built_at,
                    r.row
                ])? as u64;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// The stored build of `pair` at `t` for `feature_set`, if there is one.
    pub fn feature_row(
        &self,
        exchange: &str,
        feature_set: &str,
        pair: &str,
        t: i64,
    ) -> Result<Option<StoredFeatureRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT exchange, feature_set, pair, t, has_row, built_at, row FROM feature_rows \
             WHERE exchange = ?1 AND feature_set = ?2 AND pair = ?3 AND t = ?4",
        )?;
        Ok(stmt
            .query_row(params![exchange, feature_set, pair, t], to_stored)
            .optional()?)
    }

    /// The stored builds of `pair` with `t` in `[from, to]`, oldest first.
    pub fn feature_rows_between(
        &self,
        exchange: &str,
        feature_set: &str,
        pair: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredFeatureRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT exchange, feature_set, pair, t, has_row, built_at, row FROM feature_rows \
             WHERE exchange = ?1 AND feature_set = ?2 AND pair = ?3 AND t BETWEEN ?4 AND ?5 \
             ORDER BY t",
        )?;
        let rows = stmt.query_map(params![exchange, feature_set, pair, from, to], to_stored)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The newest stored hour of `pair` for `feature_set` (the primary key's prefix).
    pub fn latest_feature_row_t(
        &self,
        exchange: &str,
        feature_set: &str,
        pair: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT max(t) FROM feature_rows WHERE exchange = ?1 AND feature_set = ?2 AND pair = ?3",
        )?;
        Ok(stmt.query_row(params![exchange, feature_set, pair], |r| r.get(0))?)
    }

    /// (pair, t) of every stored row (not the hours without one) with `t` in `[from, to]`,
    /// oldest hour first.
    pub fn feature_row_times(
        &self,
        exchange: &str,
        feature_set: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT pair, t FROM feature_rows WHERE exchange = ?1 AND feature_set = ?2 \
             AND t BETWEEN ?3 AND ?4 AND has_row ORDER BY t, pair",
        )?;
        let rows = stmt.query_map(params![exchange, feature_set, from, to], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

fn to_stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFeatureRow> {
    Ok(StoredFeatureRow {
        exchange: r.get(0)?,
        feature_set: r.get(1)?,
        pair: r.get(2)?,
        t: r.get(3)?,
        has_row: r.get(4)?,
        built_at: r.get(5)?,
        row: r.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(pair: &str, t: i64, has_row: bool, row: &[u8]) -> StoredFeatureRow {
        StoredFeatureRow {
            exchange: "kraken".into(),
            feature_set: "fs1-technical-abc".into(),
            pair: pair.into(),
            t,
            has_row,
            built_at: t + 5,
            row: row.to_vec(),
        }
    }

    #[test]
    fn a_row_is_stored_once_and_read_back_by_its_feature_set() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let first = stored("XBT/USD", 7200, true, &[1, 2, 3]);
        assert_eq!(
            s.insert_feature_rows(std::slice::from_ref(&first)).unwrap(),
            1
        );
        // A second build of the same hour does not replace the first.
        let again = stored("XBT/USD", 7200, true, &[9]);
        assert_eq!(s.insert_feature_rows(&[again]).unwrap(), 0);
        assert_eq!(
            s.feature_row("kraken", "fs1-technical-abc", "XBT/USD", 7200)
                .unwrap(),
            Some(first)
        );
        assert_eq!(
            s.feature_row("kraken", "fs1-other", "XBT/USD", 7200)
                .unwrap(),
            None,
            "another FeatureSet's row is never read"
        );
        assert_eq!(
            s.feature_row("binance", "fs1-technical-abc", "XBT/USD", 7200)
                .unwrap(),
            None
        );
    }

    #[test]
    fn row_times_leave_out_hours_without_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        s.insert_feature_rows(&[
            stored("XBT/USD", 3600, true, &[1]),
            stored("ETH/USD", 3600, false, &[2]),
            stored("ETH/USD", 7200, true, &[3]),
            stored("XBT/USD", 10800, true, &[4]),
        ])
        .unwrap();
        assert_eq!(
            s.feature_row_times("kraken", "fs1-technical-abc", 3600, 7200)
                .unwrap(),
            vec![("XBT/USD".to_string(), 3600), ("ETH/USD".to_string(), 7200)]
        );
        let eth = s
            .feature_rows_between("kraken", "fs1-technical-abc", "ETH/USD", 0, 7200)
            .unwrap();
        assert_eq!(
            eth.iter().map(|r| (r.t, r.has_row)).collect::<Vec<_>>(),
            vec![(3600, false), (7200, true)]
        );
        assert_eq!(
            s.latest_feature_row_t("kraken", "fs1-technical-abc", "ETH/USD")
                .unwrap(),
            Some(7200)
        );
        assert_eq!(
            s.latest_feature_row_t("kraken", "fs1-technical-abc", "SOL/USD")
                .unwrap(),
            None
        );
    }
}
