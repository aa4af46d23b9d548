//! The hour loop. Per retrain window: retrain ([`crate::walk`]), build every pair's feature
//! rows with the service's builder, predict with the serving models in one batch per
//! horizon, then step each decision hour: the gate ([`cst_trade::gate`]) with a simulated
//! GO, and the portfolio step ([`cst_trade::Engine`]) with paper fills — the calls the risk
//! and portfolio agents make.

use std::{collections::BTreeMap, time::Instant};

use cst_config::Config;
use cst_features::{BuildContext, Built, FeatureBuilder};
use cst_models::{predict::predict_all, runtime};
use cst_store::{BlobStore, Store, StoredPrediction};
use cst_trade::{
    Account, Engine, Fees, HOUR, Market,
    engine::quote_spec,
    gate::{ActiveModel, GateContext, gate},
};

use crate::{
    BacktestError,
    metrics::performance,
    report::{BuyAndHold, Contribution, HourGate, Report, Settings, Timings},
    signal::SignalRows,
    walk::{Champion, registry_models, retrain, retrain_points},
};

/// What to backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// First and last decision hour (Unix seconds on hour boundaries).
    pub from: i64,
    pub to: i64,
    /// The pairs to trade; `None`: every hourly series of the deployment's exchange.
    pub pairs: Option<Vec<String>>,
    pub models: Models,
}

/// Which models serve.
#[derive(Debug, Clone, PartialEq)]
pub enum Models {
    /// Retrain every horizon at `from` and then every so many days.
    WalkForward { retrain_days: u32 },
    /// The registry's active models, unchanged for the whole period; each must have been
    /// trained on targets that ended by `from` (no look-ahead): backtest what is running.
    Registry,
}

/// The simulated service is GO when every configured horizon is served by a model whose
/// evaluated calibration error is within the bar: the readiness checks that depend on the
/// data. (Agents, breakers and collection coverage belong to a running service, not to
/// history: they are taken as healthy.)
pub fn simulated_go(
    active: &BTreeMap<u32, ActiveModel>,
    horizons: &[u32],
    max_ece: f64,
) -> Result<(), String> {
    let missing: Vec<u32> = horizons
        .iter()
        .copied()
        .filter(|h| !active.contains_key(h))
        .collect();
    if !missing.is_empty() {
        return Err(format!("NO-GO: no active model for {missing:?} h"));
    }
    match active
        .iter()
        .find(|(_, m)| !m.ece.is_finite() || m.ece > max_ece)
    {
        Some((h, m)) => Err(format!(
            "NO-GO: the {h} h model's ECE {:.4} exceeds {max_ece:.4}",
            m.ece
        )),
        None => Ok(()),
    }
}

