//! The ml agent: serves the registry's active models. For each new technical feature row
//! (`features.technical`, key: pair, version: t) it builds the deployment's full row with
//! the one builder, predicts every horizon that has an active model, stores the
//! predictions and publishes `predictions` (key: pair, version: t).
//!
//! No active model, no prediction: a horizon without one is counted and named in the log
//! and in `cst run-now ml`, never filled with a number. The registry is checked on every
//! row, so a model activated by `cst train` (or a rollback) is served from the next row on
//! without a restart. Training on a schedule is not built yet.

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher};
use cst_config::Config;
use cst_features::{BuildContext, Built, FeatureBuilder};
use cst_protocol::bus::{Counter, Event};
use cst_store::{BlobStore, Store, StoredPrediction};

use crate::{MlError, predict::Predictor, registry::load_active, runtime};

#[derive(Debug, Default)]
pub struct MlAgent {
    state: Option<State>,
    loaded: BTreeMap<u32, Predictor>,
    predictions: u64,
    rows_missing: u64,
    skipped_no_model: u64,
    errors: u64,
}

#[derive(Debug)]
struct State {
    store: Store,
    blobs: BlobStore,
    ctx: BuildContext,
    horizons: Vec<u32>,
    onnxruntime: std::path::PathBuf,
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
        ]
        .into_iter()
        .map(|(name, value)| Counter {
            name: name.to_string(),
            value,
        })
        .collect()
    }
}
