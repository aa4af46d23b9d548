//! The logistic link and the quantile-to-probability bridge.

use crate::{CalibError, check};

/// `1 / (1 + e^−z)`, computed without overflow for large |z|.
pub fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Scale that makes the logistic track the standard normal CDF: `Φ(t) ≈ logistic(1.702 t)`
/// to within 0.01 for every t (the classic constant from psychometrics, Haley 1952).
pub const LOGISTIC_NORMAL_SCALE: f64 = 1.702;

/// P(return > 0) implied by a median return forecast, assuming the return is roughly
/// normal around that median with standard deviation `sigma`:
///
/// `P(up) = Φ(median / sigma) ≈ logistic(1.702 × median / sigma)`
///
/// `sigma` is the target's standard deviation on the training set, so a median forecast of
/// one sigma maps to ≈ 0.846. Lets a regression model feed the same P(up) gate as a
/// classifier; calibrate the result like any other score.
pub fn quantile_to_p_up(median: f64, sigma: f64) -> Result<f64, CalibError> {
    check::finite("median", &[median])?;
    check::positive("sigma", sigma, "a positive finite standard deviation")?;
    Ok(logistic(LOGISTIC_NORMAL_SCALE * median / sigma))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_is_stable_and_symmetric() {
        assert_eq!(logistic(0.0), 0.5);
        assert_eq!(logistic(1000.0), 1.0);
        assert_eq!(logistic(-1000.0), 0.0);
        assert!((logistic(2.0) + logistic(-2.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn one_sigma_is_about_the_normal_cdf() {
        // Φ(1) = 0.8413; the approximation is within 0.01.
        let p = quantile_to_p_up(0.02, 0.02).unwrap();
        assert!((p - 0.8413).abs() < 0.01, "{p}");
    }
}
