//! The `signal` report: a horizon's out-of-sample figures in the field's terms, exactly as
//! ../shared/SIGNAL.md defines them, so that figures from different runs, horizons and data
//! sets mean the same thing. Hours are the independent units of every error and bound
//! ([`crate::bounds`]), with overlapping forward windows handled by a Newey–West lag of the
//! horizon in hours.
//!
//! The field names and their order are the report's contract (training and backtest
//! reports carry one object per horizon in a top-level `signal` array); fields after
//! `gated_hit_lo` are additions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    CalibError,
    bounds::{clustered_rate, newey_west_var_of_mean},
    brier, precision_at_k, roc_auc,
};

/// Hours with fewer pairs than this are left out of the ranking figures (and counted).
pub const MIN_PAIRS_PER_HOUR: usize = 10;

/// The coverages of `precision_at`, as its keys.
pub const PRECISION_COVERAGES: [(&str, f64); 4] = [
    ("0.001", 0.001),
    ("0.01", 0.01),
    ("0.05", 0.05),
    ("0.1", 0.1),
];

/// One out-of-sample pair-hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalRow {
    /// The decision hour (Unix seconds).
    pub t: i64,
    /// The ranking score s(p, t): higher ranks first (`None`: no ranking model scored the
    /// row; it is left out of the ranking figures).
    pub score: Option<f64>,
    /// The absolute classifier's probability q(p, t) of E, where there is one.
    pub q: Option<f64>,
    /// The forward log-return r(p, t, h).
    pub r: f64,
    /// The pair's round trip c(p) as a fraction (two taker fees plus the spread estimate).
    pub cost: f64,
    /// Whether the call passed the gate.
    pub gated: bool,
}

impl EvalRow {
    /// E(p, t, h): a long opened at t pays its round trip over h.
    pub fn pays(&self) -> bool {
        self.r.exp_m1() > self.cost
    }
}

/// One horizon's figures. `None` is `null` in JSON: not computable on these rows (no hour
/// with enough pairs, one class only, nothing gated), never a made-up number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub horizon_h: u32,
    /// Hours in the ranking figures (at least [`MIN_PAIRS_PER_HOUR`] pairs, scores not all
    /// equal).
    pub hours: usize,
    /// Pair-hours evaluated.
    pub rows: usize,
    pub rank_ic: Option<f64>,
    pub rank_ic_std: Option<f64>,
    pub icir: Option<f64>,
    pub rank_ic_t: Option<f64>,
    pub top_decile_hit: Option<f64>,
    pub top_decile_hit_lo: Option<f64>,
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    pub brier_base: Option<f64>,
    pub ece: Option<f64>,
    pub precision_at: BTreeMap<String, Option<f64>>,
    pub top_decile_ev: Option<f64>,
    pub gated: u64,
    pub gated_hit: Option<f64>,
    pub gated_hit_lo: Option<f64>,
    // Additions: what the figures above are read against.
    /// How `rank_ic_t` and the lower bounds treat overlapping hours.
    pub method: String,
    /// Hours left out of the ranking figures: too few scored pairs, or every score equal.
    pub hours_skipped: usize,
    /// The base rate of `top_decile_hit`: the share of all pair-hours of the ranked hours
    /// that beat their hour's median (below 0.5 by the ties and odd counts at the median).
    pub top_decile_base: Option<f64>,
    /// Top-decile picks.
    pub picks: u64,
    /// Pair-hours with an absolute probability, and the share of them with E (the base
    /// rate beside `precision_at` and `gated_hit`).
    pub absolute_rows: usize,
    pub base_rate: Option<f64>,
    /// The training base rate `brier_base` predicts with.
    pub train_base_rate: Option<f64>,
}

