use std::collections::BTreeMap;

use cst_config::{Config, Home};
use cst_store::StoredPrediction;
use cst_trade::{
    Fees, Market,
    engine::quote_spec,
    gate::{ActiveModel, Candidate, GateContext},
    market::QuoteSpec,
};

/// 2022-06-10 00:00 UTC: three days before the June 2022 crash.
pub const JUNE_10: i64 = 1_654_819_200;
pub use cst_market::HOUR;

/// The default configuration with `extra` TOML merged in.
pub fn config(extra: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), extra).unwrap();
    cst_config::load(&Home::new(dir.path()), None).unwrap()
}

/// Recorded Binance candles of `pairs` (`BTC/USDT` …), the whole recording.
pub fn market(pairs: &[&str]) -> Market {
    let mut m = Market::new();
    for pair in pairs {
        let file = cst_testkit::shared(&format!(
            "data/ohlcv-1h/binance-2021-2022/{}.csv",
            pair.replace('/', "-")
        ));
        let parsed = cst_import::parse::parse_file(&file, cst_import::Format::Csv).unwrap();
        assert!(parsed.malformed.is_empty());
        m.add_candles(pair, parsed.candles);
    }
    m
}

pub fn spec(c: &Config) -> QuoteSpec {
    quote_spec(&c.portfolio, c.whale.book_max_age_s)
}

pub fn fees(c: &Config) -> Fees {
    Fees::new(c.portfolio.taker_fee_bps)
}

/// The gate's context at June 10 for a GO service with `active` models, the configuration's
/// bars and `fees`.
pub fn context<'a>(
    c: &'a Config,
    active: &'a BTreeMap<u32, ActiveModel>,
    fees: &'a Fees,
) -> GateContext<'a> {
    GateContext {
        now: JUNE_10,
        go: Ok(()),
        active,
        max_ece: c.health.max_ece,
        max_age_s: i64::from(c.health.max_feature_age_h) * HOUR,
        risk: &c.risk,
        quote: spec(c),
        impact_coef: c.portfolio.impact_coef,
        fees,
    }
}

pub fn active(horizon_h: u32, id: &str, ece: f64) -> BTreeMap<u32, ActiveModel> {
    BTreeMap::from([(
        horizon_h,
        ActiveModel {
            id: id.into(),
            ece,
            absolute: true,
        },
    )])
}

pub fn prediction(
    pair: &str,
    t: i64,
    horizon_h: u32,
    p_up: f64,
    lo: f64,
    hi: f64,
) -> StoredPrediction {
    StoredPrediction {
        pair: pair.into(),
        t,
        horizon_h,
        model_id: "h24-model".into(),
        feature_set: "fs".into(),
        p_up,
        pred: (lo + hi) / 2.0,
        lo,
        hi,
        conf: p_up.max(1.0 - p_up),
        quality_prob: 0.5,
        score: None,
        p_beat: None,
    }
}

pub fn candidate(pair: &str, t: i64, horizon_h: u32, p_up: f64, lo: f64, hi: f64) -> Candidate {
    Candidate {
        pair: pair.into(),
        t,
        horizon_h,
        model_id: "h24-model".into(),
        p_up,
        pred: (lo + hi) / 2.0,
        lo,
        hi,
        round_trip_cost: 0.009,
    }
}
