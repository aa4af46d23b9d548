//! Uncertainty with hours as the independent units. Pair-hours of one hour share the market,
//! and hours h apart share most of an h-hour forward window; a bound that counted every
//! pair-hour as an independent trial would overstate certainty about tenfold for 100 pairs
//! (../shared/SIGNAL.md). So:
//!
//! - [`newey_west_var_of_mean`]: the variance of a mean over an hourly series whose values
//!   are correlated up to a lag (Bartlett weights; the lag is the horizon in hours).
//! - [`clustered_rate`]: a pooled success rate over hourly clusters, its Newey–West
//!   standard error, the effective number of independent trials that error implies, and a
//!   one-sided Clopper–Pearson lower bound at that effective count — exact for a handful of
//!   calls (5 of 5 in 5 hours bounds at 0.55, not 1.0), clustered for many.
//! - [`clopper_pearson_lower`]: the exact binomial lower bound, for real-valued counts.

use std::collections::HashMap;

/// Variance of the mean of `series` (hour, value), values correlated up to `lag_h` hours
/// apart: (γ0 + 2 Σ_{l=1..L} (1 − l/(L+1)) γ_l) / T, with γ_l the mean over the series of
/// the products of values l hours apart (a missing hour contributes nothing). Values are
/// centred here. A negative estimate (possible where hours are missing) falls back to γ0 / T.
pub fn newey_west_var_of_mean(series: &[(i64, f64)], lag_h: u32) -> f64 {
    let n = series.len();
    if n == 0 {
        return f64::NAN;
    }
    let mean = series.iter().map(|(_, v)| v).sum::<f64>() / n as f64;
    let centred: HashMap<i64, f64> = series.iter().map(|&(t, v)| (t, v - mean)).collect();
    let gamma = |l: i64| -> f64 {
        centred
            .iter()
            .filter_map(|(t, u)| centred.get(&(t - l * HOUR)).map(|w| u * w))
            .sum::<f64>()
            / n as f64
    };
    let g0 = gamma(0);
    let lag = i64::from(lag_h);
    let mut s = g0;
    for l in 1..=lag {
        let w = 1.0 - l as f64 / (lag + 1) as f64;
        s += 2.0 * w * gamma(l);
    }
    let var = if s > 0.0 { s } else { g0 };
    var / n as f64
}

const HOUR: i64 = 3600;

/// A pooled rate over hourly clusters and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusteredRate {
    /// Σ successes / Σ trials.
    pub rate: f64,
    /// Hours with at least one trial.
    pub hours: usize,
    pub trials: u64,
    /// The independent trials the clustered error is worth (at most `trials`, at least 1).
    pub effective: f64,
    /// One-sided 95% lower bound.
    pub lower_95: f64,
}

/// The pooled rate of `clusters` (hour, successes, trials), with a one-sided 95% lower bound
/// that treats hours as clusters correlated up to `lag_h` hours apart: the ratio estimator's
/// Newey–West error gives an effective trial count n_eff = rate (1 − rate) / var, and the bound
/// is Clopper–Pearson at (rate · n_eff, n_eff). When every trial agrees (rate 0 or 1, no
/// variance), n_eff is the number of hours: certainty comes from independent hours, not from
/// pairs that moved together. `None` without a trial.
pub fn clustered_rate(clusters: &[(i64, u64, u64)], lag_h: u32) -> Option<ClusteredRate> {
    let used: Vec<&(i64, u64, u64)> = clusters.iter().filter(|c| c.2 > 0).collect();
    let trials: u64 = used.iter().map(|c| c.2).sum();
    if trials == 0 {
        return None;
    }
    let successes: u64 = used.iter().map(|c| c.1).sum();
    let rate = successes as f64 / trials as f64;
    let hours = used.len();
    let per_hour = trials as f64 / hours as f64;
    // The ratio estimator linearised: u_t = (k_t − rate · n_t) / n̄, whose mean is zero and
    // whose variance of the mean is the rate's.
    let u: Vec<(i64, f64)> = used
        .iter()
        .map(|&&(t, k, n)| (t, (k as f64 - rate * n as f64) / per_hour))
        .collect();
    let var = newey_west_var_of_mean(&u, lag_h);
    let effective = if rate <= 0.0 || rate >= 1.0 || var.is_nan() {
        hours as f64
    } else if var <= 0.0 {
        trials as f64
    } else {
        rate * (1.0 - rate) / var
    }
    .clamp(1.0, trials as f64);
    Some(ClusteredRate {
        rate,
        hours,
        trials,
        effective,
        lower_95: clopper_pearson_lower(rate * effective, effective, 0.05),
    })
}