/// The figures of `rows` (one horizon, out of sample). `train_base_rate` is E's rate in the
/// training rows, the naive predictor `brier_base` scores.
pub fn signal(
    horizon_h: u32,
    rows: &[EvalRow],
    train_base_rate: Option<f64>,
) -> Result<Signal, CalibError> {
    check(rows, train_base_rate)?;
    let lag = horizon_h;
    let mut by_hour: BTreeMap<i64, Vec<&EvalRow>> = BTreeMap::new();
    for r in rows {
        by_hour.entry(r.t).or_default().push(r);
    }

    // Ranking figures, hour by hour.
    let mut ics = Vec::new();
    let mut hits = Vec::new();
    let mut skipped = 0;
    let (mut beat, mut ranked_rows) = (0u64, 0u64);
    let (mut ev_sum, mut picks) = (0.0, 0u64);
    for (&t, hour) in &by_hour {
        let hour: Vec<&EvalRow> = hour.iter().copied().filter(|r| r.score.is_some()).collect();
        let scores: Vec<f64> = hour.iter().filter_map(|r| r.score).collect();
        let returns: Vec<f64> = hour.iter().map(|r| r.r).collect();
        let ic = (hour.len() >= MIN_PAIRS_PER_HOUR)
            .then(|| spearman(&scores, &returns))
            .flatten();
        let Some(ic) = ic else {
            skipped += 1;
            continue;
        };
        ics.push((t, ic));
        let med = median(&returns);
        beat += returns.iter().filter(|&&r| r > med).count() as u64;
        ranked_rows += hour.len() as u64;
        // The ⌈n/10⌉ highest scores; among equal scores, the caller's order.
        let k = hour.len().div_ceil(10);
        let mut order: Vec<usize> = (0..hour.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let top = &order[..k];
        let hit = top.iter().filter(|&&i| returns[i] > med).count() as u64;
        hits.push((t, hit, k as u64));
        for &i in top {
            ev_sum += hour[i].r.exp_m1() - hour[i].cost;
        }
        picks += k as u64;
    }
    let n_ic = ics.len();
    let rank_ic = (n_ic > 0).then(|| ics.iter().map(|(_, v)| v).sum::<f64>() / n_ic as f64);
    let rank_ic_std = (n_ic > 1).then(|| {
        let m = rank_ic.unwrap_or(0.0);
        (ics.iter().map(|(_, v)| (v - m).powi(2)).sum::<f64>() / (n_ic - 1) as f64).sqrt()
    });
    let icir = match (rank_ic, rank_ic_std) {
        (Some(m), Some(s)) if s > 0.0 => Some(m / s),
        _ => None,
    };
    let rank_ic_t = match rank_ic {
        Some(m) if n_ic > 1 => {
            let var = newey_west_var_of_mean(&ics, lag);
            (var > 0.0).then(|| m / var.sqrt())
        }
        _ => None,
    };
    let top = clustered_rate(&hits, lag);

    // Absolute figures, over the rows with a probability.
    let abs: Vec<&EvalRow> = rows.iter().filter(|r| r.q.is_some()).collect();
    let q: Vec<f64> = abs.iter().filter_map(|r| r.q).collect();
    let e: Vec<bool> = abs.iter().map(|r| r.pays()).collect();
    let base_rate =
        (!e.is_empty()).then(|| e.iter().filter(|&&x| x).count() as f64 / e.len() as f64);
    let auc = if q.is_empty() {
        None
    } else {
        match roc_auc(&q, &e) {
            Ok(a) => Some(a),
            Err(CalibError::OneClass { .. }) => None,
            Err(err) => return Err(err),
        }
    };
    let brier_q = (!q.is_empty()).then(|| brier(&q, &e)).transpose()?;
    let brier_base = match train_base_rate {
        Some(b) if !e.is_empty() => Some(brier(&vec![b; e.len()], &e)?),
        _ => None,
    };
    let ece = (!q.is_empty()).then(|| equal_mass_ece(&q, &e, 10));
    let mut precision_at = BTreeMap::new();
    for (key, k) in PRECISION_COVERAGES {
        let m = (k * q.len() as f64).ceil() as usize;
        let v = (m > 0).then(|| precision_at_k(&q, &e, m)).transpose()?;
        precision_at.insert(key.to_string(), v);
    }

    // The gate, judged by what it passed.
    let mut gated_by_hour: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.gated) {
        let c = gated_by_hour.entry(r.t).or_default();
        c.0 += u64::from(r.pays());
        c.1 += 1;
    }
    let gated_clusters: Vec<(i64, u64, u64)> = gated_by_hour
        .into_iter()
        .map(|(t, (k, n))| (t, k, n))
        .collect();
    let gate = clustered_rate(&gated_clusters, lag);

    Ok(Signal {
        horizon_h,
        hours: n_ic,
        rows: rows.len(),
        rank_ic,
        rank_ic_std,
        icir,
        rank_ic_t,
        top_decile_hit: top.map(|c| c.rate),
        top_decile_hit_lo: top.map(|c| c.lower_95),
        auc,
        brier: brier_q,
        brier_base,
        ece,
        precision_at,
        top_decile_ev: (picks > 0).then(|| ev_sum / picks as f64),
        gated: gate.map_or(0, |g| g.trials),
        gated_hit: gate.map(|g| g.rate),
        gated_hit_lo: gate.map(|g| g.lower_95),
        method: format!(
            "rank_ic_t: Newey-West (Bartlett) error of the hourly mean, lag {horizon_h} h; \
             lower bounds: one-sided 95% Clopper-Pearson at the effective count of hourly \
             clusters (same lag)"
        ),
        hours_skipped: skipped,
        top_decile_base: (ranked_rows > 0).then(|| beat as f64 / ranked_rows as f64),
        picks,
        absolute_rows: q.len(),
        base_rate,
        train_base_rate,
    })
}

