//! The ml agent's hourly drift check ([`cst_models::drift`]): the rows it served over the
//! window, each loaded horizon's feature and calibration drift, and which horizons to
//! retrain early (each at most once a day).

use std::collections::{BTreeMap, VecDeque};

use cst_config::MlConfig;
use cst_features::HOUR;
use cst_store::{DriftCheck, Store};

use cst_models::{
    MlError,
    drift::{Thresholds, calibration_drift, feature_drift, resolve, verdict},
    predict::Predictor,
};

use cst_market::DAY;
/// Served rows kept for the feature check, at most (the newest).
const MAX_ROWS: usize = 50_000;

/// The horizons to retrain now (with why), and each horizon's check for the store.
pub(crate) type Checked = (Vec<(u32, String)>, Vec<DriftCheck>);

#[derive(Debug, Default)]
pub(crate) struct Monitor {
    /// (t, feature row) served, oldest first.
    recent: VecDeque<(i64, Vec<f64>)>,
    /// The last data hour checked.
    checked: Option<i64>,
    /// Data time of each horizon's last drift retraining.
    retrained: BTreeMap<u32, i64>,
    /// Per horizon: the last check's figures, for `cst run-now ml`.
    pub(crate) status: BTreeMap<u32, String>,
    pub(crate) checks: u64,
    pub(crate) detected: u64,
}

impl Monitor {
    pub(crate) fn push(&mut self, t: i64, row: Vec<f64>) {
        self.recent.push_back((t, row));
        if self.recent.len() > MAX_ROWS {
            self.recent.pop_front();
        }
    }

    /// Checks every loaded horizon once per data hour `now`; returns the horizons to
    /// retrain now, with why, and each horizon's check for the store.
    pub(crate) fn check(
        &mut self,
        store: &Store,
        exchange: &str,
        ml: &MlConfig,
        loaded: &BTreeMap<u32, Predictor>,
        now: i64,
    ) -> Result<Checked, MlError> {
        if self.checked.is_some_and(|c| c >= now) {
            return Ok((Vec::new(), Vec::new()));
        }
        self.checked = Some(now);
        self.checks += 1;
        let window = i64::from(ml.drift_window_h) * HOUR;
        while self.recent.front().is_some_and(|(t, _)| *t <= now - window) {
            self.recent.pop_front();
        }
        let rows: Vec<f64> = if self.recent.len() >= ml.drift_min_rows {
            self.recent
                .iter()
                .flat_map(|(_, r)| r.iter().copied())
                .collect()
        } else {
            Vec::new()
        };
        let thresholds = Thresholds {
            psi: ml.drift_psi,
            ece: ml.drift_ece,
        };
        let mut retrain = Vec::new();
        let mut records = Vec::new();
        for (&h, p) in loaded {
            let features = if rows.is_empty() {
                None
            } else {
                feature_drift(&p.bundle.reference, &rows)?
            };
            // Predictions whose horizon has passed within the window.
            let lag = i64::from(h) * HOUR;
            let preds = store.predictions_of_model(&p.model_id, now - lag - window, now - lag)?;
            let (p_up, up) = resolve(store, exchange, &preds, p.bundle.round_trip_cost)?;
            let calibration =
                calibration_drift(&p_up, &up, p.bundle.eval_ece, ml.drift_min_resolved)?;
            let mut status = format!(
                "{}; {}",
                features.as_ref().map_or_else(
                    || format!(
                        "features: {} served rows (< {})",
                        self.recent.len(),
                        ml.drift_min_rows
                    ),
                    |f| format!(
                        "features: median PSI {:.3} (worst {} {:.2})",
                        f.median_psi, f.worst, f.worst_psi
                    )
                ),
                calibration.as_ref().map_or_else(
                    || format!(
                        "calibration: {} resolved (< {})",
                        p_up.len(),
                        ml.drift_min_resolved
                    ),
                    |c| format!(
                        "calibration: ECE {:.3} on {} resolved (trained {:.3})",
                        c.ece, c.resolved, c.trained_ece
                    )
                )
            );
            let why = verdict(features.as_ref(), calibration.as_ref(), thresholds);
            if let Some(why) = &why {
                self.detected += 1;
                status.push_str(&format!("; DRIFT: {why}"));
                if self.retrained.get(&h).is_none_or(|&l| now - l >= DAY) {
                    retrain.push((h, why.clone()));
                }
            }
            records.push(DriftCheck {
                horizon_h: h,
                model_id: p.model_id.clone(),
                at: now,
                rows: self.recent.len() as u64,
                median_psi: features.as_ref().map(|f| f.median_psi),
                worst_feature: features.as_ref().map(|f| f.worst.clone()),
                worst_psi: features.as_ref().map(|f| f.worst_psi),
                resolved: p_up.len() as u64,
                ece: calibration.as_ref().map(|c| c.ece),
                drifted: why.is_some(),
                summary: status.clone(),
            });
            self.status.insert(h, status);
        }
        Ok((retrain, records))
    }

