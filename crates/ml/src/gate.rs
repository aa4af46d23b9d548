//! The confidence gate: only predictions whose calibrated P(up) reaches the bar pass, best
//! first. Calibrated means the bar reads as "went up at least this often on data the model
//! never saw" (the evaluation report's reliability table shows how true that held).

use cst_store::StoredPrediction;

/// The strict bar: calibrated P(up) ≥ 0.80.
pub const GATE: f64 = 0.80;

/// The predictions with `p_up >= bar`, highest P(up) first (then the larger median
/// forecast, then pair and horizon, so equal inputs always give the same order).
pub fn gate(predictions: &[StoredPrediction], bar: f64) -> Vec<&StoredPrediction> {
    let mut passed: Vec<&StoredPrediction> = predictions.iter().filter(|p| p.p_up >= bar).collect();
    passed.sort_by(|a, b| {
        b.p_up
            .total_cmp(&a.p_up)
            .then(b.pred.total_cmp(&a.pred))
            .then_with(|| (&a.pair, a.horizon_h).cmp(&(&b.pair, b.horizon_h)))
    });
    passed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pair: &str, horizon_h: u32, p_up: f64, pred: f64) -> StoredPrediction {
        StoredPrediction {
            pair: pair.into(),
            t: 0,
            horizon_h,
            model_id: "m".into(),
            feature_set: "fs".into(),
            p_up,
            pred,
            lo: pred - 0.01,
            hi: pred + 0.01,
            conf: p_up.max(1.0 - p_up),
            quality_prob: 0.5,
        }
    }

    #[test]
    fn only_calibrated_p_up_at_or_above_the_bar_passes_best_first() {
        let preds = vec![
            p("A/USD", 1, 0.79999, 0.05),
            p("B/USD", 1, 0.80, 0.01),
            p("C/USD", 24, 0.93, 0.02),
            // A confident *down* call has conf 0.95 but is no buy signal.
            p("D/USD", 24, 0.05, -0.04),
            p("E/USD", 1, 0.93, 0.03),
        ];
        let passed: Vec<&str> = gate(&preds, GATE).iter().map(|p| p.pair.as_str()).collect();
        assert_eq!(passed, ["E/USD", "C/USD", "B/USD"]);
        assert!(gate(&preds, 0.95).is_empty());
    }
}