/// The one-sided (1 − alpha) Clopper–Pearson lower bound for `k` successes in `n` trials
/// (real-valued, 0 ≤ k ≤ n): the x with P(Binomial(n, x) ≥ k) = alpha, i.e. the alpha
/// quantile of Beta(k, n − k + 1). 0 when k = 0.
pub fn clopper_pearson_lower(k: f64, n: f64, alpha: f64) -> f64 {
    if k <= 0.0 || n <= 0.0 {
        return 0.0;
    }
    let k = k.min(n);
    let (a, b) = (k, n - k + 1.0);
    // The regularised incomplete beta rises in x: bisect I_x(a, b) = alpha.
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if inc_beta(a, b, mid) < alpha {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised incomplete beta function I_x(a, b) (continued fraction, Lentz).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clopper_pearson_matches_known_values() {
        // Every trial a success: the bound is alpha^(1/n).
        for n in [1.0, 5.0, 20.0, 387.0] {
            let want = 0.05_f64.powf(1.0 / n);
            assert!(
                (clopper_pearson_lower(n, n, 0.05) - want).abs() < 1e-9,
                "{n}"
            );
        }
        // scipy.stats.beta.ppf(0.05, 285, 103) (285 of 387; the probe's 0.736).
        let lo = clopper_pearson_lower(285.0, 387.0, 0.05);
        assert!((lo - 0.697_027_217_275_447_5).abs() < 1e-9, "{lo}");
        // beta.ppf(0.05, 8, 3): 8 of 10.
        let lo = clopper_pearson_lower(8.0, 10.0, 0.05);
        assert!((lo - 0.493_098_698_936_797_6).abs() < 1e-9, "{lo}");
        assert_eq!(clopper_pearson_lower(0.0, 10.0, 0.05), 0.0);
    }

    #[test]
    fn hours_not_pairs_are_the_trials() {
        // 100 pairs an hour, 50 hours, and whole hours win or lose together (the market moved):
        // 60% of pair-hours hit, but the evidence is 50 hours, not 5,000 trials.
        let together: Vec<(i64, u64, u64)> = (0..50)
            .map(|h| (h * HOUR, if h % 5 < 3 { 100 } else { 0 }, 100))
            .collect();
        let r = clustered_rate(&together, 0).unwrap();
        assert!((r.rate - 0.6).abs() < 1e-12);
        assert!((r.effective - 50.0).abs() < 1e-6, "{}", r.effective);
        let naive = clopper_pearson_lower(3000.0, 5000.0, 0.05);
        assert!(r.lower_95 < naive - 0.08, "{} vs naive {naive}", r.lower_95);
        // Independent pairs within each hour: the effective count approaches the trials.
        let spread: Vec<(i64, u64, u64)> = (0..50).map(|h| (h * HOUR, 60, 100)).collect();
        let r = clustered_rate(&spread, 0).unwrap();
        assert_eq!(r.effective, 5000.0);
        // Five calls in five hours, every one right: certainty of five hours.
        let five: Vec<(i64, u64, u64)> = (0..5).map(|h| (h * HOUR, 1, 1)).collect();
        let r = clustered_rate(&five, 24).unwrap();
        assert!((r.lower_95 - 0.05_f64.powf(0.2)).abs() < 1e-9);
        assert_eq!(clustered_rate(&[(0, 0, 0)], 1), None);
    }

    #[test]
    fn overlap_widens_the_error_of_a_mean() {
        // A slow wave: neighbouring hours alike, as overlapping forward windows make them.
        let series: Vec<(i64, f64)> = (0..400)
            .map(|h| (h * HOUR, ((h / 24) % 2) as f64))
            .collect();
        let iid = newey_west_var_of_mean(&series, 0);
        let nw = newey_west_var_of_mean(&series, 24);
        assert!(nw > 5.0 * iid, "{nw} vs {iid}");
    }
}
