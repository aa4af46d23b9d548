//! The backtest report. It holds only what the inputs determine — no run times, no paths,
//! no clock — so the same store, configuration and period give byte-identical JSON.

use std::collections::BTreeMap;

use cst_calibrate::signal::Signal;
use cst_trade::{ClosedTrade, EquityPoint, Position, account::OrderRecord};
use serde::Serialize;

use crate::{metrics::Performance, walk::ModelUsed};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub exchange: String,
    /// Decision hours from `from` to `to`, inclusive.
    pub from: i64,
    pub to: i64,
    pub pairs: Vec<String>,
    pub horizons_h: Vec<u32>,
    pub feature_set: String,
    /// Days between walk-forward retrains; none when the registry's models served.
    pub retrain_days: Option<u32>,
    pub settings: Settings,
    /// Every retrain point's outcome per horizon.
    pub models: Vec<ModelUsed>,
    pub hours: u64,
    /// Hours the simulated service was GO (every horizon served by a calibrated model).
    pub hours_go: u64,
    /// Feature rows built, and (pair, hour)s without one (a required group missing).
    pub rows: u64,
    pub no_rows: u64,
    pub predictions: u64,
    /// The highest calibrated P(up) any prediction of each horizon reached.
    pub p_up_max: BTreeMap<u32, f64>,
    pub candidates: u64,
    /// Each decision hour's gate run, as the risk agent records it.
    pub gate_runs: Vec<HourGate>,
    /// Gate rejections by reason.
    pub rejections: BTreeMap<String, u64>,
    /// Every order the portfolio step made, refused ones with the reason.
    pub orders: Vec<OrderRecord>,
    pub trades: Vec<ClosedTrade>,
    /// Positions still open at the end, marked at the last close.
    pub open_positions: Vec<Position>,
    pub equity: Vec<EquityPoint>,
    pub performance: Performance,
    /// Value bought and sold over the mean equity.
    pub turnover: f64,
    pub fees: f64,
    /// What fills paid against mid.
    pub slippage: f64,
    /// Closed trades with a positive PnL, as a fraction; none without trades.
    pub hit_rate: Option<f64>,
    pub per_horizon: BTreeMap<u32, Contribution>,
    pub buy_and_hold: BuyAndHold,
    /// How many pairs paid fees from the exchange's schedule and from the configuration.
    pub fee_sources: BTreeMap<String, u64>,
    /// Every prediction scored in the field's terms, one object per horizon
    /// (../shared/SIGNAL.md; `cst_calibrate::signal`).
    pub signal: Vec<Signal>,
    /// Predictions left out of `signal`: horizon ending after the data, no quote at t.
    pub signal_unresolved: u64,
    pub signal_unpriced: u64,
    /// Predictions in `signal` without a ranking score (left out of its ranking figures).
    pub signal_unscored: u64,
}

/// The rules the run traded by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub min_p_up: f64,
    pub starting_cash: f64,
    pub kelly_fraction: f64,
    pub max_position_frac: f64,
    pub max_cluster_frac: f64,
    pub max_gross_frac: f64,
    pub daily_loss_frac: f64,
    pub max_drawdown_frac: f64,
    pub taker_fee_bps: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourGate {
    pub t: i64,
    pub predictions: u64,
    pub candidates: u64,
    /// The highest calibrated P(up) of the hour.
    pub best_p_up: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contribution {
    pub trades: u64,
    pub wins: u64,
    pub pnl: f64,
}

/// The same universe bought in equal parts at the first hour and held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BuyAndHold {
    /// Pairs with a price at the start (a pair listed later is not in it).
    pub pairs: u64,
    pub performance: Performance,
}

/// Where the time went; apart from the report because it differs from run to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    pub training_s: f64,
    pub features_s: f64,
    pub inference_s: f64,
    pub simulation_s: f64,
    /// Everything but training.
    pub backtest_s: f64,
    pub rows: u64,
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// The summary for a terminal.
    pub fn render(&self) -> String {
        let p = &self.performance;
        let b = &self.buy_and_hold.performance;
        let pct = |x: f64| format!("{:+.2}%", x * 100.0);
        let mut out = format!(
            "backtest {} .. {} ({} h, {} pairs, horizons {:?} h, {})\n",
            day(self.from),
            day(self.to),
            self.hours,
            self.pairs.len(),
            self.horizons_h,
            self.retrain_days
                .map_or("the registry's active models".to_string(), |d| {
                    format!("retrained every {d} d")
                })
        );
        out.push_str(&format!(
            "  GO {} of {} h; {} rows, {} without a row; {} predictions, {} candidates (P(up) >= {:.2})\n",
            self.hours_go, self.hours, self.rows, self.no_rows, self.predictions, self.candidates,
            self.settings.min_p_up
        ));
        let active = self.models.iter().filter(|m| m.status == "active").count();
        out.push_str(&format!(
            "  models: {} trained, {} active, {} rejected, {} failed\n",
            self.models.len(),
            active,
            self.models
                .iter()
                .filter(|m| m.status == "rejected")
                .count(),
            self.models.iter().filter(|m| m.status == "failed").count()
        ));
        out.push_str(&format!(
            "  {:<14} {:>10} {:>10} {:>8} {:>8} {:>8}\n",
            "", "return", "CAGR", "Sharpe", "Sortino", "max DD"
        ));
        for (name, x) in [("strategy", p), ("buy and hold", b)] {
            out.push_str(&format!(
                "  {:<14} {:>10} {:>10} {:>8.2} {:>8.2} {:>8}\n",
                name,
                pct(x.total_return),
                pct(x.cagr),
                x.sharpe,
                x.sortino,
                pct(-x.max_drawdown)
            ));
        }
        out.push_str(&format!(
            "  {} trades, hit rate {}, turnover {:.2}x, fees {:.2}, slippage {:.2}\n",
            self.trades.len(),
            self.hit_rate
                .map_or("-".to_string(), |h| format!("{:.1}%", h * 100.0)),
            self.turnover,
            self.fees,
            self.slippage
        ));
        for (h, c) in &self.per_horizon {
            out.push_str(&format!(
                "    {h} h: {} trades, {} wins, PnL {:+.2}\n",
                c.trades, c.wins, c.pnl
            ));
        }
        let tops: Vec<String> = self
            .p_up_max
            .iter()
            .map(|(h, p)| format!("{h} h {p:.3}"))
            .collect();
        if !tops.is_empty() {
            out.push_str(&format!("  highest P(up): {}\n", tops.join(", ")));
        }
        if !self.signal.is_empty() {
            out.push_str("  signal, out of sample (../shared/SIGNAL.md):\n");
            out.push_str(&cst_calibrate::signal::render_table(&self.signal));
        }
        if self.candidates == 0 {
            let mut why: Vec<(&String, &u64)> = self.rejections.iter().collect();
            why.sort_by(|a, b| b.1.cmp(a.1));
            let why: Vec<String> = why.iter().map(|(k, n)| format!("{k} {n}")).collect();
            out.push_str(&format!(
                "  no prediction passed the gate; rejections: {}\n",
                why.join(", ")
            ));
        }
        out
    }
}

fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}
