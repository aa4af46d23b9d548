//! Stored predictions: one row per (pair, decision time, horizon, model). Written by the ml
//! agent; a repeat of the same row (a replayed event) changes nothing.

use rusqlite::params;

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredPrediction {
    pub pair: String,
    pub t: i64,
    pub horizon_h: u32,
    pub model_id: String,
    pub feature_set: String,
    pub p_up: f64,
    pub pred: f64,
    pub lo: f64,
    pub hi: f64,
    pub conf: f64,
    pub quality_prob: f64,
    /// The ranking model's score (`None`: made by a model without one).
    pub score: Option<f64>,
    /// Probability of beating the hour's median (`None` likewise).
    pub p_beat: Option<f64>,
}

impl Store {
    /// Stores `rows` in one transaction; returns how many were new.
    pub fn insert_predictions(&mut self, rows: &[StoredPrediction]) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let mut new = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO predictions (pair, t, horizon_h, model_id, feature_set, p_up, pred, \
                 lo, hi, conf, quality_prob, score, p_beat) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                 ON CONFLICT DO NOTHING",
            )?;
            for r in rows {
                new += stmt.execute(params![
                    r.pair,
                    r.t,
                    r.horizon_h,
                    r.model_id,
                    r.feature_set,
                    r.p_up,
                    r.pred,
                    r.lo,
                    r.hi,
                    r.conf,
                    r.quality_prob,
                    r.score,
                    r.p_beat
                ])? as u64;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// Every pair's predictions for decision time `t`.
    pub fn predictions_at(&self, t: i64) -> Result<Vec<StoredPrediction>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT pair, t, horizon_h, model_id, feature_set, p_up, pred, lo, hi, conf, quality_prob,
             score, p_beat FROM predictions WHERE t = ?1 ORDER BY pair, horizon_h, model_id",
        )?;
        let rows = stmt.query_map(params![t], row_to_prediction)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The newest decision time with a stored prediction for `pair` (the primary key's
    /// prefix: no scan).
    pub fn latest_prediction_t(&self, pair: &str) -> Result<Option<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT max(t) FROM predictions WHERE pair = ?1")?;
        Ok(stmt.query_row(params![pair], |r| r.get(0))?)
    }

    /// Decision hours after `after` with stored predictions, oldest first.
    pub fn prediction_hours_after(&self, after: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT t FROM predictions WHERE t > ?1 ORDER BY t")?;
        let rows = stmt.query_map(params![after], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Predictions for `pair` made at decision times in `[from, to]`, oldest first.
    pub fn predictions_between(
        &self,
        pair: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredPrediction>, StoreError> {
        self.select_predictions("pair = ?1", pair, from, to)
    }

    /// What model `model_id` predicted at decision times in `[from, to]`, oldest first.
    pub fn predictions_of_model(
        &self,
        model_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredPrediction>, StoreError> {
        self.select_predictions("model_id = ?1", model_id, from, to)
    }

    fn select_predictions(
        &self,
        filter: &str,
        value: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredPrediction>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT pair, t, horizon_h, model_id, feature_set, p_up, pred, lo, hi, conf, \
             quality_prob, score, p_beat FROM predictions WHERE {filter} AND t BETWEEN ?2 AND ?3 \
             ORDER BY t, horizon_h, model_id, pair"
        ))?;
        let rows = stmt.query_map(params![value, from, to], row_to_prediction)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A row of `SELECT pair, t, horizon_h, model_id, feature_set, p_up, pred, lo, hi, conf,
/// quality_prob, score, p_beat`.
fn row_to_prediction(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredPrediction> {
    Ok(StoredPrediction {
        pair: r.get(0)?,
        t: r.get(1)?,
        horizon_h: r.get(2)?,
        model_id: r.get(3)?,
        feature_set: r.get(4)?,
        p_up: r.get(5)?,
        pred: r.get(6)?,
        lo: r.get(7)?,
        hi: r.get(8)?,
        conf: r.get(9)?,
        quality_prob: r.get(10)?,
        score: r.get(11)?,
        p_beat: r.get(12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pair: &str, t: i64, horizon_h: u32) -> StoredPrediction {
        StoredPrediction {
            pair: pair.into(),
            t,
            horizon_h,
            model_id: "m".into(),
            feature_set: "fs".into(),
            p_up: 0.5,
            pred: 0.0,
            lo: -0.01,
            hi: 0.01,
            conf: 0.5,
            quality_prob: 0.5,
            score: Some(horizon_h as f64 / 10.0),
            p_beat: None,
        }
    }

    #[test]
    fn the_latest_prediction_hour_is_per_pair() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        assert_eq!(s.latest_prediction_t("BTC/USDT").unwrap(), None);
        s.insert_predictions(&[
            p("BTC/USDT", 7200, 1),
            p("BTC/USDT", 3600, 24),
            p("ETH/USDT", 10_800, 1),
        ])
        .unwrap();
        assert_eq!(s.latest_prediction_t("BTC/USDT").unwrap(), Some(7200));
        assert_eq!(s.latest_prediction_t("ETH/USDT").unwrap(), Some(10_800));
        assert_eq!(s.latest_prediction_t("SOL/USDT").unwrap(), None);
        // The ranking score reads back; a prediction without one reads back as none.
        let at = s.predictions_at(3600).unwrap();
        assert_eq!((at[0].score, at[0].p_beat), (Some(2.4), None));
    }
}
