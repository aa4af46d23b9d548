//! The `signal` figures on real hourly returns of 20 Binance pairs (Jan–Feb 2024, read in
//! place from ../shared/data): a perfect and a reversed ranker give their known values, a
//! real momentum score gives a modest one whose t-statistic shrinks once overlapping
//! forward windows are accounted for, the absolute figures of a constant probability are
//! the base rate's, the gate is judged by what it passed, and bad input is refused.

use std::collections::BTreeMap;

use cst_calibrate::{
    CalibError,
    bounds::clopper_pearson_lower,
    signal::{EvalRow, signal},
};

const PAIRS: [&str; 20] = [
    "BTC", "ETH", "TRX", "SOL", "XRP", "INJ", "AVAX", "DOGE", "HBAR", "LINK", "LTC", "ATOM",
    "NEAR", "UNI", "AAVE", "APT", "ARB", "BCH", "ETC", "ICP",
];
const DAY: usize = 24;

/// (t, pair index, close) of each pair's first 60 days of 2024.
fn closes() -> Vec<Vec<(i64, f64)>> {
    PAIRS
        .iter()
        .map(|p| {
            let path = cst_testkit::data(&format!("ohlcv-1h/binance-2024/{p}-USDT.csv"));
            let mut r = csv::Reader::from_path(&path).unwrap();
            r.records()
                .take(60 * DAY)
                .map(|rec| {
                    let rec = rec.unwrap();
                    (rec[0].parse().unwrap(), rec[4].parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// Rows at every hour t from day 2 on with the 24 h forward log-return, a score from
/// `score(past 24 h log-return, forward return)`, and a 0.26% round trip.
fn rows(score: impl Fn(f64, f64) -> f64) -> Vec<EvalRow> {
    let mut out = Vec::new();
    for series in closes() {
        // By time, not by row: a gap in a file must not stretch a window.
        let at: std::collections::HashMap<i64, f64> = series.iter().copied().collect();
        let day = 24 * 3600;
        for &(t, c) in &series {
            let (Some(later), Some(earlier)) = (at.get(&(t + day)), at.get(&(t - day))) else {
                continue;
            };
            let r = (later / c).ln();
            let past = (c / earlier).ln();
            out.push(EvalRow {
                t: t + 3600,
                score: Some(score(past, r)),
                q: None,
                r,
                cost: 0.0026,
                gated: false,
            });
        }
    }
    out
}

#[test]
fn a_perfect_ranker_and_its_reverse_give_the_known_figures() {
    let perfect = signal(24, &rows(|_, r| r), None).unwrap();
    assert!(perfect.hours > 1000, "{}", perfect.hours);
    assert!(perfect.rows > 20 * 55 * DAY, "{}", perfect.rows);
    assert!((perfect.rank_ic.unwrap() - 1.0).abs() < 1e-12);
    assert_eq!(perfect.rank_ic_std, Some(0.0));
    assert_eq!(perfect.icir, None, "no spread, no ratio");
    assert_eq!(perfect.top_decile_hit, Some(1.0));
    // Right every time, but the evidence is hours, and only hours 24 h apart are new.
    let lo = perfect.top_decile_hit_lo.unwrap();
    assert!(
        lo < 1.0 && lo >= clopper_pearson_lower(10.0, 10.0, 0.05),
        "{lo}"
    );
    assert_eq!(perfect.picks, 2 * perfect.hours as u64);
    let base = perfect.top_decile_base.unwrap();
    assert!(base > 0.45 && base <= 0.5, "{base}");
    assert!(perfect.top_decile_ev.unwrap() > 0.0);

    let reversed = signal(24, &rows(|_, r| -r), None).unwrap();
    assert!((reversed.rank_ic.unwrap() + 1.0).abs() < 1e-12);
    assert_eq!(reversed.top_decile_hit, Some(0.0));
    assert_eq!(reversed.top_decile_hit_lo, Some(0.0));
    assert!(reversed.top_decile_ev.unwrap() < 0.0);
}

#[test]
fn overlapping_forward_windows_shrink_the_t_statistic() {
    // Yesterday's return as the score: a real, weak cross-sectional signal.
    let momentum = rows(|past, _| past);
    let honest = signal(24, &momentum, None).unwrap();
    let naive = signal(0, &momentum, None).unwrap();
    let ic = honest.rank_ic.unwrap();
    assert!(ic.abs() < 0.3, "{ic}");
    assert_eq!(honest.rank_ic, naive.rank_ic);
    let (t, t0) = (honest.rank_ic_t.unwrap(), naive.rank_ic_t.unwrap());
    assert!(t.abs() < t0.abs() / 2.0, "lag 24: {t}, lag 0: {t0}");
    // ICIR is per hour, overlap or not.
    assert_eq!(honest.icir, naive.icir);
    let hit = honest.top_decile_hit.unwrap();
    assert!(honest.top_decile_hit_lo.unwrap() < hit);
    assert!(naive.top_decile_hit_lo.unwrap() > honest.top_decile_hit_lo.unwrap());
}

#[test]
fn hours_with_too_few_pairs_are_skipped_and_counted() {
    // Nine pairs only: no hour can be ranked.
    let mut per_hour: BTreeMap<i64, usize> = BTreeMap::new();
    let nine: Vec<EvalRow> = rows(|past, _| past)
        .into_iter()
        .filter(|r| {
            let n = per_hour.entry(r.t).or_default();
            *n += 1;
            *n <= 9
        })
        .collect();
    let few = signal(24, &nine, None).unwrap();
    assert!(few.hours_skipped > 0);
    assert_eq!(few.hours, 0);
    assert_eq!(few.rank_ic, None);
    assert_eq!(few.top_decile_hit, None);
    assert_eq!(few.top_decile_ev, None);
}

#[test]
fn absolute_figures_of_a_constant_probability_are_the_base_rates() {
    let mut r = rows(|past, _| past);
    for row in &mut r {
        row.q = Some(0.3);
    }
    let base = r.iter().filter(|x| x.pays()).count() as f64 / r.len() as f64;
    let s = signal(24, &r, Some(base)).unwrap();
    assert_eq!(s.absolute_rows, r.len());
    assert!((s.base_rate.unwrap() - base).abs() < 1e-12);
    assert!((s.auc.unwrap() - 0.5).abs() < 1e-12, "all tied: a coin");
    assert!((s.ece.unwrap() - (0.3 - base).abs()).abs() < 1e-9);
    assert!((s.brier_base.unwrap() - base * (1.0 - base)).abs() < 1e-9);
    assert!(
        s.brier.unwrap() > s.brier_base.unwrap(),
        "0.3 is not the base rate"
    );
    for (k, v) in &s.precision_at {
        assert!(
            (v.unwrap() - base).abs() < 1e-9,
            "{k}: ties share the base rate"
        );
    }
    assert_eq!(s.gated, 0);
    assert_eq!(
        (s.gated_hit, s.gated_hit_lo),
        (None, None),
        "nothing passed"
    );
}

#[test]
fn the_gate_is_judged_by_the_calls_it_passed() {
    // Gate the rows that turned out to pay, in 30 hours: all right, bounded by 30 hours.
    let mut r = rows(|past, _| past);
    let mut hours = BTreeMap::new();
    for row in &mut r {
        if row.pays() && hours.len() < 30 {
            *hours.entry(row.t).or_insert(0) += 1;
            row.gated = true;
        }
    }
    let s = signal(24, &r, None).unwrap();
    assert_eq!(s.gated, hours.values().sum::<u64>());
    assert_eq!(s.gated_hit, Some(1.0));
    let lo = s.gated_hit_lo.unwrap();
    assert!(
        lo <= clopper_pearson_lower(30.0, 30.0, 0.05) + 1e-12,
        "{lo}"
    );
}

#[test]
fn the_report_keeps_the_fields_the_issue_names_in_order() {
    let s = signal(24, &rows(|past, _| past), Some(0.4)).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want = [
        "horizon_h",
        "hours",
        "rows",
        "rank_ic",
        "rank_ic_std",
        "icir",
        "rank_ic_t",
        "top_decile_hit",
        "top_decile_hit_lo",
        "auc",
        "brier",
        "brier_base",
        "ece",
        "precision_at",
        "top_decile_ev",
        "gated",
        "gated_hit",
        "gated_hit_lo",
    ];
    let mut at = 0;
    for key in want {
        let pos = json
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key}"));
        assert!(pos >= at, "{key} out of order");
        at = pos;
    }
    let keys: Vec<&str> = v["precision_at"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys, ["0.001", "0.01", "0.05", "0.1"]);
    assert!(
        v["auc"].is_null(),
        "no absolute probabilities: null, not a number"
    );
    assert!(v["gated_hit"].is_null());
}

#[test]
fn bad_rows_are_refused_naming_the_culprit() {
    let mut r = rows(|past, _| past);
    r[5].score = Some(f64::NAN);
    assert!(matches!(
        signal(24, &r, None),
        Err(CalibError::NotFinite {
            what: "score",
            index: 5,
            ..
        })
    ));
    r[5].score = Some(0.0);
    r[7].q = Some(1.2);
    assert!(matches!(
        signal(24, &r, None),
        Err(CalibError::NotProbability { index: 7, .. })
    ));
    r[7].q = None;
    assert!(matches!(
        signal(24, &r, Some(-0.1)),
        Err(CalibError::NotProbability { .. })
    ));
}
