use cst_trade::gate::{GateContext, gate};

use crate::common::*;

/// A strong 24 h prediction on BTC at a liquid hour: everything passes.
fn strong(t: i64) -> cst_store::StoredPrediction {
    prediction("BTC/USDT", t, 24, 0.86, 0.015, 0.06)
}

#[test]
fn a_strong_prediction_of_an_active_calibrated_model_on_a_go_service_passes() {
    let c = config("");
    let m = market(&["BTC/USDT"]);
    let active = active(24, "h24-model", 0.02);
    let fees = fees(&c);
    let cx = context(&c, &active, &fees);
    let v = gate(&[strong(JUNE_10)], &m, &cx);
    assert_eq!(v.candidates.len(), 1, "{v:#?}");
    assert!(v.empty_reason.is_none());
    let cost = v.candidates[0].round_trip_cost;
    // Two taker fees of 40 bps and BTC's spread as estimated from a week of candles (18 bps:
    // the estimate errs high on so liquid a pair, so paper costs err high too).
    assert!((0.0095..0.0100).contains(&cost), "{cost}");
}

#[test]
fn nothing_passes_without_models_without_go_or_below_the_bar_and_the_empty_list_says_why() {
    let c = config("");
    let m = market(&["BTC/USDT", "ETH/USDT"]);
    let fees = fees(&c);
    let models = active(24, "h24-model", 0.02);
    let none = std::collections::BTreeMap::new();
    let base = context(&c, &models, &fees);
    let preds = [
        strong(JUNE_10),
        prediction("ETH/USDT", JUNE_10, 24, 0.90, 0.02, 0.08),
    ];

    // No model.
    let v = gate(
        &preds,
        &m,
        &GateContext {
            active: &none,
            ..base.clone()
        },
    );
    assert!(v.candidates.is_empty());
    assert!(v.rejected.iter().all(|r| r.kind == "model"), "{v:#?}");
    assert_eq!(
        v.empty_reason.as_deref(),
        Some("no candidate among 2 predictions: 2 from a model that is not active")
    );
    // A prediction of a model that is no longer the active one.
    let other = active(24, "h24-newer", 0.02);
    let v = gate(
        &preds,
        &m,
        &GateContext {
            active: &other,
            ..base.clone()
        },
    );
    assert!(v.candidates.is_empty());
    assert!(
        v.rejected[0]
            .reason
            .contains("is not the active 24 h model (h24-newer)")
    );

    // Not GO.
    let v = gate(
        &preds,
        &m,
        &GateContext {
            go: Err("NO-GO: score 41".into()),
            ..base.clone()
        },
    );
    assert!(v.candidates.is_empty());
    assert_eq!(
        v.empty_reason.as_deref(),
        Some("service is not GO: NO-GO: score 41")
    );

    // Below 0.80, by a hair; NaN never passes.
    let low = [
        prediction("BTC/USDT", JUNE_10, 24, 0.7999, 0.015, 0.06),
        prediction("ETH/USDT", JUNE_10, 24, f64::NAN, 0.02, 0.08),
    ];
    let v = gate(&low, &m, &base);
    assert!(v.candidates.is_empty());
    assert_eq!(
        v.empty_reason.as_deref(),
        Some("no candidate among 2 predictions: 2 below P(up) 0.80")
    );

    // A configuration cannot lower the bar; one that raises it is obeyed.
    let mut lowered = c.risk.clone();
    lowered.min_p_up = 0.5;
    let v = gate(
        &low[..1],
        &m,
        &GateContext {
            risk: &lowered,
            ..base.clone()
        },
    );
    assert!(v.candidates.is_empty(), "the 0.80 floor holds: {v:#?}");
    let mut raised = c.risk.clone();
    raised.min_p_up = 0.88;
    let v = gate(
        &preds,
        &m,
        &GateContext {
            risk: &raised,
            ..base.clone()
        },
    );
    assert_eq!(v.candidates.len(), 1);
    assert_eq!(v.candidates[0].pair, "ETH/USDT");
}

