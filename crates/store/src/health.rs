//! What the health agent reads and writes besides market data: which model the running ml
//! agent serves per horizon, the ml agent's drift checks, the health agent's own reports
//! and alerts, and prediction counts per day.

use rusqlite::params;

use crate::{Store, StoreError};

/// One horizon's model as loaded by the ml agent process `pid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serving {
    pub horizon_h: u32,
    pub model_id: String,
    pub pid: u32,
}

/// One drift check of one horizon's model by the ml agent (see `cst_models::drift`).
#[derive(Debug, Clone, PartialEq)]
pub struct DriftCheck {
    pub horizon_h: u32,
    pub model_id: String,
    /// Data time of the check, Unix seconds.
    pub at: i64,
    /// Served rows compared with the training rows.
    pub rows: u64,
    /// `None` when there were too few rows to compare.
    pub median_psi: Option<f64>,
    pub worst_feature: Option<String>,
    pub worst_psi: Option<f64>,
    /// Predictions whose outcome is known.
    pub resolved: u64,
    /// `None` when too few were resolved.
    pub ece: Option<f64>,
    pub drifted: bool,
    pub summary: String,
}

/// One stored health report: the status and score, and the whole report as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHealth {
    pub at: i64,
    pub status: String,
    pub score: f64,
    pub ready: bool,
    pub report: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlert {
    pub at: i64,
    pub severity: String,
    pub kind: String,
    pub subject: String,
    pub message: String,
    /// Where it went: "log", "log, webhook", "log; webhook failed: …".
    pub delivered: String,
}

/// Predictions of one horizon over a span: how many were made, and how many passed the
/// risk agent's gate (its recorded gate runs: the one gate there is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictionCount {
    pub horizon_h: u32,
    pub made: u64,
    pub gated: u64,
}

/// The newest time each feature group's input reaches, for one exchange (Unix seconds;
/// `None` when nothing is stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InputTimes {
    /// End of the newest stored 1-hour candle of any pair.
    pub candles: Option<i64>,
    /// How far any news source was read.
    pub news: Option<i64>,
    /// How far any pair's trades are known complete.
    pub trades: Option<i64>,
    /// The newest order-book snapshot.
    pub depth: Option<i64>,
}

impl Store {
    pub fn input_times(&self, exchange: &str) -> Result<InputTimes, StoreError> {
        let one = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<Option<i64>, StoreError> {
            Ok(self.conn.query_row(sql, p, |r| r.get(0))?)
        };
        Ok(InputTimes {
            // Per series, through the (series, open_time) key: no scan of all candles.
            candles: one(
                "SELECT max((SELECT max(open_time) FROM candles WHERE series = s.id)) + 3600                  FROM series s WHERE s.exchange = ?1 AND s.timeframe = 3600",
                &[&exchange],
            )?,
            news: one("SELECT max(through_s) FROM news_coverage", &[])?,
            trades: one(
                "SELECT max(checked_ns) / 1000000000 FROM trade_cursors WHERE exchange = ?1",
                &[&exchange],
            )?,
            depth: one(
                "SELECT max((SELECT max(at) FROM depth_snapshots d \
                 WHERE d.exchange = p.exchange AND d.pair = p.pair)) FROM pairs p WHERE p.exchange = ?1",
                &[&exchange],
            )?,
        })
    }

