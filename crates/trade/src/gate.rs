//! The gate between predictions and trades. A prediction becomes a candidate only when the
//! service is GO, its model is the horizon's active model, its absolute classifier earned
//! activation and is calibrated, its features
//! are fresh, its calibrated P(up) reaches the bar (never below 0.80), the pair is liquid
//! (spread, depth near mid, 24 h volume) and the lower bound of its interval clears the
//! pair's round-trip cost. Every other prediction is kept with the first reason it failed,
//! and an empty list says why it is empty: that is a normal outcome, not an error.

use std::{collections::BTreeMap, time::Instant};

use cst_config::{RiskConfig, trading::MIN_P_UP_FLOOR};
use cst_store::{Store, StoredPrediction};
use serde::{Deserialize, Serialize};

use crate::{
    fees::Fees,
    market::{Market, QuoteSpec},
};

/// A horizon's active model, as the registry and its evaluation report say.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveModel {
    pub id: String,
    /// Expected calibration error on the model's evaluation fold.
    pub ece: f64,
    /// Whether its absolute classifier earned activation (Brier skill over the base rate
    /// out of sample): the gate reads no probability that did not.
    pub absolute: bool,
}

/// Everything the gate reads besides the predictions and the market.
#[derive(Debug, Clone)]
pub struct GateContext<'a> {
    /// Service time of the decision (a backtest: the prediction's own hour).
    pub now: i64,
    /// `Err(reason)` unless the service is GO.
    pub go: Result<(), String>,
    pub active: &'a BTreeMap<u32, ActiveModel>,
    pub max_ece: f64,
    /// Features older than this (service time) are stale.
    pub max_age_s: i64,
    pub risk: &'a RiskConfig,
    pub quote: QuoteSpec,
    /// Impact coefficient of the candle model (depth without a book).
    pub impact_coef: f64,
    pub fees: &'a Fees,
}

/// A prediction that passed, with the round-trip cost it cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub pair: String,
    pub t: i64,
    pub horizon_h: u32,
    pub model_id: String,
    pub p_up: f64,
    pub pred: f64,
    pub lo: f64,
    pub hi: f64,
    /// Fees and spread of an entry and an exit, as a fraction.
    pub round_trip_cost: f64,
}

/// A prediction that did not pass, and the first check it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub pair: String,
    pub t: i64,
    pub horizon_h: u32,
    pub model_id: String,
    pub p_up: f64,
    pub kind: String,
    pub reason: String,
}

/// The gate's answer for one decision hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Best first: highest P(up), then the larger median forecast, then pair and horizon.
    pub candidates: Vec<Candidate>,
    pub rejected: Vec<Rejected>,
    /// Why the candidate list is empty, when it is.
    pub empty_reason: Option<String>,
}

/// Runs the gate over one hour's predictions.
pub fn gate(predictions: &[StoredPrediction], market: &Market, cx: &GateContext<'_>) -> Verdict {
    let mut v = Verdict::default();
    // The floor holds even if a caller built a RiskConfig by hand.
    let bar = cx.risk.min_p_up.max(MIN_P_UP_FLOOR);
    for p in predictions {
        match check(p, bar, market, cx) {
            Ok(cost) => v.candidates.push(Candidate {
                pair: p.pair.clone(),
                t: p.t,
                horizon_h: p.horizon_h,
                model_id: p.model_id.clone(),
                p_up: p.p_up,
                pred: p.pred,
                lo: p.lo,
                hi: p.hi,
                round_trip_cost: cost,
            }),
            Err((kind, reason)) => v.rejected.push(Rejected {
                pair: p.pair.clone(),
                t: p.t,
                horizon_h: p.horizon_h,
                model_id: p.model_id.clone(),
                p_up: p.p_up,
                kind: kind.to_string(),
                reason,
            }),
        }
    }
    v.candidates.sort_by(|a, b| {
        b.p_up
            .total_cmp(&a.p_up)
            .then(b.pred.total_cmp(&a.pred))
            .then_with(|| (&a.pair, a.horizon_h).cmp(&(&b.pair, b.horizon_h)))
    });
    if v.candidates.is_empty() {
        v.empty_reason = Some(empty_reason(&v.rejected, bar));
    }
    v
}

