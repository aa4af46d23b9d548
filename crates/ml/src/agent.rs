//! The ml agent: serves the registry's active models. For each new technical feature row
//! (`features.technical`, key: pair, version: t) it builds the deployment's full row with
//! the one builder, predicts every horizon that has an active model, stores the
//! predictions and publishes `predictions` (key: pair, version: t).
//!
//! No active model, no prediction: a horizon without one is counted and named in the log
//! and in `cst run-now ml`, never filled with a number. The registry is checked on every
//! row, so a model activated by `cst train` (or a rollback) is served from the next row on
//! without a restart.
//!
//! Retraining: when the data's clock (the decision time of the rows it receives — the
//! exchange's time in a replay) crosses 00:00 UTC, every horizon is retrained on a worker
//! thread, as `cst train` does it, while inference goes on; models it activates are served
//! from the next row. The drift trigger is not built yet.

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher};
use cst_config::Config;
use cst_features::{BuildContext, Built, FeatureBuilder};
use cst_protocol::bus::{Counter, Event};
use cst_store::{BlobStore, Store, StoredPrediction};

use crate::{
    MlError,
    predict::Predictor,
    registry::load_active,
    run::{train_horizon, write_report},
    runtime,
};

const DAY: i64 = 86_400;

/// One horizon's outcome in a scheduled training run: what the registry decided, or why it
/// could not train.
type Outcome = (u32, Result<String, String>);

#[derive(Debug, Default)]
pub struct MlAgent {
    state: Option<State>,
    loaded: BTreeMap<u32, Predictor>,
    predictions: u64,
    rows_missing: u64,
    skipped_no_model: u64,
    errors: u64,
    /// UTC day of the newest row seen; crossing into the next one starts a training run.
    day: Option<i64>,
    training: Option<std::thread::JoinHandle<Vec<Outcome>>>,
    trainings_started: u64,
    horizons_trained: u64,
    horizons_failed: u64,
}

#[derive(Debug)]
struct State {
    store: Store,
    blobs: BlobStore,
    ctx: BuildContext,
    horizons: Vec<u32>,
    onnxruntime: std::path::PathBuf,
    home: cst_config::Home,
    ml: cst_config::MlConfig,
}