fn check(rows: &[EvalRow], train_base_rate: Option<f64>) -> Result<(), CalibError> {
    for (index, r) in rows.iter().enumerate() {
        for (what, value) in [
            ("score", r.score.unwrap_or(0.0)),
            ("forward return", r.r),
            ("cost", r.cost),
        ] {
            if !value.is_finite() {
                return Err(CalibError::NotFinite { what, index, value });
            }
        }
        if let Some(q) = r.q
            && !(0.0..=1.0).contains(&q)
        {
            return Err(CalibError::NotProbability {
                what: "absolute probability",
                index,
                value: q,
            });
        }
    }
    if let Some(b) = train_base_rate
        && !(0.0..=1.0).contains(&b)
    {
        return Err(CalibError::NotProbability {
            what: "training base rate",
            index: 0,
            value: b,
        });
    }
    Ok(())
}

/// Spearman's rank correlation (average ranks for ties); `None` when either side is
/// constant (no ranking to correlate).
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        cov += (x - ma) * (y - mb);
        va += (x - ma).powi(2);
        vb += (y - mb).powi(2);
    }
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// 1-based ranks, ties sharing their average rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = avg;
        }
        i = j + 1;
    }
    out
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}

/// ECE over `bins` equal-mass bins (rows sorted by probability, each bin ~n/bins rows):
/// Σ (n_b / n) · |mean q − mean E|.
pub fn equal_mass_ece(q: &[f64], e: &[bool], bins: usize) -> f64 {
    let n = q.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| q[a].total_cmp(&q[b]));
    let mut total = 0.0;
    for b in 0..bins {
        let (from, to) = (b * n / bins, (b + 1) * n / bins);
        if from == to {
            continue;
        }
        let idx = &order[from..to];
        let mq = idx.iter().map(|&i| q[i]).sum::<f64>() / idx.len() as f64;
        let me = idx.iter().filter(|&&i| e[i]).count() as f64 / idx.len() as f64;
        total += idx.len() as f64 / n as f64 * (mq - me).abs();
    }
    total
}

/// The `signal` figures as a terminal table (`cst train`, `cst backtest`): one line per
/// horizon, each hit rate beside its lower bound and its base rate, the edge after costs.
pub fn render_table(signals: &[Signal]) -> String {
    let f = |x: Option<f64>, d: usize| x.map_or("-".to_string(), |v| format!("{v:.d$}"));
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0));
    let mut out = format!(
        "  {:>5} {:>6} {:>8} {:>16} {:>6} {:>22} {:>6} {:>15} {:>6} {:>7} {:>9} {:>20}\n",
        "h",
        "hours",
        "rows",
        "rank IC (t)",
        "ICIR",
        "top decile [lo] base",
        "AUC",
        "Brier / base",
        "ECE",
        "P@1%",
        "top EV",
        "gated: hit [lo]"
    );
    for s in signals {
        let p1 = s.precision_at.get("0.01").copied().flatten();
        out.push_str(&format!(
            "  {:>5} {:>6} {:>8} {:>16} {:>6} {:>22} {:>6} {:>15} {:>6} {:>7} {:>9} {:>20}\n",
            format!("{} h", s.horizon_h),
            s.hours,
            s.rows,
            format!("{} ({})", f(s.rank_ic, 4), f(s.rank_ic_t, 2)),
            f(s.icir, 3),
            format!(
                "{} [{}] {}",
                pct(s.top_decile_hit),
                pct(s.top_decile_hit_lo),
                pct(s.top_decile_base)
            ),
            f(s.auc, 3),
            format!("{} / {}", f(s.brier, 4), f(s.brier_base, 4)),
            f(s.ece, 3),
            pct(p1),
            s.top_decile_ev
                .map_or("-".to_string(), |v| format!("{:+.2}%", v * 100.0)),
            if s.gated == 0 {
                "none passed".to_string()
            } else {
                format!(
                    "{}: {} [{}]",
                    s.gated,
                    pct(s.gated_hit),
                    pct(s.gated_hit_lo)
                )
            },
        ));
    }
    out.push_str(&format!(
        "  base rate of the absolute target (pays its round trip): {}; hit rates above read \
         against it and the top decile's base\n",
        signals
            .iter()
            .map(|s| format!("{} h {}", s.horizon_h, pct(s.base_rate)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out
}
