//! Kelly-lite sizing on the calibrated probability. A long that takes profit at the
//! interval's upper bound and stops one interval width below entry wins `b` for every unit
//! it risks, net of the round-trip cost; Kelly's stake is p − (1 − p) / b. The service takes
//! a fraction of it, shrinks it by the interval's width (a wide interval is a model unsure
//! of the size of the move), and caps it.

use serde::{Deserialize, Serialize};

use crate::gate::Candidate;

/// Take-profit and stop-loss of a long entered at `price`, as prices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Exits {
    pub take_profit: f64,
    pub stop_loss: f64,
}

/// Log-return distances of the exits: the interval's upper bound up, its width down.
pub fn exit_distances(c: &Candidate) -> (f64, f64) {
    (c.hi.max(0.0), (c.hi - c.lo).max(0.0))
}

pub fn exits(c: &Candidate, price: f64) -> Exits {
    let (up, down) = exit_distances(c);
    Exits {
        take_profit: price * up.exp(),
        stop_loss: price * (-down).exp(),
    }
}

/// The stake as a fraction of equity, before the risk limits: `kelly_fraction` of Kelly,
/// divided by (1 + width / `uncertainty_scale`), at most `cap`. Zero when the bet has no
/// edge; never negative (the service does not short).
pub fn kelly_lite(c: &Candidate, kelly_fraction: f64, uncertainty_scale: f64, cap: f64) -> f64 {
    if !(c.lo.is_finite() && c.hi.is_finite() && c.round_trip_cost.is_finite()) {
        return 0.0;
    }
    let (up, down) = exit_distances(c);
    let win = up.exp_m1() - c.round_trip_cost;
    let loss = -(-down).exp_m1() + c.round_trip_cost;
    if !(win > 0.0 && loss > 0.0 && c.p_up.is_finite()) {
        return 0.0;
    }
    let b = win / loss;
    let kelly = c.p_up - (1.0 - c.p_up) / b;
    if !(kelly > 0.0) {
        return 0.0;
    }
    let width = (c.hi - c.lo).max(0.0);
    let f = kelly_fraction * kelly / (1.0 + width / uncertainty_scale);
    f.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(p_up: f64, lo: f64, hi: f64) -> Candidate {
        Candidate {
            pair: "BTC/USDT".into(),
            t: 0,
            horizon_h: 24,
            model_id: "m".into(),
            p_up,
            pred: (lo + hi) / 2.0,
            lo,
            hi,
            round_trip_cost: 0.008,
        }
    }

    #[test]
    fn more_confidence_more_stake_more_uncertainty_less_and_the_cap_holds() {
        let base = kelly_lite(&cand(0.82, 0.01, 0.05), 0.25, 0.05, 0.10);
        assert!(base > 0.0, "{base}");
        assert!(kelly_lite(&cand(0.90, 0.01, 0.05), 0.25, 0.05, 0.10) > base);
        // The same edge with a wider interval: a smaller stake.
        let wide = kelly_lite(&cand(0.82, 0.01, 0.09), 0.25, 0.05, 0.10);
        let narrow_equal_tp = kelly_lite(&cand(0.82, 0.05, 0.09), 0.25, 0.05, 0.10);
        assert!(wide < narrow_equal_tp, "{wide} {narrow_equal_tp}");
        assert_eq!(kelly_lite(&cand(0.99, 0.04, 0.05), 1.0, 0.05, 0.10), 0.10);
    }

    #[test]
    fn no_edge_or_nonsense_inputs_give_nothing() {
        // The take-profit does not even pay the costs.
        assert_eq!(kelly_lite(&cand(0.95, 0.001, 0.005), 0.25, 0.05, 0.1), 0.0);
        assert_eq!(
            kelly_lite(&cand(f64::NAN, 0.01, 0.05), 0.25, 0.05, 0.1),
            0.0
        );
        assert_eq!(
            kelly_lite(&cand(0.82, f64::NAN, 0.05), 0.25, 0.05, 0.1),
            0.0
        );
        // A coin flip at even odds net of costs: no edge.
        assert_eq!(kelly_lite(&cand(0.30, -0.05, 0.05), 0.25, 0.05, 0.1), 0.0);
    }
}
