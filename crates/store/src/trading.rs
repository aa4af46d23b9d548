//! What the risk and portfolio agents keep: each hour's gate run and its candidates, the
//! orders, closed trades and equity, the account as of the last stepped hour, and the
//! `cst risk resume` requests. A portfolio hour is written in one transaction with the
//! account, so a restart resumes exactly after the last hour that was recorded.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

/// One hour's gate run.
#[derive(Debug, Clone, PartialEq)]
pub struct GateRun {
    /// The decision hour.
    pub t: i64,
    /// Service time it ran at.
    pub at: i64,
    pub predictions: u64,
    pub candidates: u64,
    pub empty_reason: Option<String>,
}

/// A gated prediction: its record (JSON) and whether it passed, in the gate's order.
#[derive(Debug, Clone, PartialEq)]
pub struct GatedRow {
    pub pair: String,
    pub horizon_h: u32,
    pub passed: bool,
    pub record: String,
}

/// One stepped portfolio hour, as JSON records keyed for queries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortfolioHour {
    pub t: i64,
    /// (client id, pair, status, record).
    pub orders: Vec<(String, String, String, String)>,
    /// (client id, exit time, pair, pnl, record).
    pub trades: Vec<(String, i64, String, f64, String)>,
    /// (equity, drawdown, halted, record).
    pub equity: Option<(f64, f64, bool, String)>,
    /// The account after the hour.
    pub state: String,
}