impl MlAgent {
    /// Brings the loaded models in line with the registry; returns what is served.
    fn sync_models(&mut self) -> Result<String, MlError> {
        let Some(s) = &self.state else {
            return Ok("not started".into());
        };
        let mut served = Vec::new();
        let mut missing = Vec::new();
        for &h in &s.horizons {
            let active = s.store.active_model(h)?;
            match active {
                None => {
                    self.loaded.remove(&h);
                    missing.push(h);
                }
                Some(m) if self.loaded.get(&h).is_some_and(|p| p.model_id == m.id) => {
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
                            self.loaded.insert(h, p);
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
        if self.training.as_ref().is_some_and(|h| h.is_finished())
            && let Some(handle) = self.training.take()
        {
            match handle.join() {
                Ok(outcomes) => {
                    for (h, outcome) in outcomes {
                        match outcome {
                            Ok(msg) => {
                                self.horizons_trained += 1;
                                tracing::info!(horizon_h = h, "{msg}");
                            }
                            Err(e) => {
                                self.horizons_failed += 1;
                                tracing::warn!(
                                    horizon_h = h,
                                    error = e,
                                    "scheduled training failed"
                                );
                            }
                        }
                    }
                }
                Err(_) => {
                    self.errors += 1;
                    tracing::error!("the training thread panicked");
                }
            }
        }
        let day = t.div_euclid(DAY);
        let crossed = self.day.is_some_and(|d| day > d);
        self.day = Some(self.day.map_or(day, |d| d.max(day)));
        let Some(s) = &self.state else {
            return;
        };
        if !crossed || self.training.is_some() {
            return;
        }
        let (db, blobs, reports) = (
            s.home.db_path(),
            s.blobs.clone(),
            s.home.reports_dir().join("models"),
        );
        let (ctx, ml, now) = (s.ctx.clone(), s.ml.clone(), day * DAY);
        self.trainings_started += 1;
        tracing::info!(now, "daily retraining started");
        self.training = Some(std::thread::spawn(move || {
            let mut store = match Store::open(&db) {
                Ok(store) => store,
                Err(e) => {
                    return ml
                        .horizons_h
                        .iter()
                        .map(|&h| (h, Err(e.to_string())))
                        .collect();
                }
            };
            ml.horizons_h
                .iter()
                .map(|&h| {
                    let outcome = train_horizon(&mut store, &blobs, &ctx, &ml, h, now)
                        .and_then(|(report, reg)| {
                            write_report(&reports, &report, &reg)?;
                            Ok(format!(
                                "model {}: {} ({})",
                                reg.id,
                                reg.status.as_str(),
                                reg.reason
                            ))
                        })
                        .map_err(|e| e.to_string());
                    (h, outcome)
                })
                .collect()
        }));
    }

    fn predict(&mut self, pair: &str, t: i64) -> Result<u64, MlError> {
        let Some(s) = self.state.as_mut() else {
            return Ok(0);
        };
        let row = match FeatureBuilder::new(&s.store, &s.ctx).row(pair, t)? {
            Built::Row(row) => row,
            Built::NoRow { missing, .. } => {
                self.rows_missing += 1;
                for m in missing {
                    tracing::debug!(pair, t, group = %m.group, reason = m.reason, "no feature row");
                }
                return Ok(0);
            }
        };
        let mut rows = Vec::new();
        for p in self.loaded.values_mut() {
            for x in p.predict(&row.values)? {
                rows.push(StoredPrediction {
                    pair: pair.to_string(),
                    t,
                    horizon_h: x.horizon_h,
                    model_id: x.model_id,
                    feature_set: x.feature_set,
                    p_up: x.p_up,
                    pred: x.pred,
                    lo: x.lo,
                    hi: x.hi,
                    conf: x.conf,
                    quality_prob: x.quality_prob,
                });
            }
        }
        Ok(s.store.insert_predictions(&rows)?)
    }
}

impl Agent for MlAgent {
    fn topics(&self) -> Vec<String> {
        vec!["features.technical".to_string()]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), String> {
        let store = Store::open(&env.home.db_path()).map_err(|e| e.to_string())?;
        let exchange = config.collector.exchange.clone();
        let ctx =
            BuildContext::for_deployment(config, &exchange, &store).map_err(|e| e.to_string())?;
        self.state = Some(State {
            store,
            blobs: BlobStore::new(env.home.blobs_dir()),
            ctx,
            horizons: config.ml.horizons_h.clone(),
            onnxruntime: config.ml.onnxruntime.clone(),
            home: env.home.clone(),
            ml: config.ml.clone(),
        });
        match self.sync_models() {
            Ok(msg) => tracing::info!("{msg}"),
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot load the active models: no predictions");
            }
        }
        Ok(())
    }

    async fn on_event(&mut self, event: Event, bus: &Publisher) {
        self.schedule(event.version as i64);
        if let Err(e) = self.sync_models() {
            self.errors += 1;
            tracing::error!(error = %e, "cannot load the active models: no predictions");
            self.loaded.clear();
        }
        if self.loaded.is_empty() {
            self.skipped_no_model += 1;
            return;
        }
        let t = event.version as i64;
        match self.predict(&event.key, t) {
            Ok(0) => {}
            Ok(n) => {
                self.predictions += n;
                let _ = bus.publish("predictions", &event.key, event.version);
            }
            Err(e) => {
                self.errors += 1;
                tracing::error!(pair = event.key, t, error = %e, "prediction failed");
            }
        }
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        match self.sync_models() {
            Ok(msg) => msg,
            Err(e) => {
                self.errors += 1;
                format!("cannot load the active models: {e}")
            }
        }
    }

    fn counters(&self) -> Vec<Counter> {
        let horizons = self.state.as_ref().map_or(0, |s| s.horizons.len());
        [
            ("models_loaded", self.loaded.len() as u64),
            (
                "horizons_without_model",
                (horizons - self.loaded.len().min(horizons)) as u64,
            ),
            ("predictions", self.predictions),
            ("rows_missing", self.rows_missing),
            ("skipped_no_model", self.skipped_no_model),
            ("errors", self.errors),
            ("trainings_started", self.trainings_started),
            ("horizons_trained", self.horizons_trained),
            ("horizons_failed", self.horizons_failed),
        ]
        .into_iter()
        .map(|(name, value)| Counter {
            name: name.to_string(),
            value,
        })
        .collect()
    }
}
