//! The ml agent: serves the registry's active models. New feature rows (`features.rows`,
//! key: pair, version: t) are gathered into one batch per burst (an hour of every pair) and
//! served on the next heartbeat tick ([`cst_models::serve::Server`]: each pair's row as the
//! technical agent stored it, every horizon with an active model over all rows at once);
//! the predictions are stored in one transaction and `predictions` (key: pair, version: t)
//! is published per pair.
//!
//! No active model, no prediction: a horizon without one is counted and named in the log
//! and in `cst run-now ml`, never filled with a number. The registry is checked on every
//! batch, so a model activated by `cst train` (or a rollback) is served from the next hour
//! on without a restart.
//!
//! Events are hints, the store is the truth: at start the agent lists every pair-hour with a
//! stored feature row after that pair's newest stored prediction (within
//! `health.max_feature_age_h` of the data's newest hour) and serves them, oldest hour first,
//! before any new event: hours announced while it was down are predicted, none twice.
//!
//! Retraining ([`training`]) runs in a child process while inference goes on: every
//! horizon when the data's clock (the decision time of the rows it receives — the
//! exchange's time in a replay) crosses 00:00 UTC, and a single horizon when the hourly
//! drift check ([`monitor`]) finds its inputs or its calibration drifted.

mod monitor;
pub mod training;

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_features::BuildContext;
use cst_market::{DAY, HOUR};
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::{BlobStore, Store, StoreError};

use cst_models::{
    MlError,
    registry::load_active,
    runtime,
    serve::{Served, Server},
};
use monitor::Monitor;
use training::{Setting, Trainer};

#[derive(Debug, Default)]
pub struct MlAgent {
    state: Option<State>,
    server: Server,
    /// (pair, t) received and not served yet: a burst (one hour of every pair) is served as
    /// one batch, on the next heartbeat tick or when a newer hour arrives.
    pending: Vec<(String, i64)>,
    /// (pair, t) missed while the agent was down, oldest hour first: served before any
    /// new event.
    backlog: Vec<(String, i64)>,
    /// The newest decision time served (or found stored) per pair: an event for it or an
    /// older hour is a repeat and is not served again.
    served: BTreeMap<String, i64>,
    hours_caught_up: u64,
    predictions: u64,
    rows_missing: u64,
    rows_not_built: u64,
    skipped_no_model: u64,
    errors: u64,
    /// Time spent serving batches (rows and inference), and how many.
    serve_micros: u64,
    serve_batches: u64,
    /// What was last written to the store's `serving` table; `None` before the first write,
    /// so a new process always replaces its predecessor's rows.
    recorded: Option<Vec<(u32, String)>>,
    /// The last model-loading failure seen on a tick.
    load_error: Option<String>,
    /// UTC day of the newest row seen; crossing into the next one starts a training run.
    day: Option<i64>,
    trainer: Trainer,
    monitor: Monitor,
}

#[derive(Debug)]
struct State {
    store: Store,
    blobs: BlobStore,
    ctx: BuildContext,
    horizons: Vec<u32>,
    onnxruntime: std::path::PathBuf,
    home: cst_config::Home,
    /// The config file the agent was started with; a training process reads it too.
    config_path: Option<std::path::PathBuf>,
    ml: cst_config::MlConfig,
}

impl State {
    fn setting(&self) -> Setting<'_> {
        Setting {
            home: &self.home,
            config: self.config_path.as_deref(),
        }
    }
}

impl MlAgent {
    /// Brings the loaded models in line with the registry and records what is served in
    /// the store (the health agent's readiness reads it); returns what is served.
    fn sync_models(&mut self) -> Result<String, MlError> {
        let result = self.load_models();
        if result.is_err() {
            self.server.loaded.clear();
        }
        self.record_serving();
        result
    }

