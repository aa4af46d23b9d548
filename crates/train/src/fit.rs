//! Training one horizon end to end, honestly:
//!
//! 1. the dataset passes [`crate::checks::check`] or nothing is trained;
//! 2. purged walk-forward folds give out-of-fold (OOF) predictions of the classifier and
//!    the q10/q50/q90 regressors — every OOF prediction comes from a model that never saw
//!    that row's time or any target overlapping it;
//! 3. the OOF rows are split in time: the earlier folds fit the calibration (isotonic,
//!    conformal correction, stacker, quality model), the last fold is the evaluation set
//!    nothing was fitted on, and every reported metric comes from it, beside its naive
//!    baseline;
//! 4. the final models are trained on all rows and exported to ONNX.

use cst_calibrate::{Cqr, Isotonic, Stacker, brier, interval_coverage, quantile_to_p_up};
use cst_models::{
    MlError, OnnxModel,
    bundle::{BUNDLE_FORMAT, ModelBundle},
    combine::{ModelBundleParts, combine, quality_inputs},
    drift::references,
};

use crate::{
    Objective, TrainParams, checks::check, cv::purged_walk_forward, dataset::Dataset,
    evaluate::evaluate, export::to_onnx, external::External, train::train,
};

#[derive(Debug, Clone, PartialEq)]
pub struct FitConfig {
    pub params: TrainParams,
    pub folds: usize,
    /// Miscoverage of the prediction interval: 0.2 gives an 80% interval.
    pub alpha: f64,
    /// Take-profit / stop-loss distance for the quality labels, in units of the target's
    /// standard deviation.
    pub barrier_sigmas: f64,
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            params: TrainParams::default(),
            folds: 4,
            alpha: 0.2,
            barrier_sigmas: 1.0,
        }
    }
}

/// The four models' out-of-fold predictions for the rows in `idx`.
#[derive(Debug, Default, Clone)]
pub struct Oof {
    pub idx: Vec<usize>,
    pub raw_p: Vec<f64>,
    pub q10: Vec<f64>,
    pub q50: Vec<f64>,
    pub q90: Vec<f64>,
    /// The ranking model's score (higher: expected to beat the hour's other pairs more);
    /// `None` where the fold had no hour with two pairs to train a ranking on.
    pub rank: Vec<Option<f64>>,
    /// Fold of each row (0-based).
    pub fold: Vec<usize>,
}

pub use cst_models::registry::Fitted;

fn labels_up(ds: &Dataset, idx: &[usize]) -> Vec<f32> {
    idx.iter()
        .map(|&i| f32::from(ds.samples[i].label))
        .collect()
}

fn targets(ds: &Dataset, idx: &[usize]) -> Vec<f32> {
    idx.iter().map(|&i| ds.samples[i].target as f32).collect()
}

const QUANTILES: [f64; 3] = [0.1, 0.5, 0.9];

/// The ranking model: a squared-error regressor on the ranking target (the forward return
/// net of the hour's mean, in units of the pair's own volatility), over the rows of `idx`
/// where it is defined; `None` when it is defined nowhere (no hour with two pairs: a
/// one-pair deployment has nothing to rank). Why a regressor and not LambdaRank: see the
/// README (Models).
fn ranker(
    ds: &Dataset,
    idx: &[usize],
    params: &crate::TrainParams,
) -> Result<Option<crate::train::Trained>, MlError> {
    let rows: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| ds.samples[i].rank_target.is_finite())
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let y: Vec<f32> = rows
        .iter()
        .map(|&i| ds.samples[i].rank_target as f32)
        .collect();
    train(
        &ds.rows_of(&rows),
        &y,
        ds.n_features(),
        Objective::Regression,
        params,
    )
    .map(Some)
}

/// Out-of-fold predictions over purged walk-forward folds.
pub fn out_of_fold(ds: &Dataset, cfg: &FitConfig) -> Result<Oof, MlError> {
    out_of_fold_with(ds, cfg, None)
}