    /// Records what ml agent process `pid` serves: `loaded` (horizon, model id) replaces
    /// every earlier row, so a horizon it dropped has none.
    pub fn set_serving(&mut self, pid: u32, loaded: &[(u32, String)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM serving", [])?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO serving (horizon_h, model_id, pid) VALUES (?1, ?2, ?3)",
            )?;
            for (h, id) in loaded {
                stmt.execute(params![h, id, pid])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn serving(&self) -> Result<Vec<Serving>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT horizon_h, model_id, pid FROM serving ORDER BY horizon_h")?;
        let rows = stmt.query_map([], |r| {
            Ok(Serving {
                horizon_h: r.get(0)?,
                model_id: r.get(1)?,
                pid: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_drift_checks(&mut self, checks: &[DriftCheck]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO drift_checks (horizon_h, model_id, at, rows, median_psi, \
                 worst_feature, worst_psi, resolved, ece, drifted, summary) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for c in checks {
                stmt.execute(params![
                    c.horizon_h,
                    c.model_id,
                    c.at,
                    c.rows,
                    c.median_psi,
                    c.worst_feature,
                    c.worst_psi,
                    c.resolved,
                    c.ece,
                    c.drifted,
                    c.summary
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The newest drift check of model `model_id`.
    pub fn latest_drift_check(&self, model_id: &str) -> Result<Option<DriftCheck>, StoreError> {
        Ok(self
            .drift_checks("model_id = ?1", params![model_id], 1)?
            .pop())
    }

    /// Checks at data times in `[from, to]` that found drift, oldest first.
    pub fn drifts_between(&self, from: i64, to: i64) -> Result<Vec<DriftCheck>, StoreError> {
        let mut found = self.drift_checks(
            "drifted = 1 AND at BETWEEN ?1 AND ?2",
            params![from, to],
            i64::MAX,
        )?;
        found.reverse();
        Ok(found)
    }

    /// Newest first.
    fn drift_checks(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
        limit: i64,
    ) -> Result<Vec<DriftCheck>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT horizon_h, model_id, at, rows, median_psi, worst_feature, worst_psi, \
             resolved, ece, drifted, summary FROM drift_checks WHERE {filter} \
             ORDER BY at DESC, horizon_h LIMIT {limit}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            Ok(DriftCheck {
                horizon_h: r.get(0)?,
                model_id: r.get(1)?,
                at: r.get(2)?,
                rows: r.get(3)?,
                median_psi: r.get(4)?,
                worst_feature: r.get(5)?,
                worst_psi: r.get(6)?,
                resolved: r.get(7)?,
                ece: r.get(8)?,
                drifted: r.get(9)?,
                summary: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores a report; a second one at the same service time replaces the first.
    pub fn insert_health(&mut self, h: &StoredHealth) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO health_reports (at, status, score, ready, report) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![h.at, h.status, h.score, h.ready, h.report],
        )?;
        Ok(())
    }

    /// Reports at service times in `[from, to]`, oldest first.
    pub fn health_between(&self, from: i64, to: i64) -> Result<Vec<StoredHealth>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, status, score, ready, report FROM health_reports \
             WHERE at BETWEEN ?1 AND ?2 ORDER BY at",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok(StoredHealth {
                at: r.get(0)?,
                status: r.get(1)?,
                score: r.get(2)?,
                ready: r.get(3)?,
                report: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_alert(&mut self, a: &StoredAlert) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO alerts (at, severity, kind, subject, message, delivered) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![a.at, a.severity, a.kind, a.subject, a.message, a.delivered],
        )?;
        Ok(())
    }

    /// Alerts raised at service times in `[from, to]`, oldest first.
    pub fn alerts_between(&self, from: i64, to: i64) -> Result<Vec<StoredAlert>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, severity, kind, subject, message, delivered FROM alerts \
             WHERE at BETWEEN ?1 AND ?2 ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok(StoredAlert {
                at: r.get(0)?,
                severity: r.get(1)?,
                kind: r.get(2)?,
                subject: r.get(3)?,
                message: r.get(4)?,
                delivered: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Per horizon: predictions made at decision times in `[from, to]`, and how many the
    /// risk agent's gate runs of those hours passed. A horizon with candidates but no stored
    /// prediction (a pruned table) is still listed.
    pub fn prediction_counts(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<PredictionCount>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "WITH made AS (SELECT horizon_h, count(*) AS n FROM predictions \
                           WHERE t BETWEEN ?1 AND ?2 GROUP BY horizon_h), \
                  gated AS (SELECT horizon_h, count(*) AS n FROM candidates \
                            WHERE passed AND t BETWEEN ?1 AND ?2 GROUP BY horizon_h) \
             SELECT horizon_h, coalesce(made.n, 0), coalesce(gated.n, 0) \
             FROM (SELECT horizon_h FROM made UNION SELECT horizon_h FROM gated) h \
             LEFT JOIN made USING (horizon_h) LEFT JOIN gated USING (horizon_h) \
             ORDER BY horizon_h",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok(PredictionCount {
                horizon_h: r.get(0)?,
                made: r.get(1)?,
                gated: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cst.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn serving_is_replaced_as_a_whole() {
        let (_d, mut s) = store();
        s.set_serving(10, &[(1, "a".into()), (24, "b".into())])
            .unwrap();
        s.set_serving(11, &[(24, "c".into())]).unwrap();
        assert_eq!(
            s.serving().unwrap(),
            vec![Serving {
                horizon_h: 24,
                model_id: "c".into(),
                pid: 11
            }]
        );
    }

    #[test]
    fn drift_checks_newest_first_and_drifts_in_a_span() {
        let (_d, mut s) = store();
        let check = |at: i64, drifted: bool| DriftCheck {
            horizon_h: 24,
            model_id: "m".into(),
            at,
            rows: 600,
            median_psi: Some(0.3),
            worst_feature: Some("rv_7d".into()),
            worst_psi: Some(3.0),
            resolved: 0,
            ece: None,
            drifted,
            summary: "x".into(),
        };
        s.insert_drift_checks(&[check(3600, false), check(7200, true), check(10_800, false)])
            .unwrap();
        assert_eq!(s.latest_drift_check("m").unwrap().unwrap().at, 10_800);
        assert_eq!(s.latest_drift_check("other").unwrap(), None);
        let d = s.drifts_between(0, 86_400).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].at, 7200);
        assert!(s.drifts_between(7201, 86_400).unwrap().is_empty());
    }
}