    fn record_serving(&mut self) {
        let loaded: Vec<(u32, String)> = self
            .server
            .loaded
            .iter()
            .map(|(h, p)| (*h, p.model_id.clone()))
            .collect();
        let Some(s) = self.state.as_mut() else {
            return;
        };
        if self.recorded.as_ref() == Some(&loaded) {
            return;
        }
        match s.store.set_serving(std::process::id(), &loaded) {
            Ok(()) => self.recorded = Some(loaded),
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot record the served models");
            }
        }
    }

    fn load_models(&mut self) -> Result<String, MlError> {
        let Some(s) = &self.state else {
            return Ok("not started".into());
        };
        let mut served = Vec::new();
        let mut missing = Vec::new();
        for &h in &s.horizons {
            let active = s.store.active_model(h)?;
            match active {
                None => {
                    self.server.loaded.remove(&h);
                    missing.push(h);
                }
                Some(m)
                    if self
                        .server
                        .loaded
                        .get(&h)
                        .is_some_and(|p| p.model_id == m.id) =>
                {
                    served.push(format!("{h} h: {}", m.id));
                }
                Some(m) => {
                    let dylib = runtime::dylib_path(Some(&s.onnxruntime)).ok_or_else(|| {
                        MlError::RuntimeMissing {
                            path: "nowhere".into(),
                            reason: "neither [ml] onnxruntime nor ORT_DYLIB_PATH is set".into(),
                        }
                    })?;
                    runtime::init(&dylib)?;
                    match load_active(&s.store, &s.blobs, h, s.ctx.set.version())? {
                        Some(p) => {
                            tracing::info!(horizon_h = h, model = m.id, "serving model");
                            served.push(format!("{h} h: {}", p.model_id));
                            self.server.loaded.insert(h, p);
                        }
                        None => missing.push(h),
                    }
                }
            }
        }
        let mut msg = if served.is_empty() {
            "no active model: no predictions".to_string()
        } else {
            format!("serving {}", served.join(", "))
        };
        if !missing.is_empty() {
            msg.push_str(&format!(
                "; no active model for {missing:?} h (train with `cst train`; `cst models` says why)"
            ));
        }
        Ok(msg)
    }

    /// Collects a finished training run, and starts one when the data crosses midnight UTC.
    fn schedule(&mut self, t: i64) {
        self.trainer.collect();
        let day = t.div_euclid(DAY);
        let crossed = self.day.is_some_and(|d| day > d);
        self.day = Some(self.day.map_or(day, |d| d.max(day)));
        let Some(s) = &self.state else {
            return;
        };
        if crossed {
            let horizons = s.ml.horizons_h.clone();
            self.trainer
                .start(s.setting(), horizons, day * DAY, "daily at 00:00 UTC");
        }
    }

    /// The hourly drift check; retrains the drifted horizons unless a run is going.
    fn check_drift(&mut self, now: i64) {
        let Some(s) = &self.state else {
            return;
        };
        let (retrain, records) =
            match self
                .monitor
                .check(&s.store, &s.ctx.exchange, &s.ml, &self.server.loaded, now)
            {
                Ok(r) => r,
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(error = %e, "drift check failed");
                    return;
                }
            };
        let Some(s) = self.state.as_mut() else {
            return;
        };
        if let Err(e) = s.store.insert_drift_checks(&records) {
            self.errors += 1;
            tracing::error!(error = %e, "cannot store the drift checks");
        }
        if retrain.is_empty() || self.trainer.is_running() {
            return;
        }
        for (h, why) in &retrain {
            tracing::warn!(horizon_h = h, "{why}: retraining");
        }
        let horizons: Vec<u32> = retrain.iter().map(|(h, _)| *h).collect();
        if self
            .trainer
            .start(s.setting(), horizons.clone(), now, "drift")
        {
            self.monitor.retraining(&horizons, now);
        }
    }

    /// Serves the backlog, one batch per hour, oldest first.
    fn catch_up(&mut self, bus: &Publisher) {
        if self.backlog.is_empty() {
            return;
        }
        self.flush(bus);
        let backlog = std::mem::take(&mut self.backlog);
        for hour in backlog.chunk_by(|a, b| a.1 == b.1) {
            self.schedule(hour[0].1);
            self.pending = hour.to_vec();
            self.flush(bus);
            self.hours_caught_up += 1;
        }
    }

    /// Serves every pending (pair, t) as one batch, stores the predictions in one
    /// transaction and announces each pair's.
    fn flush(&mut self, bus: &Publisher) {
        if self.pending.is_empty() {
            return;
        }
        let items = std::mem::take(&mut self.pending);
        for (pair, t) in &items {
            let newest = self.served.entry(pair.clone()).or_insert(*t);
            *newest = (*newest).max(*t);
        }
        if let Err(e) = self.sync_models() {
            self.errors += 1;
            tracing::error!(error = %e, "cannot load the active models: no predictions");
        }
        if self.server.loaded.is_empty() {
            self.skipped_no_model += items.len() as u64;
            return;
        }
        let Some(s) = self.state.as_mut() else {
            return;
        };
        let started = std::time::Instant::now();
        let served = self
            .server
            .serve(&s.store, &s.ctx, &items, s.ml.threads as usize);
        self.serve_micros += started.elapsed().as_micros() as u64;
        self.serve_batches += 1;
        let served = match served {
            Ok(served) => served,
            Err(e) => {
                self.errors += 1;
                tracing::error!(rows = items.len(), error = %e, "prediction failed");
                return;
            }
        };
        let mut rows = Vec::new();
        let mut announce = Vec::new();
        for ((pair, t), served) in items.iter().zip(served) {
            match served {
                Served::Predicted { row, predictions } => {
                    self.monitor.push(row.t, row.values);
                    rows.extend(predictions);
                    announce.push((pair, *t));
                }
                Served::NoRow(missing) => {
                    self.rows_missing += 1;
                    for m in missing {
                        tracing::debug!(pair, t, group = %m.group, reason = m.reason, "no feature row");
                    }
                }
                Served::NotBuilt => {
                    self.rows_not_built += 1;
                    tracing::error!(
                        pair,
                        t,
                        "announced, but no feature row of this FeatureSet is stored"
                    );
                }
                Served::Failed(e) => {
                    self.errors += 1;
                    tracing::error!(pair, t, error = %e, "no feature row");
                }
            }
        }
        match s.store.insert_predictions(&rows) {
            Ok(n) => {
                self.predictions += n;
                for (pair, t) in announce {
                    let _ = bus.publish(Topic::Predictions, pair, t as u64);
                }
            }
            Err(e) => {
                self.errors += 1;
                tracing::error!(rows = rows.len(), error = %e, "cannot store predictions");
            }
        }
        if let Some(now) = items.iter().map(|(_, t)| *t).max() {
            self.check_drift(now);
        }
    }
}