/// As [`out_of_fold`]; with `external` (a user-supplied classifier and the end of its
/// training data), its scores stand in for the LightGBM classifier's, and folds with any
/// test row from before that end are left out: a model is never calibrated or evaluated
/// on rows it may have seen.
pub fn out_of_fold_with(
    ds: &Dataset,
    cfg: &FitConfig,
    mut external: Option<(&mut OnnxModel, i64)>,
) -> Result<Oof, MlError> {
    let h = i64::from(ds.horizon_h) * 3600;
    let t: Vec<i64> = ds.samples.iter().map(|s| s.t).collect();
    let end: Vec<i64> = ds.samples.iter().map(|s| s.target_end).collect();
    let folds = purged_walk_forward(&t, &end, h, cfg.folds, h)?;
    let n = ds.n_features();
    let mut oof = Oof::default();
    for (k, fold) in folds.iter().enumerate() {
        if fold.test.is_empty() {
            continue;
        }
        if let Some((_, until)) = &external
            && fold
                .test
                .iter()
                .any(|&i| ds.samples[i].feature_time < *until)
        {
            tracing::info!(
                fold = k,
                "fold left out: the user model may have seen its rows"
            );
            continue;
        }
        let x = ds.rows_of(&fold.train);
        let test = ds.rows_of(&fold.test);
        let raw_p = match &mut external {
            Some((model, _)) => model.predict(&test)?,
            None => train(
                &x,
                &labels_up(ds, &fold.train),
                n,
                Objective::Binary,
                &cfg.params,
            )?
            .predict(&test)?,
        };
        let y = targets(ds, &fold.train);
        let mut q = Vec::with_capacity(3);
        for alpha in QUANTILES {
            q.push(train(&x, &y, n, Objective::Quantile(alpha), &cfg.params)?.predict(&test)?);
        }
        match ranker(ds, &fold.train, &cfg.params)? {
            Some(m) => oof.rank.extend(m.predict(&test)?.into_iter().map(Some)),
            None => oof.rank.extend(std::iter::repeat_n(None, fold.test.len())),
        }
        oof.raw_p.extend(raw_p);
        oof.q10.extend(&q[0]);
        oof.q50.extend(&q[1]);
        oof.q90.extend(&q[2]);
        oof.idx.extend(&fold.test);
        oof.fold.extend(std::iter::repeat_n(k, fold.test.len()));
    }
    Ok(oof)
}

/// Trains every model of one horizon and its calibration; `barrier_hits[i]`: did a long
/// entered at row i's time reach +barrier before −barrier within the horizon (see
/// [`crate::dataset::barrier_labels`]), with `barrier` = `cfg.barrier_sigmas` × σ.
pub fn fit_horizon(
    ds: &Dataset,
    cfg: &FitConfig,
    now: i64,
    barrier_hits: &dyn Fn(f64) -> Result<Vec<bool>, MlError>,
) -> Result<Fitted, MlError> {
    fit_horizon_with(ds, cfg, now, barrier_hits, None)
}