pub fn backtest(
    store: &Store,
    blobs: &BlobStore,
    config: &Config,
    spec: &Spec,
) -> Result<(Report, Timings), BacktestError> {
    if spec.from % HOUR != 0 || spec.to % HOUR != 0 || spec.from > spec.to {
        return Err(BacktestError::Spec(format!(
            "the period {}..{} must run forward between hour boundaries",
            spec.from, spec.to
        )));
    }
    let started = Instant::now();
    let exchange = config.collector.exchange.clone();
    let ctx = BuildContext::for_deployment(config, &exchange, store)?;
    let stored = store.hourly_pairs(&exchange)?;
    let pairs = match &spec.pairs {
        None => stored.clone(),
        Some(list) => {
            for p in list {
                if !stored.contains(p) {
                    return Err(BacktestError::Spec(format!(
                        "no hourly candles of {p} on {exchange} are stored (`cst coverage` lists what is)"
                    )));
                }
            }
            let mut list = list.clone();
            list.sort();
            list.dedup();
            list
        }
    };
    if pairs.is_empty() {
        return Err(BacktestError::Spec(format!(
            "no hourly candles of {exchange} are stored: import history first (`cst import`)"
        )));
    }
    let dylib = runtime::dylib_path(Some(&config.ml.onnxruntime)).ok_or_else(|| {
        BacktestError::Spec("neither [ml] onnxruntime nor ORT_DYLIB_PATH is set".into())
    })?;
    runtime::init(&dylib)?;

    let fees = cst_trade::Fees::for_deployment(store, config)?;
    let quote = quote_spec(&config.portfolio, config.whale.book_max_age_s);
    let engine = Engine {
        risk: &config.risk,
        portfolio: &config.portfolio,
        quote,
        fees: &fees,
    };
    let market = Market::load(
        store,
        &exchange,
        &pairs,
        spec.from - engine.lookback_h() * HOUR,
        spec.to,
        true,
    )?;
    let mut acct = Account::new(config.portfolio.starting_cash_usd);
    let mut champions: BTreeMap<u32, Champion> = BTreeMap::new();
    let mut r = Report {
        exchange: exchange.clone(),
        from: spec.from,
        to: spec.to,
        pairs: pairs.clone(),
        horizons_h: config.ml.horizons_h.clone(),
        feature_set: ctx.set.version().to_string(),
        retrain_days: match spec.models {
            Models::WalkForward { retrain_days } => Some(retrain_days),
            Models::Registry => None,
        },
        settings: Settings {
            min_p_up: config.risk.min_p_up,
            starting_cash: config.portfolio.starting_cash_usd,
            kelly_fraction: config.portfolio.kelly_fraction,
            max_position_frac: config.risk.max_position_frac,
            max_cluster_frac: config.risk.max_cluster_frac,
            max_gross_frac: config.risk.max_gross_frac,
            daily_loss_frac: config.risk.daily_loss_frac,
            max_drawdown_frac: config.risk.max_drawdown_frac,
            taker_fee_bps: config.portfolio.taker_fee_bps,
        },
        models: Vec::new(),
        hours: 0,
        hours_go: 0,
        rows: 0,
        no_rows: 0,
        predictions: 0,
        p_up_max: BTreeMap::new(),
        candidates: 0,
        gate_runs: Vec::new(),
        rejections: BTreeMap::new(),
        orders: Vec::new(),
        trades: Vec::new(),
        open_positions: Vec::new(),
        equity: Vec::new(),
        performance: Default::default(),
        turnover: 0.0,
        fees: 0.0,
        slippage: 0.0,
        hit_rate: None,
        per_horizon: BTreeMap::new(),
        buy_and_hold: BuyAndHold::default(),
        fee_sources: BTreeMap::new(),
        signal: Vec::new(),
        signal_unresolved: 0,
        signal_unpriced: 0,
        signal_unscored: 0,
    };
    let mut scored = SignalRows::default();
    for p in &pairs {
        *r.fee_sources.entry(fees.source(p).to_string()).or_default() += 1;
    }
    let mut timings = Timings::default();
    let points = match spec.models {
        Models::WalkForward { retrain_days } => {
            retrain_points(spec.from, spec.to + HOUR, retrain_days)
        }
        Models::Registry => {
            registry_models(
                store,
                blobs,
                &ctx,
                config,
                spec.from,
                &mut champions,
                &mut r.models,
            )?;
            vec![spec.from]
        }
    };
    let builder = FeatureBuilder::new(store, &ctx);
    for (k, &at) in points.iter().enumerate() {
        let clock = Instant::now();
        if matches!(spec.models, Models::WalkForward { .. }) {
            retrain(store, &ctx, &config.ml, at, &mut champions, &mut r.models)?;
        }
        timings.training_s += clock.elapsed().as_secs_f64();
        let end = points.get(k + 1).copied().unwrap_or(spec.to + HOUR);

        // Every pair's rows for the window, as the ml agent builds them.
        let clock = Instant::now();
        let mut x = Vec::new();
        let mut keys: Vec<(usize, i64)> = Vec::new();
        for (i, pair) in pairs.iter().enumerate() {
            for built in builder.rows(pair, at, end - HOUR)? {
                match built {
                    Built::Row(row) => {
                        x.extend_from_slice(&row.values);
                        keys.push((i, row.t));
                    }
                    Built::NoRow { .. } => r.no_rows += 1,
                }
            }
        }
        r.rows += keys.len() as u64;
        timings.features_s += clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        let mut by_t: BTreeMap<i64, Vec<StoredPrediction>> = BTreeMap::new();
        if !keys.is_empty() && !champions.is_empty() {
            let mut predictors: Vec<&mut cst_models::predict::Predictor> =
                champions.values_mut().map(|c| &mut c.predictor).collect();
            let threads = config.ml.threads as usize;
            for horizon in predict_all(&mut predictors, &x, threads)? {
                for (p, &(i, t)) in horizon.into_iter().zip(&keys) {
                    by_t.entry(t).or_default().push(p.stored(&pairs[i], t));
                }
            }
        }
        timings.inference_s += clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        let active: BTreeMap<u32, ActiveModel> = champions
            .iter()
            .map(|(h, c)| {
                (
                    *h,
                    ActiveModel {
                        id: c.predictor.model_id.clone(),
                        ece: c.report.ece,
                        absolute: c.report.uses.absolute.earned,
                    },
                )
            })
            .collect();
        let go = simulated_go(&active, &config.ml.horizons_h, config.health.max_ece);
        let mut t = at;
        while t < end {
            let preds = by_t.remove(&t).unwrap_or_default();
            r.hours += 1;
            r.hours_go += u64::from(go.is_ok());
            r.predictions += preds.len() as u64;
            for p in &preds {
                let top = r.p_up_max.entry(p.horizon_h).or_insert(0.0);
                *top = top.max(p.p_up);
            }
            let cx = GateContext {
                now: t,
                go: go.clone(),
                active: &active,
                max_ece: config.health.max_ece,
                max_age_s: i64::from(config.health.max_feature_age_h) * HOUR,
                risk: &config.risk,
                quote,
                impact_coef: config.portfolio.impact_coef,
                fees: &fees,
            };
            let verdict = gate(&preds, &market, &cx);
            scored.push_hour(
                t,
                &preds,
                &verdict.candidates,
                &market,
                &quote,
                &fees,
                |h| {
                    champions
                        .get(&h)
                        .and_then(|c| c.report.signal.as_ref())
                        .and_then(|s| s.train_base_rate)
                },
            );
            r.gate_runs.push(HourGate {
                t,
                predictions: preds.len() as u64,
                candidates: verdict.candidates.len() as u64,
                best_p_up: preds.iter().map(|p| p.p_up).reduce(f64::max),
            });
            r.candidates += verdict.candidates.len() as u64;
            for rej in &verdict.rejected {
                *r.rejections.entry(rej.kind.clone()).or_default() += 1;
            }
            let step = engine.step(&mut acct, t, &verdict.candidates, &market);
            r.orders.extend(step.orders);
            r.trades.extend(step.closed);
            r.equity.extend(step.equity);
            t += HOUR;
        }
        timings.simulation_s += clock.elapsed().as_secs_f64();
    }
    summarise(&mut r, &acct, &market, &fees);
    r.signal = scored.finish()?;
    r.signal_unresolved = scored.unresolved;
    r.signal_unpriced = scored.unpriced;
    r.signal_unscored = scored.unscored;
    timings.rows = r.rows;
    timings.backtest_s = started.elapsed().as_secs_f64() - timings.training_s;
    Ok((r, timings))
}

