use cst_config::Config;
use cst_trade::{
    Account, Engine, Step,
    engine::quote_spec,
    exec::{FillSpec, buy},
    gate::Candidate,
    market::{Quote, Source},
};

use crate::common::*;

use cst_market::DAY;

/// Steps `acct` hourly from `from` to `to` (inclusive), handing each hour its candidates.
fn run(
    c: &Config,
    acct: &mut Account,
    m: &cst_trade::Market,
    from: i64,
    to: i64,
    candidates: &dyn Fn(i64) -> Vec<Candidate>,
) -> Vec<Step> {
    let fees = fees(c);
    let engine = Engine {
        risk: &c.risk,
        portfolio: &c.portfolio,
        quote: quote_spec(&c.portfolio, c.whale.book_max_age_s),
        fees: &fees,
    };
    let mut steps = Vec::new();
    let mut t = from;
    while t <= to {
        steps.push(engine.step(acct, t, &candidates(t), m));
        t += HOUR;
    }
    steps
}

fn assert_attribution_adds_up(steps: &[Step]) {
    for trade in steps.iter().flat_map(|s| &s.closed) {
        let parts = trade.alpha + trade.sizing + trade.timing + trade.slippage + trade.fees;
        assert!(
            (parts - trade.pnl).abs() < 1e-6 * trade.pnl.abs().max(1.0),
            "{trade:#?}: parts sum to {parts}"
        );
    }
}

const BIG: &str = "[risk]\nmax_position_frac = 0.5\nmax_cluster_frac = 1.0\nmax_gross_frac = 1.0\n\
                   daily_loss_frac = 0.5\nmax_drawdown_frac = 0.05\n\
                   [portfolio]\nkelly_fraction = 1.0\n";

#[test]
fn the_kill_switch_flattens_at_the_drawdown_limit_and_stays_halted_until_resumed() {
    let c = config(BIG);
    let pairs = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
    let m = market(&pairs);
    let mut acct = Account::new(10_000.0);
    // Long three coins on June 10, a week-long horizon, stops far away: the June crash.
    let entries = move |t: i64| {
        if t == JUNE_10 || t == JUNE_10 + 6 * DAY {
            pairs
                .iter()
                .map(|p| candidate(p, t, 168, 0.95, 0.05, 0.40))
                .collect()
        } else {
            Vec::new()
        }
    };
    let steps = run(&c, &mut acct, &m, JUNE_10, JUNE_10 + 7 * DAY, &entries);
    let opened = steps[0]
        .orders
        .iter()
        .filter(|o| o.status == "filled")
        .count();
    assert!(opened >= 2, "{:#?}", steps[0].orders);

    let fired: Vec<&Step> = steps.iter().filter(|s| s.halted_now.is_some()).collect();
    assert_eq!(fired.len(), 1, "the switch fires once");
    let k = fired[0];
    let point = k.equity.unwrap();
    assert!(point.halted && point.gross == 0.0, "flattened: {point:?}");
    assert!(
        k.closed.iter().all(|t| t.exit_reason == "kill_switch") && k.closed.len() == opened,
        "{:#?}",
        k.closed
    );
    // Every hour after: halted, flat, and the June 16 candidates refused.
    for s in steps.iter().filter(|s| s.t > k.t) {
        let e = s.equity.unwrap();
        assert!(e.halted && e.gross == 0.0 && (e.equity - point.equity).abs() < 1e-9);
    }
    let june16 = steps.iter().find(|s| s.t == JUNE_10 + 6 * DAY).unwrap();
    assert_eq!(june16.orders.len(), 3);
    assert!(
        june16
            .orders
            .iter()
            .all(|o| o.status == "refused" && o.note.contains("`cst risk resume`")),
        "{:#?}",
        june16.orders
    );
    assert_attribution_adds_up(&steps);

    // Resumed, the account trades again, measured from its equity now.
    assert!(acct.resume().is_some());
    let later = JUNE_10 + 7 * DAY + HOUR;
    let steps = run(&c, &mut acct, &m, later, later, &|t| {
        vec![candidate("BTC/USDT", t, 24, 0.95, 0.05, 0.40)]
    });
    assert_eq!(
        steps[0].orders[0].status, "filled",
        "{:#?}",
        steps[0].orders
    );
}

