//! Scores the evaluation fold into an [`EvalReport`]: every figure beside its naive
//! baseline, and which comparison the model lost.

use cst_calibrate::{
    BinaryBaseline, brier, hit_rate, interval_coverage, log_loss, mae, pinball, precision_at_k,
    reliability, roc_auc,
    signal::{EvalRow, signal},
    zero_return_mae, zero_return_pinball,
};
use cst_config::trading::MIN_P_UP_FLOOR;
use cst_models::{
    MlError,
    report::{EvalReport, Uses, Versus},
};

use crate::{dataset::Dataset, fit::EvalInputs};

pub fn evaluate(ds: &Dataset, e: &EvalInputs) -> Result<EvalReport, MlError> {
    let base = BinaryBaseline::with_rate(e.train_rate, &e.up)?;
    let k = (e.up.len() / 20).max(1);
    let v = |model, baseline| Versus { model, baseline };
    let auc = v(roc_auc(&e.p_up, &e.up)?, base.auc);
    let brier_v = v(brier(&e.p_up, &e.up)?, base.brier);
    let mae_v = v(mae(&e.q50, &e.y)?, zero_return_mae(&e.y)?);
    let pin = |q: &[f64], a: f64| -> Result<Versus, MlError> {
        Ok(v(pinball(q, &e.y, a)?, zero_return_pinball(&e.y, a)?))
    };
    let pinball_q50 = pin(&e.q50, 0.5)?;
    // Held-out rows at or above the gate's floor: how often such a call went up on data the
    // model never saw. What the service passed is the risk agent's to count (its gate runs).
    let gated: Vec<usize> = (0..e.p_up.len())
        .filter(|&i| e.p_up[i] >= MIN_P_UP_FLOOR)
        .collect();
    // The same rows in the field's terms: the ranking model's score ranks the pairs of each
    // hour, P(up) is the absolute probability; the round trip is the dataset's (its labels
    // are net of it).
    let rows: Vec<EvalRow> = (0..e.p_up.len())
        .map(|i| EvalRow {
            t: e.t[i],
            score: e.score[i],
            q: Some(e.p_up[i]),
            r: e.y[i],
            cost: ds.round_trip_cost,
            gated: e.p_up[i] >= MIN_P_UP_FLOOR,
        })
        .collect();
    // brier_base predicts E's rate in the rows before the evaluation fold (the model's own
    // label may be another event, e.g. a barrier touch, with another rate).
    let eval_from = e.t.iter().copied().min().unwrap_or(i64::MAX);
    let before: Vec<bool> = ds
        .samples
        .iter()
        .filter(|s| s.t < eval_from)
        .map(|s| s.target.exp_m1() > ds.round_trip_cost)
        .collect();
    let train_e_rate = (!before.is_empty())
        .then(|| before.iter().filter(|&&x| x).count() as f64 / before.len() as f64);
    let signal = signal(ds.horizon_h, &rows, train_e_rate)?;
    // Each use earns its activation on its own evidence; the quantile models size and stop,
    // they no longer veto.
    let uses = Uses::judge(&signal);
    Ok(EvalReport {
        horizon_h: ds.horizon_h,
        feature_set: ds.version.clone(),
        rows_total: ds.len(),
        rows_calibration: e.rows_calibration,
        rows_evaluation: e.up.len(),
        eval_from: e.t.iter().copied().min().unwrap_or(0),
        eval_to: e.t.iter().copied().max().unwrap_or(0),
        auc,
        brier: brier_v,
        brier_uncalibrated: e.brier_raw,
        log_loss: v(log_loss(&e.p_up, &e.up)?, base.log_loss),
        ece: reliability(&e.p_up, &e.up, 10)?.ece,
        hit_rate: v(hit_rate(&e.p_up, &e.up)?, base.hit_rate),
        precision_at_k: v(precision_at_k(&e.p_up, &e.up, k)?, base.base_rate),
        k,
        mae: mae_v,
        pinball_q10: pin(&e.q10, 0.1)?,
        pinball_q50,
        pinball_q90: pin(&e.q90, 0.9)?,
        interval: interval_coverage(&e.lo, &e.hi, &e.y)?,
        interval_raw: e.raw_interval,
        gated: gated.len(),
        gated_up: gated.iter().filter(|&&i| e.up[i]).count(),
        reliability: reliability(&e.p_up, &e.up, 10)?,
        stacker_intercept: e.stacker_intercept,
        stacker_weights: e.stacker_weights.clone(),
        classifier: e.classifier.clone(),
        beats_baselines: uses.any(),
        lost: uses.lost(),
        uses,
        champion: None,
        signal: Some(signal),
    })
}
