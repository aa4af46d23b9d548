//! `cargo bench -p cst-backtest --bench simulator_vs_vectorbt`: the portfolio step's
//! simulation checked against vectorbt on a signal set that trades.
//!
//! The service's own signals on the recorded data pass the 0.80 gate nowhere (see the
//! `backtest_2024` bench), so their trade lists are empty on both sides. To compare the
//! simulators on trades, this bench hands the engine fixed, hand-written candidates — an
//! entry for every pair at 00:00 each day, take-profit 5% up, stop 8% down, a 48 h horizon —
//! over the real candles of all 33 pairs of binance-2021-2022 (Jan–Sep 2022), steps every
//! hour exactly as `cst backtest` does, and replays the entries it made through vectorbt,
//! which decides the stops and horizon exits on its own. The trade lists (pair, entry hour,
//! exit hour) must be identical; the run times are printed side by side. The kill switch
//! and the daily stop are off here: vectorbt has neither.

#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use cst_bench::Figure;
use cst_config::Home;
use cst_trade::{Account, Engine, Fees, HOUR, Market, engine::quote_spec, gate::Candidate};

/// 2022-01-01 and 2022-10-01 00:00 UTC.
const FROM: i64 = 1_640_995_200;
const TO: i64 = 1_664_582_400;

fn main() {
    let data = cst_testkit::shared("data/ohlcv-1h/binance-2021-2022");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[risk]\nmax_position_frac = 0.04\nmax_cluster_frac = 1.0\nmax_gross_frac = 1.0\n\
         daily_loss_frac = 1.0\nmax_drawdown_frac = 1.0\nmax_orders_per_hour = 100\n\
         [portfolio]\nkelly_fraction = 1.0\n",
    )
    .unwrap();
    let config = cst_config::load(&Home::new(dir.path()), None).unwrap();
    let files = common::csv_files(&data);
    let mut market = Market::new();
    let mut pairs = Vec::new();
    for f in &files {
        let pair = f.file_stem().unwrap().to_string_lossy().replace('-', "/");
        let parsed = cst_import::parse::parse_file(f, cst_import::Format::Csv).unwrap();
        market.add_candles(&pair, parsed.candles);
        pairs.push(pair);
    }
    let fees = Fees::new(config.portfolio.taker_fee_bps);
    let engine = Engine {
        risk: &config.risk,
        portfolio: &config.portfolio,
        quote: quote_spec(&config.portfolio, config.whale.book_max_age_s),
        fees: &fees,
    };
    let mut acct = Account::new(config.portfolio.starting_cash_usd);
    let (mut orders, mut trades) = (Vec::new(), Vec::new());
    let started = Instant::now();
    let mut t = FROM;
    while t <= TO {
        let candidates: Vec<Candidate> = if t % 86_400 == 0 {
            pairs
                .iter()
                .map(|p| Candidate {
                    pair: p.clone(),
                    t,
                    horizon_h: 48,
                    model_id: "hand-written".into(),
                    p_up: 0.85,
                    pred: 0.01,
                    lo: -0.03,
                    hi: 0.05,
                    round_trip_cost: 0.01,
                })
                .collect()
        } else {
            Vec::new()
        };
        let step = engine.step(&mut acct, t, &candidates, &market);
        orders.extend(step.orders);
        trades.extend(step.closed);
        t += HOUR;
    }
    let ours_s = started.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "from": FROM, "to": TO,
        "settings": { "starting_cash": config.portfolio.starting_cash_usd },
        "orders": orders, "trades": trades,
        "open_positions": acct.positions.values().collect::<Vec<_>>(),
    });
    let path = common::write_report(
        "simulator-vs-vectorbt.json",
        &serde_json::to_vec(&report).unwrap(),
    );
    let r = common::vectorbt(&path, &data);
    let reference_s = r["reference_s"].as_f64().unwrap_or(f64::NAN);
    let kinds = |reason: &str| trades.iter().filter(|t| t.exit_reason == reason).count();
    Figure::new(
        format!(
            "simulator vs vectorbt: trades differing, 33 pairs, {} h, hand-written entries",
            (TO - FROM) / HOUR + 1
        ),
        r["mismatch_count"].as_u64().unwrap_or(u64::MAX) as f64,
        "trades",
    )
    .equal(0.0)
    .vs(
        format!("vectorbt trades (ours {})", trades.len()),
        r["reference_trades"].as_f64().unwrap_or(f64::NAN),
        "trades",
    )
    .note(format!(
        "ours: {} take-profit, {} stop-loss, {} horizon",
        kinds("take_profit"),
        kinds("stop_loss"),
        kinds("horizon")
    ))
    .record();
    Figure::new(
        "simulator vs vectorbt: time for every hour (quotes, limits, sizing, fills, exits)",
        ours_s,
        "s",
    )
    .vs(
        "vectorbt replaying the finished signals, compiled",
        reference_s,
        "s",
    )
    .ratio(reference_s / ours_s, "vectorbt / ours")
    .note(format!(
        "vectorbt's first call, with numba's compilation: {:.3} s",
        r["reference_cold_s"].as_f64().unwrap_or(0.0)
    ))
    .record();
    assert_eq!(r["identical"], true, "{r:#}");
}