#[test]
fn stop_loss_take_profit_and_horizon_exits_on_real_bars_with_pnl_split_into_its_parts() {
    let c = config("");
    let m = market(&["BTC/USDT", "SOL/USDT"]);
    let start = 10_000.0;
    let mut acct = Account::new(start);
    let june12 = JUNE_10 + 2 * DAY;
    let june14 = JUNE_10 + 4 * DAY + 2 * HOUR;
    let steps = run(&c, &mut acct, &m, JUNE_10, JUNE_10 + 5 * DAY, &|t| {
        match t {
            // BTC drifts down 1.8% over the next day without touching a stop 5% away or a
            // take-profit 50% away: out at the horizon.
            t if t == JUNE_10 => vec![candidate("BTC/USDT", t, 24, 0.9, 0.45, 0.50)],
            // SOL loses 13% in the next 24 h: the stop 5% below entry fires.
            t if t == june12 => vec![candidate("SOL/USDT", t, 168, 0.9, 0.15, 0.20)],
            // From 26.21 at 02:00 on June 14, SOL reaches 29.19 within two hours: the 5%
            // take-profit fires before the stop 10% below.
            t if t == june14 => vec![candidate("SOL/USDT", t, 168, 0.9, -0.05, 0.05)],
            _ => Vec::new(),
        }
    });
    let closed: Vec<_> = steps.iter().flat_map(|s| s.closed.clone()).collect();
    let reasons: Vec<(&str, &str)> = closed
        .iter()
        .map(|t| (t.pair.as_str(), t.exit_reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("BTC/USDT", "horizon"),
            ("SOL/USDT", "stop_loss"),
            ("SOL/USDT", "take_profit")
        ]
    );
    let btc = &closed[0];
    assert_eq!(btc.exit_t, JUNE_10 + DAY);
    // 29,755.12 → 29,233.79 between the two closes, at mid.
    assert!(btc.alpha + btc.sizing < 0.0 && btc.fees < 0.0 && btc.slippage < 0.0);
    let sl = &closed[1];
    assert!(sl.pnl < 0.0 && sl.exit_price <= sl.entry_price * (-0.05f64).exp());
    let tp = &closed[2];
    assert!((tp.exit_price / tp.entry_price - 0.05f64.exp()).abs() < 1e-9);
    assert!(tp.pnl > 0.0);
    assert_attribution_adds_up(&steps);
    // Flat at the end: equity is the start plus the trades' PnL.
    assert!(acct.positions.is_empty());
    let pnl: f64 = closed.iter().map(|t| t.pnl).sum();
    assert!(
        (acct.equity() - (start + pnl)).abs() < 1e-6,
        "{} vs {}",
        acct.equity(),
        start + pnl
    );
}

#[test]
fn the_daily_loss_limit_stops_entries_for_the_rest_of_the_day_only() {
    let c = config(
        "[risk]\nmax_position_frac = 0.5\nmax_cluster_frac = 1.0\ndaily_loss_frac = 0.02\n\
         max_drawdown_frac = 0.5\n[portfolio]\nkelly_fraction = 1.0\n",
    );
    let m = market(&["SOL/USDT", "BTC/USDT"]);
    let mut acct = Account::new(10_000.0);
    let june13 = JUNE_10 + 3 * DAY;
    // Long SOL into June 13 (−13% that day); try BTC every hour of June 13 and 14.
    let steps = run(
        &c,
        &mut acct,
        &m,
        june13 - 6 * HOUR,
        june13 + 2 * DAY,
        &|t| {
            if t == june13 - 6 * HOUR {
                vec![candidate("SOL/USDT", t, 168, 0.95, 0.30, 0.40)]
            } else if t > june13 {
                vec![candidate("BTC/USDT", t, 1, 0.95, 0.30, 0.40)]
            } else {
                Vec::new()
            }
        },
    );
    let stopped = steps
        .iter()
        .find(|s| {
            s.orders
                .iter()
                .any(|o| o.note.contains("no new entries today"))
        })
        .expect("the daily limit stops entries");
    assert_eq!(stopped.t.div_euclid(DAY), june13 / DAY);
    let next_day = steps.iter().find(|s| s.t == june13 + DAY + HOUR).unwrap();
    assert!(
        next_day
            .orders
            .iter()
            .any(|o| o.status == "filled" && o.pair == "BTC/USDT"),
        "{:#?}",
        next_day.orders
    );
}

#[test]
fn an_hour_is_stepped_once_so_a_repeated_submission_is_a_no_op() {
    let c = config("");
    let m = market(&["BTC/USDT"]);
    let mut acct = Account::new(10_000.0);
    let cands = |t| vec![candidate("BTC/USDT", t, 24, 0.9, 0.05, 0.10)];
    let first = run(&c, &mut acct, &m, JUNE_10, JUNE_10, &cands);
    assert_eq!(first[0].orders[0].status, "filled");
    let after = acct.clone();
    let again = run(&c, &mut acct, &m, JUNE_10, JUNE_10, &cands);
    assert!(!again[0].stepped && again[0].orders.is_empty());
    assert_eq!(acct, after);
}

