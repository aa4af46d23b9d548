//! The risk agent. A decision hour t is gated once its predictions are stored (the ml
//! agent announces `predictions` after the batch's transaction), or — when no model is
//! served, so none will come — once its features are: an hour without predictions is
//! still a gate run, with its reason. GO is the health agent's latest verdict
//! (`health.status`), and none within `health.report_timeout_ms` is NO-GO. Events are hints,
//! the store is the truth: a (re)started agent gates the hours with predictions it has not
//! gated yet, as far back as features count as fresh.

use std::{collections::BTreeSet, time::Instant};

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::{GateRun, GatedRow, Store};

use cst_trade::{
    Fees, HOUR, Market,
    engine::quote_spec,
    gate::{GateContext, active_models, gate, go_verdict},
};

#[derive(Debug, Default)]
pub struct RiskAgent {
    state: Option<State>,
    /// The health agent's latest status and when it came.
    health: Option<(String, Instant)>,
    /// Hours with news to gate.
    pending: BTreeSet<i64>,
    runs: u64,
    candidates: u64,
    rejected: u64,
    errors: u64,
    last_empty_reason: Option<String>,
}

#[derive(Debug)]
struct State {
    store: Store,
    config: Config,
}

impl RiskAgent {
    fn go(&self, config: &Config) -> Result<(), String> {
        go_verdict(self.health.as_ref(), config)
    }

    fn run_gate(&mut self, t: i64, bus: &Publisher) -> Result<(), String> {
        let go = self
            .state
            .as_ref()
            .map(|s| self.go(&s.config))
            .unwrap_or_else(|| Err("not started".into()));
        let Some(s) = self.state.as_mut() else {
            return Ok(());
        };
        let c = &s.config;
        let exchange = c.collector.exchange.clone();
        let e = |e: cst_store::StoreError| e.to_string();
        let preds = s.store.predictions_at(t).map_err(e)?;
        let active = active_models(&s.store, &c.ml.horizons_h)?;
        let now = s.store.data_now(&exchange).map_err(e)?.unwrap_or(t).max(t);
        let quote = quote_spec(&c.portfolio, c.whale.book_max_age_s);
        let mut pairs: Vec<String> = preds.iter().map(|p| p.pair.clone()).collect();
        pairs.sort();
        pairs.dedup();
        let lookback = i64::from(quote.window_h.max(24)) + 2;
        let market = Market::load(&s.store, &exchange, &pairs, t - lookback * HOUR, t, true)
            .map_err(|e| e.to_string())?;
        let fees = Fees::for_deployment(&s.store, c).map_err(e)?;
        let cx = GateContext {
            now,
            go,
            active: &active,
            max_ece: c.health.max_ece,
            max_age_s: i64::from(c.health.max_feature_age_h) * HOUR,
            risk: &c.risk,
            quote,
            impact_coef: c.portfolio.impact_coef,
            fees: &fees,
        };
        let v = gate(&preds, &market, &cx);
        let mut rows = Vec::with_capacity(v.candidates.len() + v.rejected.len());
        for cand in &v.candidates {
            rows.push(GatedRow {
                pair: cand.pair.clone(),
                horizon_h: cand.horizon_h,
                passed: true,
                record: serde_json::to_string(cand).map_err(|e| e.to_string())?,
            });
        }
        for r in &v.rejected {
            rows.push(GatedRow {
                pair: r.pair.clone(),
                horizon_h: r.horizon_h,
                passed: false,
                record: serde_json::to_string(r).map_err(|e| e.to_string())?,
            });
        }
        let run = GateRun {
            t,
            at: now,
            predictions: preds.len() as u64,
            candidates: v.candidates.len() as u64,
            empty_reason: v.empty_reason.clone(),
        };
        s.store.record_gate(&run, &rows).map_err(e)?;
        self.runs += 1;
        self.candidates += v.candidates.len() as u64;
        self.rejected += v.rejected.len() as u64;
        if v.empty_reason != self.last_empty_reason {
            match &v.empty_reason {
                Some(why) => tracing::info!(t, "no candidates: {why}"),
                None => tracing::info!(
                    t,
                    candidates = v.candidates.len(),
                    "candidates passed the gate"
                ),
            }
            self.last_empty_reason = v.empty_reason;
        }
        let _ = bus.publish(Topic::CandidatesUpdated, "all", t as u64);
        Ok(())
    }

    /// Queues every hour with predictions after the newest gated one. The store, not the
    /// bus, is the record: a restarted agent misses an hour's event when the ml agent
    /// publishes it after `start` read the store but before the supervisor has its
    /// subscription, and that hour must still be gated (hours are gated in order, so a
    /// missed one is always after the newest gated).
    fn catch_up(&mut self) {
        let Some(s) = &self.state else {
            return;
        };
        let hours = s.store.latest_gate_run().and_then(|g| match g {
            Some(g) => s.store.prediction_hours_after(g.t),
            None => Ok(Vec::new()),
        });
        match hours {
            Ok(hours) => self.pending.extend(hours),
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot read which hours are still to gate");
            }
        }
    }

    /// Whether any model is served: without one no predictions will come, and hours are
    /// gated on their features alone.
    fn serving(&self) -> bool {
        self.state
            .as_ref()
            .is_some_and(|s| s.store.serving().is_ok_and(|v| !v.is_empty()))
    }
}

impl Agent for RiskAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::Predictions, Topic::FeatureRows, Topic::HealthStatus]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::CandidatesUpdated]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let fresh_from = store
            .data_now(&config.collector.exchange)?
            .map_or(i64::MAX, |now| {
                now - i64::from(config.health.max_feature_age_h) * HOUR
            });
        let gated = store.latest_gate_run()?.map_or(i64::MIN, |g| g.t);
        self.pending
            .extend(store.prediction_hours_after(gated.max(fresh_from - 1))?);
        self.state = Some(State {
            store,
            config: config.clone(),
        });
        tracing::info!(
            min_p_up = config.risk.min_p_up,
            "gating predictions (P(up) >= {:.2})",
            config.risk.min_p_up
        );
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        let t = event.version as i64;
        match event.topic {
            Topic::HealthStatus => self.health = Some((event.key, Instant::now())),
            Topic::Predictions => {
                self.pending.insert(t);
            }
            Topic::FeatureRows if !self.serving() => {
                self.pending.insert(t);
            }
            _ => {}
        }
    }

    async fn tick(&mut self, bus: &Publisher) {
        self.catch_up();
        for t in std::mem::take(&mut self.pending) {
            if let Err(e) = self.run_gate(t, bus) {
                self.errors += 1;
                tracing::error!(t, error = %e, "gate run failed");
            }
        }
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        let Some(s) = &self.state else {
            return "not started".into();
        };
        match s.store.latest_gate_run() {
            Ok(Some(r)) => format!(
                "hour {}: {} predictions, {} candidates{}; GO: {}",
                r.t,
                r.predictions,
                r.candidates,
                r.empty_reason
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default(),
                match self.go(&s.config) {
                    Ok(()) => "yes".to_string(),
                    Err(why) => format!("no, {why}"),
                }
            ),
            Ok(None) => "no hour gated yet".into(),
            Err(e) => format!("cannot read the store: {e}"),
        }
    }

    fn reload(&mut self, config: &Config) -> String {
        if let Some(s) = self.state.as_mut() {
            s.config = config.clone();
        }
        "configuration reloaded".into()
    }

    fn counters(&self) -> Vec<Counter> {
        cst_agent::counters(&[
            ("gate_runs", self.runs),
            ("candidates", self.candidates),
            ("rejected", self.rejected),
            ("errors", self.errors),
        ])
    }
}