#[test]
fn uncalibrated_stale_illiquid_or_costly_predictions_are_refused_with_their_reason() {
    let c = config("");
    let m = market(&["BTC/USDT"]);
    let fees = fees(&c);
    let models = active(24, "h24-model", 0.02);
    let base = GateContext {
        max_age_s: 6 * HOUR,
        ..context(&c, &models, &fees)
    };
    let reason = |v: cst_trade::Verdict| {
        assert!(v.candidates.is_empty(), "{v:#?}");
        (v.rejected[0].kind.clone(), v.rejected[0].reason.clone())
    };

    let loose = active(24, "h24-model", 0.09);
    let (kind, why) = reason(gate(
        &[strong(JUNE_10)],
        &m,
        &GateContext {
            active: &loose,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "calibration");
    assert!(why.contains("ECE 0.0900 > 0.0500"), "{why}");

    // A model active for ranking only: its P(up) earned nothing, so the gate reads none.
    let mut ranking_only = active(24, "h24-model", 0.02);
    ranking_only.get_mut(&24).unwrap().absolute = false;
    let (kind, why) = reason(gate(
        &[strong(JUNE_10)],
        &m,
        &GateContext {
            active: &ranking_only,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "model");
    assert!(why.contains("did not earn activation"), "{why}");

    let (kind, why) = reason(gate(
        &[strong(JUNE_10)],
        &m,
        &GateContext {
            now: JUNE_10 + 7 * HOUR,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "stale");
    assert!(why.contains("7.0 h old (limit 6.0 h)"), "{why}");

    // The interval's lower bound is above zero but not above the round trip.
    let (kind, why) = reason(gate(
        &[prediction("BTC/USDT", JUNE_10, 24, 0.9, 0.004, 0.06)],
        &m,
        &base,
    ));
    assert_eq!(kind, "cost");
    assert!(why.contains("does not clear the round-trip cost"), "{why}");

    // Liquidity: BTC's hourly volume is far above any reasonable bar; demand more.
    let mut thin = c.risk.clone();
    thin.min_volume_24h_usd = 1e12;
    let (kind, _) = reason(gate(
        &[strong(JUNE_10)],
        &m,
        &GateContext {
            risk: &thin,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "volume");
    // Tezos' estimated spread that week was above 50 bps.
    let xtz = market(&["XTZ/USDT"]);
    let (kind, why) = reason(gate(
        &[prediction("XTZ/USDT", JUNE_10, 24, 0.9, 0.02, 0.08)],
        &xtz,
        &base,
    ));
    assert_eq!(kind, "spread", "{why}");
    assert!(why.contains("> 50.0 bps"), "{why}");
    let mut deep = c.risk.clone();
    deep.min_depth_usd = 1e12;
    let (kind, _) = reason(gate(
        &[strong(JUNE_10)],
        &m,
        &GateContext {
            risk: &deep,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "depth");

    // A gap: no candle closes at the decision time, so there is no price to trade at.
    let (kind, _) = reason(gate(
        &[strong(JUNE_10 + 1800)],
        &m,
        &GateContext {
            now: JUNE_10 + 1800,
            ..base.clone()
        },
    ));
    assert_eq!(kind, "quote");
}

#[test]
fn the_loader_refuses_a_gate_below_080() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "[risk]\nmin_p_up = 0.79\n").unwrap();
    let err = cst_config::load(&cst_config::Home::new(dir.path()), None).unwrap_err();
    assert!(
        err.to_string()
            .contains("risk.min_p_up must be at least 0.8"),
        "{err}"
    );
}

#[test]
fn the_round_trip_uses_the_pairs_own_fee_schedule_where_the_exchange_listed_one() {
    let c = config("[collector]\nexchange = \"binance\"\n");
    let dir = tempfile::tempdir().unwrap();
    let mut store = cst_store::Store::open(&dir.path().join("cst.db")).unwrap();
    let listed = |pair: &str, fee: Option<f64>| cst_store::PairRecord {
        pair: pair.into(),
        altname: pair.replace('/', ""),
        base: pair.split('/').next().unwrap().into(),
        quote: "USDT".into(),
        taker_fee_pct: fee,
    };
    store
        .update_listing(
            "binance",
            &[listed("BTC/USDT", Some(0.26)), listed("ETH/USDT", None)],
            0,
        )
        .unwrap();
    let fees = cst_trade::Fees::for_deployment(&store, &c).unwrap();
    assert_eq!(
        (fees.rate("BTC/USDT"), fees.source("BTC/USDT")),
        (0.0026, "schedule")
    );
    assert_eq!(
        (fees.rate("ETH/USDT"), fees.source("ETH/USDT")),
        (0.004, "config")
    );

    let m = market(&["BTC/USDT"]);
    let models = active(24, "h24-model", 0.02);
    let cx = GateContext {
        max_age_s: 6 * HOUR,
        ..context(&c, &models, &fees)
    };
    let v = gate(&[strong(JUNE_10)], &m, &cx);
    let cost = v.candidates[0].round_trip_cost;
    // 2 × 0.26% and the same 18 bps spread as with the configured 0.40%.
    assert!((0.0068..0.0072).contains(&cost), "{cost}");
}

/// Moved from the ml crate's gate when that second gate went: the bar is inclusive, the
/// order is best P(up) first (then the larger forecast), and a confident *down* call is no
/// buy signal whatever its confidence.
#[test]
fn only_calibrated_p_up_at_or_above_the_bar_passes_best_first() {
    let c = config("");
    let pairs = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "ADA/USDT", "XRP/USDT"];
    let m = market(&pairs);
    let active = active(24, "h24-model", 0.02);
    let fees = fees(&c);
    let cx = context(&c, &active, &fees);
    let preds = vec![
        prediction("BTC/USDT", JUNE_10, 24, 0.79999, 0.04, 0.08),
        prediction("ETH/USDT", JUNE_10, 24, 0.80, 0.015, 0.06),
        prediction("SOL/USDT", JUNE_10, 24, 0.93, 0.02, 0.06),
        // conf 0.95, but down.
        prediction("ADA/USDT", JUNE_10, 24, 0.05, -0.06, -0.02),
        prediction("XRP/USDT", JUNE_10, 24, 0.93, 0.03, 0.07),
    ];
    let v = gate(&preds, &m, &cx);
    let passed: Vec<&str> = v.candidates.iter().map(|c| c.pair.as_str()).collect();
    assert_eq!(passed, ["XRP/USDT", "SOL/USDT", "ETH/USDT"], "{v:#?}");
    let mut raised = c.risk.clone();
    raised.min_p_up = 0.95;
    let v = gate(
        &preds,
        &m,
        &GateContext {
            risk: &raised,
            ..cx.clone()
        },
    );
    assert!(v.candidates.is_empty());
}