/// As [`fit_horizon`], with a user-supplied classifier in place of LightGBM's when
/// `external` is given (see [`crate::external`]). Needs ONNX Runtime ([`cst_models::runtime::init`]).
pub fn fit_horizon_with(
    ds: &Dataset,
    cfg: &FitConfig,
    now: i64,
    barrier_hits: &dyn Fn(f64) -> Result<Vec<bool>, MlError>,
    external: Option<&External>,
) -> Result<Fitted, MlError> {
    check(ds, now)?;
    let mut user_model = external
        .map(|e| OnnxModel::load(&e.onnx, ds.n_features()).map(|m| (m, e.trained_until)))
        .transpose()?;
    let all: Vec<usize> = (0..ds.len()).collect();
    let y_all: Vec<f64> = ds.samples.iter().map(|s| s.target).collect();
    let mean = y_all.iter().sum::<f64>() / y_all.len() as f64;
    let sigma = (y_all.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / y_all.len() as f64).sqrt();
    if sigma.is_nan() || sigma <= 0.0 {
        return Err(MlError::Check(format!(
            "the {} h targets do not vary: nothing to learn",
            ds.horizon_h
        )));
    }
    let barrier = cfg.barrier_sigmas * sigma;
    let hits = barrier_hits(barrier)?;

    let oof = out_of_fold_with(ds, cfg, user_model.as_mut().map(|(m, u)| (m, *u)))?;
    let last = oof.fold.iter().copied().max().unwrap_or(0);
    let (cal, eval): (Vec<usize>, Vec<usize>) =
        (0..oof.idx.len()).partition(|&j| oof.fold[j] < last);
    if cal.is_empty() || eval.is_empty() {
        return Err(MlError::Check(match external {
            Some(e) => format!(
                "{} was trained on data until {}: fewer than two walk-forward folds of this \
                 window start after that, so it cannot be calibrated and evaluated on rows it \
                 never saw — use a model trained on older data, or wait for more history",
                e.name,
                cst_models::report::utc(e.trained_until)
            ),
            None => "too little history for separate calibration and evaluation folds".into(),
        }));
    }
    let pick = |v: &[f64], js: &[usize]| js.iter().map(|&j| v[j]).collect::<Vec<f64>>();
    let up = |js: &[usize]| {
        js.iter()
            .map(|&j| ds.samples[oof.idx[j]].label == 1)
            .collect::<Vec<bool>>()
    };
    let y_of = |js: &[usize]| {
        js.iter()
            .map(|&j| ds.samples[oof.idx[j]].target)
            .collect::<Vec<f64>>()
    };

    // Calibration, fitted on the earlier folds only.
    let cal_up = up(&cal);
    let cal_up_f: Vec<f64> = cal_up.iter().map(|&b| f64::from(u8::from(b))).collect();
    let isotonic = Isotonic::fit(&pick(&oof.raw_p, &cal), &cal_up_f)?;
    // The ranking score's meaning as a probability of beating the hour's median, on the
    // calibration folds' rows that have a median to beat.
    let (rel_x, rel_y): (Vec<f64>, Vec<f64>) = cal
        .iter()
        .filter_map(|&j| {
            let beats = ds.samples[oof.idx[j]].beats_median?;
            Some((oof.rank[j]?, f64::from(u8::from(beats))))
        })
        .unzip();
    let relative = (!rel_x.is_empty())
        .then(|| Isotonic::fit(&rel_x, &rel_y))
        .transpose()?;
    let cqr = Cqr::fit(
        &pick(&oof.q10, &cal),
        &pick(&oof.q90, &cal),
        &y_of(&cal),
        cfg.alpha,
    )?;
    let mut stack_rows = Vec::with_capacity(cal.len());
    for &j in &cal {
        stack_rows.push([
            isotonic.predict(oof.raw_p[j])?,
            quantile_to_p_up(oof.q50[j], sigma)?,
        ]);
    }
    let stacker = Stacker::fit(&stack_rows, &cal_up)?;
    let mut quality_rows = Vec::with_capacity(cal.len());
    let mut quality_hits = Vec::with_capacity(cal.len());
    for (r, &j) in stack_rows.iter().zip(&cal) {
        let p_up = stacker.predict(r)?;
        let (lo, hi) = cqr.interval(oof.q10[j].min(oof.q90[j]), oof.q10[j].max(oof.q90[j]));
        quality_rows.push(quality_inputs(p_up, lo, hi, oof.q50[j], sigma));
        quality_hits.push(hits[oof.idx[j]]);
    }
    let quality = Stacker::fit(&quality_rows, &quality_hits)?;

    // Evaluation on the last fold: nothing above saw it.
    let parts = ModelBundleParts {
        isotonic: &isotonic,
        cqr: &cqr,
        stacker: &stacker,
        quality: &quality,
        sigma,
    };
    let mut combined = Vec::with_capacity(eval.len());
    for &j in &eval {
        combined.push(combine(
            &parts,
            oof.raw_p[j],
            oof.q10[j],
            oof.q50[j],
            oof.q90[j],
        )?);
    }
    let eval_up = up(&eval);
    let train_rate = cal_up.iter().filter(|&&b| b).count() as f64 / cal_up.len() as f64;
    let report = evaluate(
        ds,
        &EvalInputs {
            t: eval.iter().map(|&j| ds.samples[oof.idx[j]].t).collect(),
            p_up: combined.iter().map(|c| c.p_up).collect(),
            raw_p: pick(&oof.raw_p, &eval),
            lo: combined.iter().map(|c| c.lo).collect(),
            hi: combined.iter().map(|c| c.hi).collect(),
            q10: pick(&oof.q10, &eval),
            q50: pick(&oof.q50, &eval),
            q90: pick(&oof.q90, &eval),
            score: eval.iter().map(|&j| oof.rank[j]).collect(),
            y: y_of(&eval),
            up: eval_up,
            train_rate,
            rows_calibration: cal.len(),
            stacker_weights: stacker.weights().to_vec(),
            stacker_intercept: stacker.intercept(),
            raw_interval: interval_coverage(
                &pick(&oof.q10, &eval),
                &pick(&oof.q90, &eval),
                &y_of(&eval),
            )
            .ok(),
            // A user model's score need not be a probability (calibration makes it one).
            brier_raw: {
                let raw = pick(&oof.raw_p, &eval);
                raw.iter()
                    .all(|p| (0.0..=1.0).contains(p))
                    .then(|| brier(&raw, &up(&eval)))
                    .transpose()?
            },
            classifier: classifier_origin(external),
        },
    )?;

    // Final models on every row.
    let n = ds.n_features();
    let x = ds.rows_of(&all);
    let doc = |what: &str| {
        format!(
            "{what}, {} h horizon, FeatureSet {}",
            ds.horizon_h, ds.version
        )
    };
    let classifier = match external {
        Some(e) => e.onnx.clone(),
        None => {
            let clf = train(&x, &labels_up(ds, &all), n, Objective::Binary, &cfg.params)?;
            to_onnx(&clf.model, &doc("P(up) classifier"))?
        }
    };
    let y = targets(ds, &all);
    let mut q = Vec::with_capacity(3);
    for alpha in QUANTILES {
        let m = train(&x, &y, n, Objective::Quantile(alpha), &cfg.params)?;
        q.push(to_onnx(
            &m.model,
            &doc(&format!("q{}", (alpha * 100.0).round())),
        )?);
    }
    // A ranking model only with a calibration of its score: both or neither.
    let ranker = match (&relative, ranker(ds, &all, &cfg.params)?) {
        (Some(_), Some(m)) => Some(to_onnx(&m.model, &doc("ranking model"))?),
        _ => None,
    };
    let relative = ranker.as_ref().and(relative);
    let bundle = ModelBundle {
        format: BUNDLE_FORMAT,
        horizon_h: ds.horizon_h,
        feature_set: ds.version.clone(),
        names: ds.names.iter().map(|s| s.to_string()).collect(),
        train_from: ds.samples.first().map_or(0, |s| s.t),
        train_to: ds.samples.last().map_or(0, |s| s.t),
        sigma,
        round_trip_cost: ds.round_trip_cost,
        classifier,
        classifier_origin: classifier_origin(external),
        q10: q[0].clone(),
        q50: q[1].clone(),
        q90: q[2].clone(),
        ranker,
        relative,
        isotonic,
        cqr,
        stacker,
        quality,
        barrier,
        reference: references(&ds.names, &ds.x)?,
        eval_ece: report.ece,
    };
    Ok(Fitted {
        bundle,
        report,
        eval_idx: eval.iter().map(|&j| oof.idx[j]).collect(),
    })
}