/// Performance, costs, contributions and buy-and-hold from the run's records.
fn summarise(r: &mut Report, acct: &Account, market: &Market, fees: &Fees) {
    // Both curves start from the cash before the first hour, so the first hour's fees count.
    let start = r.settings.starting_cash;
    let curve: Vec<f64> = std::iter::once(start)
        .chain(r.equity.iter().map(|e| e.equity))
        .collect();
    r.performance = performance(&curve);
    r.open_positions = acct.positions.values().cloned().collect();
    let traded: f64 = r.orders.iter().map(|o| o.filled_qty * o.price).sum::<f64>() + 0.0;
    let mean_equity = if curve.is_empty() {
        0.0
    } else {
        curve.iter().sum::<f64>() / curve.len() as f64
    };
    r.turnover = if mean_equity > 0.0 {
        traded / mean_equity
    } else {
        0.0
    };
    r.fees = r.orders.iter().map(|o| o.fee).sum::<f64>() + 0.0;
    r.slippage = r
        .orders
        .iter()
        .map(|o| {
            let against = if o.side == "buy" {
                o.price - o.fill_mid
            } else {
                o.fill_mid - o.price
            };
            o.filled_qty * against
        })
        .sum::<f64>()
        // An empty sum is -0.0; reports say 0.
        + 0.0;
    if !r.trades.is_empty() {
        let wins = r.trades.iter().filter(|t| t.pnl > 0.0).count();
        r.hit_rate = Some(wins as f64 / r.trades.len() as f64);
    }
    for t in &r.trades {
        let c: &mut Contribution = r.per_horizon.entry(t.horizon_h).or_default();
        c.trades += 1;
        c.wins += u64::from(t.pnl > 0.0);
        c.pnl += t.pnl;
    }
    // Buy and hold: equal parts of the starting cash in every pair priced at the start,
    // one taker fee paid, marked at each hour's latest close.
    let priced: Vec<(&str, f64)> = r
        .pairs
        .iter()
        .filter_map(|p| {
            market
                .bar_closing_at(p, r.from)
                .map(|b| (p.as_str(), b.close))
        })
        .collect();
    if priced.is_empty() {
        return;
    }
    let each = start / priced.len() as f64;
    let held: Vec<(&str, f64)> = priced
        .iter()
        .map(|(p, px)| (*p, each * (1.0 - fees.rate(p)) / px))
        .collect();
    let curve: Vec<f64> = std::iter::once(start)
        .chain(r.equity.iter().map(|e| {
            held.iter()
                .map(|(p, q)| q * market.closed(p, e.t, 1).last().map_or(0.0, |b| b.close))
                .sum()
        }))
        .collect();
    r.buy_and_hold = BuyAndHold {
        pairs: held.len() as u64,
        performance: performance(&curve),
    };
}