impl Agent for MlAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::FeatureRows]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::Predictions]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let exchange = config.collector.exchange.clone();
        let ctx = BuildContext::for_deployment(config, &exchange, &store)?;
        self.state = Some(State {
            store,
            blobs: BlobStore::new(env.home.blobs_dir()),
            ctx,
            horizons: config.ml.horizons_h.clone(),
            onnxruntime: config.ml.onnxruntime.clone(),
            home: env.home.clone(),
            config_path: env.config_path.clone(),
            ml: config.ml.clone(),
        });
        match self.sync_models() {
            Ok(msg) => tracing::info!("{msg}"),
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot load the active models: no predictions");
            }
        }
        if let Some(s) = &self.state {
            let (backlog, served) = missed(&s.store, &s.ctx, config.health.max_feature_age_h)?;
            if let (Some(first), Some(last)) = (backlog.first(), backlog.last()) {
                tracing::info!(
                    rows = backlog.len(),
                    from = first.1,
                    to = last.1,
                    "catching up on the hours missed while down"
                );
            }
            self.backlog = backlog;
            self.served = served;
        }
        Ok(())
    }

    async fn on_event(&mut self, event: Event, bus: &Publisher) {
        let t = event.version as i64;
        self.catch_up(bus);
        if self.served.get(&event.key).is_some_and(|&s| t <= s) {
            return;
        }
        self.schedule(t);
        if self.pending.iter().any(|(_, p)| *p != t) {
            self.flush(bus);
        }
        if !self.pending.iter().any(|(pair, _)| *pair == event.key) {
            self.pending.push((event.key, t));
        }
    }

    async fn tick(&mut self, bus: &Publisher) {
        if self.pending.is_empty() {
            // A model activated by `cst train` or a rollback is loaded within a heartbeat,
            // not at the next row: readiness waits for it.
            // A failure that repeats every heartbeat is counted and logged once.
            let failed = self.sync_models().err().map(|e| e.to_string());
            if failed.is_some() && failed != self.load_error {
                self.errors += 1;
                tracing::error!(
                    error = failed.as_deref().unwrap_or(""),
                    "cannot load the active models: no predictions"
                );
            }
            self.load_error = failed;
        }
        self.catch_up(bus);
        self.flush(bus);
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        match self.sync_models() {
            Ok(msg) if self.monitor.status.is_empty() => msg,
            Ok(msg) => {
                let drift: Vec<String> = self
                    .monitor
                    .status
                    .iter()
                    .map(|(h, s)| format!("{h} h drift check: {s}"))
                    .collect();
                format!("{msg}\n{}", drift.join("\n"))
            }
            Err(e) => {
                self.errors += 1;
                format!("cannot load the active models: {e}")
            }
        }
    }

    fn counters(&self) -> Vec<Counter> {
        let horizons = self.state.as_ref().map_or(0, |s| s.horizons.len());
        cst_agent::counters(&[
            ("models_loaded", self.server.loaded.len() as u64),
            (
                "horizons_without_model",
                (horizons - self.server.loaded.len().min(horizons)) as u64,
            ),
            ("predictions", self.predictions),
            ("serve_micros", self.serve_micros),
            ("serve_batches", self.serve_batches),
            ("rows_missing", self.rows_missing),
            ("rows_not_built", self.rows_not_built),
            ("hours_caught_up", self.hours_caught_up),
            ("skipped_no_model", self.skipped_no_model),
            ("errors", self.errors),
            ("trainings_started", self.trainer.started),
            ("horizons_trained", self.trainer.horizons_trained),
            ("horizons_failed", self.trainer.horizons_failed),
            ("training_crashes", self.trainer.crashed),
            ("drift_checks", self.monitor.checks),
            ("drift_detected", self.monitor.detected),
        ])
    }
}