#[test]
fn fills_are_partial_when_the_order_outgrows_the_hour_or_the_book() {
    // Candle model: a 100M account's 10% stake in SOL is far more than 5% of an hour.
    let c = config("[portfolio]\nstarting_cash_usd = 100000000.0\nkelly_fraction = 1.0\n");
    let m = market(&["SOL/USDT"]);
    let mut acct = Account::new(1e8);
    let steps = run(&c, &mut acct, &m, JUNE_10, JUNE_10, &|t| {
        vec![candidate("SOL/USDT", t, 24, 0.95, 0.05, 0.10)]
    });
    let o = &steps[0].orders[0];
    let bar = m.bar_closing_at("SOL/USDT", JUNE_10).unwrap();
    assert_eq!(o.status, "partial", "{o:#?}");
    assert!((o.filled_qty - 0.05 * bar.volume).abs() < 1e-9);
    assert!(o.price > bar.close, "a buy pays spread and impact");

    // Book walk over Kraken's recorded XBT/USDT book: levels within 100 bps of mid.
    let raw: serde_json::Value = serde_json::from_slice(
        &std::fs::read(cst_testkit::shared(
            "data/trades/XBTUSDT_public_Depth_2025-11.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let side = |s: &str| -> Vec<cst_market::BookLevel> {
        raw["result"]["XBTUSDT"][s]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| cst_market::BookLevel {
                price: l[0].as_str().unwrap().parse().unwrap(),
                volume: l[1].as_str().unwrap().parse().unwrap(),
            })
            .collect()
    };
    let book = cst_store::DepthSnapshot {
        at: 0,
        bids: side("bids"),
        asks: side("asks"),
    };
    let mid = (book.bids[0].price + book.asks[0].price) / 2.0;
    let depth: f64 = book
        .asks
        .iter()
        .take_while(|l| l.price <= mid * 1.01)
        .map(|l| l.volume)
        .sum();
    let q = Quote {
        t: 0,
        mid,
        half_spread: (book.asks[0].price - book.bids[0].price) / mid / 2.0,
        source: Source::Book,
        sigma_h: 0.005,
        hour_volume: 100.0,
        volume_24h: 1e9,
        book: Some(book.clone()),
    };
    let spec = FillSpec {
        max_participation: 0.05,
        impact_coef: 1.0,
        max_slippage_bps: 100.0,
    };
    let small = buy(&q, 0.1, 0.004, &spec);
    assert_eq!(small.qty, 0.1);
    assert!(small.price >= book.asks[0].price && small.price < mid * 1.01);
    let huge = buy(&q, depth * 2.0, 0.004, &spec);
    assert!(
        (huge.qty - depth).abs() < 1e-9,
        "only the book within reach fills"
    );
    assert!((huge.fee - 0.004 * huge.qty * huge.price).abs() < 1e-6);
}

#[test]
fn correlated_coins_share_the_cluster_cap() {
    let m = market(&["BTC/USDT", "ETH/USDT", "SOL/USDT"]);
    let rho = m.correlation("BTC/USDT", "ETH/USDT", JUNE_10, 168).unwrap();
    assert!(rho > 0.8, "BTC and ETH moved together that week: {rho}");
    let same = m.correlation("BTC/USDT", "BTC/USDT", JUNE_10, 168).unwrap();
    assert!((same - 1.0).abs() < 1e-12);
    assert_eq!(m.correlation("BTC/USDT", "DOGE/USDT", JUNE_10, 168), None);

    // 10% per coin, 15% per cluster: with BTC held at 10%, ETH gets the 5% left.
    let c = config(
        "[risk]\nmax_position_frac = 0.10\nmax_cluster_frac = 0.15\n[portfolio]\nkelly_fraction = 1.0\n",
    );
    let mut acct = Account::new(10_000.0);
    let steps = run(&c, &mut acct, &m, JUNE_10, JUNE_10 + 2 * HOUR, &|t| {
        let pair = match (t - JUNE_10) / HOUR {
            0 => "BTC/USDT",
            1 => "ETH/USDT",
            _ => "SOL/USDT",
        };
        vec![candidate(pair, t, 24, 0.95, 0.05, 0.10)]
    });
    let btc = &steps[0].orders[0];
    let eth = &steps[1].orders[0];
    assert_eq!(
        (btc.status.as_str(), eth.status.as_str()),
        ("filled", "filled")
    );
    let value = |o: &cst_trade::account::OrderRecord| o.filled_qty * o.fill_mid;
    assert!((value(btc) - 1000.0).abs() < 15.0, "{btc:#?}");
    let eth_room = 0.15 * acct.equity() - acct.positions["BTC/USDT"].value();
    assert!(
        value(eth) <= eth_room + 1.0 && value(eth) > 0.8 * eth_room,
        "{eth:#?}"
    );
    // SOL moves with both: the cluster is full, and the refusal names the binding limit.
    let sol = &steps[2].orders[0];
    assert_eq!(sol.status, "refused");
    assert!(sol.note.starts_with("the cluster limit leaves"), "{sol:#?}");
}