impl Store {
    /// Records hour `run.t`'s gate run and every prediction's outcome, replacing an earlier
    /// run of the same hour.
    pub fn record_gate(&mut self, run: &GateRun, rows: &[GatedRow]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM candidates WHERE t = ?1", params![run.t])?;
        tx.execute(
            "INSERT OR REPLACE INTO gate_runs (t, at, predictions, candidates, empty_reason)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                run.t,
                run.at,
                run.predictions as i64,
                run.candidates as i64,
                run.empty_reason
            ],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO candidates (t, pair, horizon_h, passed, rank, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (rank, r) in rows.iter().enumerate() {
                stmt.execute(params![
                    run.t,
                    r.pair,
                    r.horizon_h,
                    r.passed,
                    rank as i64,
                    r.record
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn gate_run(&self, t: i64) -> Result<Option<GateRun>, StoreError> {
        self.gate_runs_where("WHERE t = ?1", t)
    }

    /// The newest gate run.
    pub fn latest_gate_run(&self) -> Result<Option<GateRun>, StoreError> {
        self.gate_runs_where("WHERE t = (SELECT MAX(t) FROM gate_runs) AND ?1 = ?1", 0)
    }

    fn gate_runs_where(&self, clause: &str, arg: i64) -> Result<Option<GateRun>, StoreError> {
        let sql =
            format!("SELECT t, at, predictions, candidates, empty_reason FROM gate_runs {clause}");
        Ok(self
            .conn
            .query_row(&sql, params![arg], |r| {
                Ok(GateRun {
                    t: r.get(0)?,
                    at: r.get(1)?,
                    predictions: r.get::<_, i64>(2)? as u64,
                    candidates: r.get::<_, i64>(3)? as u64,
                    empty_reason: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// Decision hours after `after` that were gated, oldest first: what a restarted portfolio
    /// agent still has to step.
    pub fn gated_hours_after(&self, after: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT t FROM gate_runs WHERE t > ?1 ORDER BY t")?;
        let rows = stmt.query_map(params![after], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Hour `t`'s gated predictions in the gate's order; only those that passed when
    /// `passed_only`.
    pub fn gated_at(&self, t: i64, passed_only: bool) -> Result<Vec<GatedRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT pair, horizon_h, passed, record FROM candidates
             WHERE t = ?1 AND (passed = 1 OR ?2 = 0) ORDER BY rank",
        )?;
        let rows = stmt.query_map(params![t, passed_only], |r| {
            Ok(GatedRow {
                pair: r.get(0)?,
                horizon_h: r.get(1)?,
                passed: r.get(2)?,
                record: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Records a stepped portfolio hour and the account after it, atomically. An order id
    /// already recorded is kept as it was (a repeated submission changes nothing).
    pub fn record_portfolio_hour(&mut self, h: &PortfolioHour) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO orders (client_id, t, pair, status, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (id, pair, status, record) in &h.orders {
                stmt.execute(params![id, h.t, pair, status, record])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO closed_trades (client_id, exit_t, pair, pnl, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (id, exit_t, pair, pnl, record) in &h.trades {
                stmt.execute(params![id, exit_t, pair, pnl, record])?;
            }
        }
        if let Some((equity, drawdown, halted, record)) = &h.equity {
            tx.execute(
                "INSERT OR REPLACE INTO equity (t, equity, drawdown, halted, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![h.t, equity, drawdown, halted, record],
            )?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO portfolio_state (id, t, state) VALUES (1, ?1, ?2)",
            params![h.t, h.state],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The account after the last recorded hour: (hour, JSON).
    pub fn portfolio_state(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT t, state FROM portfolio_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Order records (JSON) of hours in `[from, to]`, oldest first.
    pub fn orders_between(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        self.records(
            "SELECT record FROM orders WHERE t BETWEEN ?1 AND ?2 ORDER BY t, client_id",
            from,
            to,
        )
    }

    /// Closed trades (JSON) that exited in `[from, to]`, oldest first.
    pub fn closed_trades_between(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        self.records(
            "SELECT record FROM closed_trades WHERE exit_t BETWEEN ?1 AND ?2
             ORDER BY exit_t, client_id",
            from,
            to,
        )
    }

    /// Equity points (JSON) of hours in `[from, to]`, oldest first.
    pub fn equity_between(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        self.records(
            "SELECT record FROM equity WHERE t BETWEEN ?1 AND ?2 ORDER BY t",
            from,
            to,
        )
    }

    /// The newest equity point (JSON) of an hour at or before `t`.
    pub fn equity_at_or_before(&self, t: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT record FROM equity WHERE t <= ?1 ORDER BY t DESC LIMIT 1",
                params![t],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn records(&self, sql: &str, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![from, to], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Asks the portfolio agent to lift the kill switch; returns how many requests exist.
    pub fn request_resume(&mut self, at: i64, note: &str) -> Result<u64, StoreError> {
        self.conn.execute(
            "INSERT INTO risk_resumes (at, note) VALUES (?1, ?2)",
            params![at, note],
        )?;
        self.resume_requests()
    }

    /// How many resume requests were ever made.
    pub fn resume_requests(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM risk_resumes", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portfolio_hour_is_atomic_and_a_repeated_order_id_keeps_the_first_record() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        assert_eq!(s.portfolio_state().unwrap(), None);
        let hour = |t: i64, status: &str| PortfolioHour {
            t,
            orders: vec![(
                "cst-1-BTC/USDT-24h".into(),
                "BTC/USDT".into(),
                status.into(),
                format!("{{\"status\":\"{status}\"}}"),
            )],
            trades: vec![],
            equity: Some((10_000.0, 0.0, false, "{}".into())),
            state: format!("{{\"t\":{t}}}"),
        };
        s.record_portfolio_hour(&hour(3600, "filled")).unwrap();
        s.record_portfolio_hour(&hour(7200, "duplicate")).unwrap();
        assert_eq!(
            s.orders_between(0, 10_000).unwrap(),
            ["{\"status\":\"filled\"}"]
        );
        assert_eq!(
            s.portfolio_state().unwrap(),
            Some((7200, "{\"t\":7200}".into()))
        );
        assert_eq!(s.equity_between(0, 10_000).unwrap().len(), 2);
        assert_eq!(s.equity_at_or_before(3599).unwrap(), None);
        assert_eq!(s.equity_at_or_before(5000).unwrap().as_deref(), Some("{}"));

        assert_eq!(s.resume_requests().unwrap(), 0);
        assert_eq!(s.request_resume(9000, "operator").unwrap(), 1);

        let run = GateRun {
            t: 3600,
            at: 3700,
            predictions: 2,
            candidates: 1,
            empty_reason: None,
        };
        let rows = vec![
            GatedRow {
                pair: "ETH/USDT".into(),
                horizon_h: 24,
                passed: true,
                record: "e".into(),
            },
            GatedRow {
                pair: "BTC/USDT".into(),
                horizon_h: 24,
                passed: false,
                record: "b".into(),
            },
        ];
        s.record_gate(&run, &rows).unwrap();
        assert_eq!(s.gated_at(3600, true).unwrap(), rows[..1]);
        assert_eq!(s.gated_at(3600, false).unwrap(), rows);
        assert_eq!(s.latest_gate_run().unwrap(), Some(run));
        assert_eq!(s.gated_hours_after(0).unwrap(), [3600]);
        assert!(s.gated_hours_after(3600).unwrap().is_empty());
    }
}