/// Pair-hours to serve, oldest first, and the newest stored prediction per pair.
type Missed = (Vec<(String, i64)>, BTreeMap<String, i64>);

/// The pair-hours with a stored feature row after the pair's newest stored prediction,
/// within `max_age_h` hours of the data's newest hour, oldest hour first; and the newest
/// stored prediction per pair. A pair never predicted has missed nothing: it is not served
/// from the past (a first model starts at the next hour, as `cst train` says).
fn missed(store: &Store, ctx: &BuildContext, max_age_h: u32) -> Result<Missed, StoreError> {
    let Some(newest) = store.data_now(&ctx.exchange)? else {
        return Ok(Default::default());
    };
    let from = newest - (i64::from(max_age_h) - 1).max(0) * HOUR;
    let mut latest: BTreeMap<String, Option<i64>> = BTreeMap::new();
    let mut backlog = Vec::new();
    for (pair, t) in store.feature_row_times(&ctx.exchange, ctx.set.version(), from, newest)? {
        let last = match latest.get(&pair) {
            Some(last) => *last,
            None => {
                let last = store.latest_prediction_t(&pair)?;
                latest.insert(pair.clone(), last);
                last
            }
        };
        if last.is_some_and(|l| t > l) {
            backlog.push((pair, t));
        }
    }
    let served = latest
        .into_iter()
        .filter_map(|(pair, last)| Some((pair, last?)))
        .collect();
    Ok((backlog, served))
}