/// Scores `champion` on the challenger's evaluation rows, which it never saw (its training
/// targets all end by their first decision time) and whose columns it reads (same
/// FeatureSet): the figures champion/challenger compares ([`cst_models::registry::decide`]).
/// `None` when it cannot be scored there.
pub fn score_champion(
    ds: &Dataset,
    fitted: &mut Fitted,
    champion: &mut cst_models::predict::Predictor,
) -> Result<(), MlError> {
    let b = &champion.bundle;
    let eval_from = fitted.report.eval_from;
    let seen_until = b.train_to + i64::from(b.horizon_h) * 3600;
    if b.feature_set != ds.version || seen_until > eval_from || fitted.eval_idx.is_empty() {
        return Ok(());
    }
    let preds = champion.predict(&ds.rows_of(&fitted.eval_idx))?;
    let rows: Vec<cst_calibrate::signal::EvalRow> = fitted
        .eval_idx
        .iter()
        .zip(&preds)
        .map(|(&i, p)| cst_calibrate::signal::EvalRow {
            t: ds.samples[i].t,
            score: p.score,
            q: Some(p.p_up),
            r: ds.samples[i].target,
            cost: ds.round_trip_cost,
            gated: p.p_up >= cst_config::trading::MIN_P_UP_FLOOR,
        })
        .collect();
    let base = fitted
        .report
        .signal
        .as_ref()
        .and_then(|s| s.train_base_rate);
    fitted.report.champion = Some(cst_calibrate::signal::signal(ds.horizon_h, &rows, base)?);
    Ok(())
}

/// Where a horizon's classifier came from, for the registry and the report.
fn classifier_origin(external: Option<&External>) -> String {
    match external {
        Some(e) => format!(
            "user-supplied ONNX model {}, trained until {}",
            e.name,
            cst_models::report::utc(e.trained_until)
        ),
        None => "LightGBM, trained by the service".to_string(),
    }
}

/// What [`evaluate`] scores: evaluation-fold predictions and outcomes.
#[derive(Debug, Clone)]
pub struct EvalInputs {
    /// Decision times of the evaluation rows.
    pub t: Vec<i64>,
    pub p_up: Vec<f64>,
    pub raw_p: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub q10: Vec<f64>,
    pub q50: Vec<f64>,
    pub q90: Vec<f64>,
    /// The ranking model's score (`None`: no ranking model scored the row).
    pub score: Vec<Option<f64>>,
    pub y: Vec<f64>,
    pub up: Vec<bool>,
    /// Base rate of "up" in the calibration rows: the naive predictor's constant.
    pub train_rate: f64,
    pub rows_calibration: usize,
    pub stacker_weights: Vec<f64>,
    pub stacker_intercept: f64,
    pub raw_interval: Option<cst_calibrate::Coverage>,
    /// Brier of the raw classifier scores, when they are probabilities.
    pub brier_raw: Option<f64>,
    /// Where the classifier came from.
    pub classifier: String,
}