/// Says why nothing passed: the count of each failure, the most common first.
fn empty_reason(rejected: &[Rejected], bar: f64) -> String {
    if rejected.is_empty() {
        return "no predictions: no model is serving, or no pair had a feature row".into();
    }
    if let Some(r) = rejected.iter().find(|r| r.kind == "service")
        && rejected.iter().all(|x| x.kind == "service")
    {
        return r.reason.clone();
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rejected {
        *counts.entry(r.kind.as_str()).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = counts
        .iter()
        .map(|(kind, n)| match *kind {
            "p_up" => format!("{n} below P(up) {bar:.2}"),
            other => format!("{n} {}", describe(other)),
        })
        .collect();
    format!(
        "no candidate among {} predictions: {}",
        rejected.len(),
        parts.join(", ")
    )
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "service" => "while the service is not GO",
        "model" => "from a model that is not active",
        "calibration" => "from an uncalibrated model",
        "stale" => "on stale features",
        "quote" => "without a quote",
        "spread" => "with too wide a spread",
        "depth" => "with too little depth",
        "volume" => "with too little 24 h volume",
        "cost" => "whose interval does not clear the round-trip cost",
        _ => "refused",
    }
}

fn check(
    p: &StoredPrediction,
    bar: f64,
    market: &Market,
    cx: &GateContext<'_>,
) -> Result<f64, (&'static str, String)> {
    if let Err(why) = &cx.go {
        return Err(("service", format!("service is not GO: {why}")));
    }
    let Some(active) = cx.active.get(&p.horizon_h) else {
        return Err((
            "model",
            format!("no active model for the {} h horizon", p.horizon_h),
        ));
    };
    if active.id != p.model_id {
        return Err((
            "model",
            format!(
                "model {} is not the active {} h model ({})",
                p.model_id, p.horizon_h, active.id
            ),
        ));
    }
    if !active.absolute {
        return Err((
            "model",
            format!(
                "the absolute classifier of model {} did not earn activation (no Brier skill \
                 over the base rate out of sample): its P(up) is not read",
                active.id
            ),
        ));
    }
    if !(active.ece <= cx.max_ece) {
        return Err((
            "calibration",
            format!(
                "model {} has ECE {:.4} > {:.4}",
                active.id, active.ece, cx.max_ece
            ),
        ));
    }
    let age = cx.now - p.t;
    if age > cx.max_age_s {
        return Err((
            "stale",
            format!(
                "features are {:.1} h old (limit {:.1} h)",
                age as f64 / 3600.0,
                cx.max_age_s as f64 / 3600.0
            ),
        ));
    }
    if !(p.p_up >= bar) {
        return Err(("p_up", format!("P(up) {:.3} < {bar:.2}", p.p_up)));
    }
    let q = market
        .quote(&p.pair, p.t, &cx.quote)
        .map_err(|e| ("quote", e.to_string()))?;
    let r = cx.risk;
    if !(q.spread_bps() <= r.max_spread_bps) {
        return Err((
            "spread",
            format!(
                "spread {:.1} bps > {:.1} bps",
                q.spread_bps(),
                r.max_spread_bps
            ),
        ));
    }
    let depth = q.depth_within(r.depth_bps, cx.impact_coef);
    if !(depth >= r.min_depth_usd) {
        return Err((
            "depth",
            format!(
                "{depth:.0} within {:.0} bps of mid < {:.0}",
                r.depth_bps, r.min_depth_usd
            ),
        ));
    }
    if !(q.volume_24h >= r.min_volume_24h_usd) {
        return Err((
            "volume",
            format!(
                "24 h volume {:.0} < {:.0}",
                q.volume_24h, r.min_volume_24h_usd
            ),
        ));
    }
    let cost = 2.0 * cx.fees.rate(&p.pair) + 2.0 * q.half_spread;
    if !(p.lo > (1.0 + cost).ln()) {
        return Err((
            "cost",
            format!(
                "interval lower bound {:+.2}% does not clear the round-trip cost {:.2}%",
                p.lo.exp_m1() * 100.0,
                cost * 100.0
            ),
        ));
    }
    Ok(cost)
}

/// The active model of each configured horizon, with the ECE its evaluation measured.
pub fn active_models(
    store: &Store,
    horizons: &[u32],
) -> Result<BTreeMap<u32, ActiveModel>, String> {
    let mut out = BTreeMap::new();
    for &h in horizons {
        let Some(m) = store.active_model(h).map_err(|e| e.to_string())? else {
            continue;
        };
        let report: serde_json::Value = serde_json::from_str(&m.report)
            .map_err(|e| format!("model {}: unreadable report: {e}", m.id))?;
        // A report without an ECE counts as uncalibrated.
        let ece = report["ece"].as_f64().unwrap_or(f64::INFINITY);
        let absolute = report["uses"]["absolute"]["earned"].as_bool() == Some(true);
        out.insert(
            h,
            ActiveModel {
                id: m.id,
                ece,
                absolute,
            },
        );
    }
    Ok(out)
}

/// GO, or why not: the health agent's latest status (`health.status`, with when it came);
/// none within `health.report_timeout` is NO-GO.
pub fn go_verdict(
    health: Option<&(String, Instant)>,
    config: &cst_config::Config,
) -> Result<(), String> {
    match health {
        Some((status, at)) if at.elapsed() <= config.health.report_timeout => {
            if status == "go" {
                Ok(())
            } else {
                Err(format!("the health agent says {}", status.to_uppercase()))
            }
        }
        Some((_, at)) => Err(format!(
            "no health verdict for {:.0} s",
            at.elapsed().as_secs_f64()
        )),
        None => Err("no health verdict yet".into()),
    }
}