    /// Records that `horizons` were sent to retraining at `now`.
    pub(crate) fn retraining(&mut self, horizons: &[u32], now: i64) {
        for &h in horizons {
            self.retrained.insert(h, now);
        }
    }
}

#[cfg(test)]
mod tests {
    //! The monitor on real data: a 1 h model trained on January–February 2024 (BTC,
    //! technical features) and served August's rows asks for a retrain, once a day.

    use cst_config::{Config, Home};
    use cst_features::BuildContext;
    use cst_import::{Format, parse::parse_file};
    use cst_market::Timeframe;
    use cst_store::CandleKey;

    use super::*;
    use cst_models::runtime;
    use cst_train::{
        dataset::{DatasetSpec, barrier_labels, build},
        fit::{FitConfig, fit_horizon},
    };

    const JAN: i64 = 1_704_067_200;
    const MAR: i64 = 1_709_251_200;
    const AUG: i64 = 1_722_470_400;

    #[test]
    fn served_rows_from_another_regime_trigger_one_retrain_a_day() {
        runtime::init(&runtime::dylib_path(None).expect("ORT_DYLIB_PATH")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
        let file = cst_testkit::data("ohlcv-1h/binance-2024/BTC-USDT.csv");
        let candles = parse_file(&file, Format::Csv).unwrap().candles;
        let key = CandleKey::new("binance", "BTC/USDT", Timeframe::H1);
        store.insert_candles(&key, &candles, "test").unwrap();
        let config: Config = cst_config::load(&Home::new(dir.path()), None).unwrap();
        let ctx = BuildContext::candles_only(&config, "binance").unwrap();
        let pairs = vec!["BTC/USDT".to_string()];
        let spec = |from, to| DatasetSpec {
            horizon_h: 1,
            from,
            to,
            round_trip_cost: 0.0052,
        };
        let ds = build(&store, &ctx, &pairs, &spec(JAN + 10 * DAY, MAR)).unwrap();
        let mut cfg = FitConfig::default();
        cfg.params.num_iterations = 20;
        cfg.params.min_data_in_leaf = 20;
        let hits = |b: f64| barrier_labels(&store, "binance", &ds, b);
        let fitted = fit_horizon(&ds, &cfg, MAR + DAY, &hits).unwrap();
        // One pair: no hour to rank, so no ranking model, and the report says why.
        assert!(fitted.bundle.ranker.is_none() && fitted.bundle.relative.is_none());
        assert!(!fitted.report.uses.ranking.earned);
        let mut loaded = BTreeMap::new();
        loaded.insert(
            1,
            Predictor::load(fitted.bundle, "m1", &ds.version).unwrap(),
        );

        let mut monitor = Monitor::default();
        let served = build(&store, &ctx, &pairs, &spec(AUG, AUG + 30 * DAY)).unwrap();
        for i in 0..served.len() {
            monitor.push(served.samples[i].t, served.row(i).to_vec());
        }
        let mut ml = config.ml.clone();
        ml.drift_window_h = 30 * 24;
        // BTC's August against its January–February: median PSI 0.20 (its 7-day realised
        // volatility alone 2.97); the bar here is set below that.
        ml.drift_psi = 0.15;
        let now = served.samples.last().unwrap().t;
        let (retrain, records) = monitor.check(&store, "binance", &ml, &loaded, now).unwrap();
        assert_eq!(retrain.len(), 1, "{:?}", monitor.status);
        // What the store gets: the figures behind the verdict, for the health agent.
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert!(r.drifted && r.model_id == "m1" && r.at == now);
        assert!(r.median_psi.is_some_and(|p| p > 0.15), "{r:?}");
        assert_eq!((r.resolved, r.ece), (0, None));
        assert_eq!(retrain[0].0, 1);
        assert!(retrain[0].1.contains("feature drift"), "{}", retrain[0].1);
        assert!(monitor.status[&1].contains("DRIFT"));
        // No predictions were stored: the calibration check says so instead of a figure.
        assert!(
            monitor.status[&1].contains("calibration: 0 resolved"),
            "{}",
            monitor.status[&1]
        );
        // Once per data hour, and once a day per horizon.
        assert!(
            monitor
                .check(&store, "binance", &ml, &loaded, now)
                .unwrap()
                .0
                .is_empty()
        );
        monitor.retraining(&[1], now);
        let next = monitor
            .check(&store, "binance", &ml, &loaded, now + HOUR)
            .unwrap()
            .0;
        assert!(next.is_empty() && monitor.detected == 2);
        let tomorrow = monitor
            .check(&store, "binance", &ml, &loaded, now + DAY)
            .unwrap()
            .0;
        assert_eq!(tomorrow.len(), 1);
        assert_eq!(monitor.checks, 3);
        // Rows from the training regime: stable, nothing to retrain.
        let mut calm = Monitor::default();
        for i in (0..ds.len()).step_by(2) {
            calm.push(MAR - HOUR, ds.row(i).to_vec());
        }
        assert!(
            calm.check(&store, "binance", &ml, &loaded, MAR)
                .unwrap()
                .0
                .is_empty()
        );
        assert!(!calm.status[&1].contains("DRIFT"), "{}", calm.status[&1]);
    }
}
