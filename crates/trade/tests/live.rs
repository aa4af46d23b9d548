//! Live orders against the local private-API stub (`cst-stub`), never the real exchange:
//! the engine's decisions on real June 2022 candles, with the stub's prices moved along the
//! recorded bars (open, low, high, close) before each hour is stepped.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cst_config::Config;
use cst_exchange::{Credentials, PrivateClient, RetryPolicy, cl_ord_id};
use cst_testkit::kraken::{Fault, Stub};
use cst_trade::{
    Account, Engine, Market, Step,
    books::LiveHour,
    engine::entry_id,
    gate::Candidate,
    live::{LiveVenue, PairSpec},
};

use crate::common::*;

use cst_market::DAY;
const KEY: &str = "stub-key";
const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
const CASH: f64 = 10_000.0;

struct Live {
    rt: tokio::runtime::Runtime,
    stub: Stub,
    m: Market,
    pairs: Vec<&'static str>,
}

impl Live {
    fn new(pairs: &[&'static str]) -> Live {
        Self::on(tokio::runtime::Runtime::new().unwrap(), pairs)
    }

    fn on(rt: tokio::runtime::Runtime, pairs: &[&'static str]) -> Live {
        let stub = rt.block_on(Stub::empty(KEY, SECRET));
        stub.fund("USDT", CASH);
        stub.set_costs(0.0026, 0.0);
        for p in pairs {
            let (base, quote) = p.split_once('/').unwrap();
            stub.list(&p.replace('/', ""), base, quote, 1.0);
        }
        Live {
            rt,
            stub,
            m: market(pairs),
            pairs: pairs.to_vec(),
        }
    }

    fn venue(&self, timeout: Duration) -> LiveVenue {
        let client = PrivateClient::new(
            &self.stub.base_url,
            Credentials::new(KEY, SECRET).unwrap(),
            timeout,
            RetryPolicy {
                max_retries: 1,
                min_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(5),
                jitter: false,
            },
        )
        .unwrap();
        let specs = self
            .pairs
            .iter()
            .map(|p| {
                let spec = PairSpec {
                    altname: p.replace('/', ""),
                    lot_decimals: 8,
                    pair_decimals: 4,
                    ordermin: Some(0.0001),
                };
                (p.to_string(), spec)
            })
            .collect::<BTreeMap<_, _>>();
        let mut v = LiveVenue::new(Arc::new(client), self.rt.handle().clone(), specs);
        v.poll_every = Duration::from_millis(5);
        v.set_no_go(None);
        v
    }

    /// Moves the stub's prices along every pair's bar that closes at `t`.
    fn market_moves_to(&self, t: i64) {
        for p in &self.pairs {
            if let Some(b) = self.m.bar_closing_at(p, t) {
                let alt = p.replace('/', "");
                for price in [b.open, b.low, b.high, b.close] {
                    self.stub.set_price(&alt, price);
                }
            }
        }
    }
}

fn engine_steps(
    c: &Config,
    live: &Live,
    venue: &mut LiveVenue,
    acct: &mut Account,
    hours: &[i64],
    candidates: &dyn Fn(i64) -> Vec<Candidate>,
) -> Vec<Step> {
    let fees = fees(c);
    let engine = Engine {
        risk: &c.risk,
        portfolio: &c.portfolio,
        quote: spec(c),
        fees: &fees,
    };
    let mut steps = Vec::new();
    let mut last = hours[0] - HOUR;
    for &t in hours {
        for h in (last + HOUR..=t).step_by(HOUR as usize) {
            live.market_moves_to(h);
        }
        last = t;
        steps.push(engine.step_on(acct, t, &candidates(t), &live.m, venue));
    }
    steps
}

fn every_hour(from: i64, to: i64) -> Vec<i64> {
    (from..=to).step_by(HOUR as usize).collect()
}

/// The exits test's three trades (engine.rs), made live.
fn three_trades(t: i64) -> Vec<Candidate> {
    let june12 = JUNE_10 + 2 * DAY;
    let june14 = JUNE_10 + 4 * DAY + 2 * HOUR;
    match t {
        t if t == JUNE_10 => vec![candidate("BTC/USDT", t, 24, 0.9, 0.45, 0.50)],
        t if t == june12 => vec![candidate("SOL/USDT", t, 168, 0.9, 0.15, 0.20)],
        t if t == june14 => vec![candidate("SOL/USDT", t, 168, 0.9, -0.05, 0.05)],
        _ => Vec::new(),
    }
}

#[test]
fn live_orders_make_the_same_trades_as_paper_and_the_books_match_the_exchange() {
    let c = config("");
    let live = Live::new(&["BTC/USDT", "SOL/USDT"]);
    let hours = every_hour(JUNE_10, JUNE_10 + 5 * DAY);
    let mut venue = live.venue(Duration::from_secs(5));
    let mut acct = Account::new(CASH);
    acct.live = true;
    let steps = engine_steps(&c, &live, &mut venue, &mut acct, &hours, &three_trades);

    // Paper over the same hours.
    let mut paper = Account::new(CASH);
    let fees = fees(&c);
    let engine = Engine {
        risk: &c.risk,
        portfolio: &c.portfolio,
        quote: spec(&c),
        fees: &fees,
    };
    let paper_steps: Vec<Step> = hours
        .iter()
        .map(|&t| engine.step(&mut paper, t, &three_trades(t), &live.m))
        .collect();

    let exits = |s: &[Step]| -> Vec<(String, String, i64, i64)> {
        s.iter()
            .flat_map(|s| &s.closed)
            .map(|t| (t.pair.clone(), t.exit_reason.clone(), t.entry_t, t.exit_t))
            .collect()
    };
    assert_eq!(exits(&steps), exits(&paper_steps));
    assert_eq!(
        exits(&steps)
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["horizon", "stop_loss", "take_profit"]
    );
    // Entry, take-profit and horizon sells are market orders with the service's ids; the
    // stop-loss was the exchange's own order, resting from the entry's fill.
    let orders = live.stub.orders();
    let market: Vec<_> = orders.iter().filter(|o| o.ordertype == "market").collect();
    assert_eq!(market.len(), 5, "{orders:#?}");
    for s in steps.iter().flat_map(|s| &s.orders) {
        if s.purpose == "stop_loss" {
            continue;
        }
        assert_eq!(s.source, cst_trade::market::Source::Exchange, "{s:?}");
        let found = market
            .iter()
            .any(|o| o.cl_ord_id.as_deref() == Some(cl_ord_id(&s.client_id).as_str()));
        assert!(found, "{} was not sent with its cl_ord_id", s.client_id);
    }
    let stops: Vec<_> = orders
        .iter()
        .filter(|o| o.ordertype == "stop-loss")
        .collect();
    assert_eq!(stops.len(), 3, "one per entry");
    assert_eq!(
        stops.iter().map(|o| o.status).collect::<Vec<_>>(),
        ["canceled", "closed", "canceled"],
        "the horizon and take-profit sells cancel their stop; the SOL crash fires one"
    );
    let sl = steps
        .iter()
        .flat_map(|s| &s.closed)
        .find(|t| t.exit_reason == "stop_loss")
        .unwrap();
    assert!(
        (sl.exit_price - sl.stop_loss).abs() < 1e-4,
        "the stop sold at its level: {sl:?}"
    );
    // The books are the exchange's: cash to the cent, and nothing held.
    assert!(acct.positions.is_empty());
    assert!(
        (acct.cash - live.stub.balance("USDT")).abs() < 1e-6,
        "books {} vs exchange {}",
        acct.cash,
        live.stub.balance("USDT")
    );
    let held = (live.stub.balance("BTC"), live.stub.balance("SOL"));
    assert!(held.0.abs() < 1e-12 && held.1.abs() < 1e-12, "{held:?}");
}

#[test]
fn an_hour_stepped_again_after_a_crash_finds_its_orders_instead_of_resending_them() {
    let c = config("");
    let live = Live::new(&["BTC/USDT"]);
    let entry = |t: i64| {
        if t == JUNE_10 {
            vec![candidate("BTC/USDT", t, 24, 0.9, 0.45, 0.50)]
        } else {
            Vec::new()
        }
    };
    let before = {
        let mut a = Account::new(CASH);
        a.live = true;
        a
    };
    // Each run is a new process: a new venue, the account as it was before the hour.
    let run = |acct: &mut Account| {
        let mut venue = live.venue(Duration::from_secs(5));
        engine_steps(&c, &live, &mut venue, acct, &[JUNE_10], &entry)
    };
    let mut first = before.clone();
    let s1 = run(&mut first);
    // Killed before the hour was committed: stepped again from the account as it was.
    let mut again = before.clone();
    let s2 = run(&mut again);
    let adds = live.stub.count("AddOrder");
    assert_eq!(adds, 1, "the entry was sent once");
    assert_eq!(s1[0].orders, s2[0].orders);
    assert_eq!(first, again);
    let id = entry_id(&entry(JUNE_10)[0]);
    assert_eq!(s2[0].orders[0].client_id, id);
    assert_eq!(s2[0].orders[0].status, "filled");
}

#[test]
fn a_lost_answer_is_found_by_its_client_id_and_an_exchange_refusal_is_retried_next_hour() {
    let c = config("");
    let live = Live::new(&["BTC/USDT"]);
    let mut venue = live.venue(Duration::from_millis(300));
    let mut acct = Account::new(CASH);
    acct.live = true;
    let entry = |t: i64| {
        if t == JUNE_10 {
            vec![candidate("BTC/USDT", t, 1, 0.9, 0.45, 0.50)]
        } else {
            Vec::new()
        }
    };
    // The answer to the entry comes after the client gave up.
    live.stub
        .fault("AddOrder", Fault::Late(Duration::from_millis(600)));
    let s = engine_steps(&c, &live, &mut venue, &mut acct, &[JUNE_10], &entry);
    assert_eq!(s[0].orders[0].status, "filled", "{:?}", s[0].orders);
    assert_eq!(acct.positions.len(), 1);
    // The horizon sell meets an exchange outage: the position stays, the sell is retried.
    live.stub
        .fault("AddOrder", Fault::Error("EService:Unavailable".into()));
    let s = engine_steps(&c, &live, &mut venue, &mut acct, &[JUNE_10 + HOUR], &entry);
    let o = &s[0].orders[0];
    assert_eq!(
        (o.purpose.as_str(), o.status.as_str()),
        ("horizon", "failed")
    );
    assert!(o.note.contains("unavailable"), "{}", o.note);
    assert_eq!(acct.positions.len(), 1);
    let s = engine_steps(
        &c,
        &live,
        &mut venue,
        &mut acct,
        &[JUNE_10 + 2 * HOUR],
        &entry,
    );
    assert_eq!(s[0].closed.len(), 1, "{:?}", s[0].orders);
    assert_eq!(s[0].closed[0].exit_reason, "horizon");
    let adds = live.stub.count("AddOrder");
    assert_eq!(adds, 2, "one entry, one sell: neither doubled");
    assert!((acct.cash - live.stub.balance("USDT")).abs() < 1e-6);
}

#[test]
fn no_live_entry_without_go_while_exits_still_go_out() {
    let c = config("");
    let live = Live::new(&["BTC/USDT"]);
    let mut venue = live.venue(Duration::from_secs(5));
    let mut acct = Account::new(CASH);
    acct.live = true;
    let each_hour = |t: i64| vec![candidate("BTC/USDT", t, 1, 0.9, 0.45, 0.50)];
    venue.set_no_go(Some("the health agent says NOGO".into()));
    let s = engine_steps(&c, &live, &mut venue, &mut acct, &[JUNE_10], &each_hour);
    let o = &s[0].orders[0];
    assert_eq!(o.status, "failed");
    assert_eq!(o.note, "live entries need GO: the health agent says NOGO");
    assert!(live.stub.orders().is_empty() && acct.positions.is_empty());

    venue.set_no_go(None);
    engine_steps(
        &c,
        &live,
        &mut venue,
        &mut acct,
        &[JUNE_10 + HOUR],
        &each_hour,
    );
    assert_eq!(acct.positions.len(), 1);
    venue.set_no_go(Some("the health agent says DEGRADED".into()));
    let s = engine_steps(
        &c,
        &live,
        &mut venue,
        &mut acct,
        &[JUNE_10 + 2 * HOUR],
        &each_hour,
    );
    assert_eq!(s[0].closed.len(), 1, "the horizon exit needs no GO");
    assert!(
        s[0].orders
            .iter()
            .any(|o| o.purpose == "entry" && o.status != "filled")
    );
    assert!(acct.positions.is_empty());
}

#[test]
fn the_exchange_stop_protects_a_position_while_the_service_is_down() {
    let c = config("");
    let live = Live::new(&["SOL/USDT"]);
    let mut venue = live.venue(Duration::from_secs(5));
    let mut acct = Account::new(CASH);
    acct.live = true;
    let june12 = JUNE_10 + 2 * DAY;
    let entry = |t: i64| {
        if t == june12 {
            vec![candidate("SOL/USDT", t, 168, 0.9, 0.15, 0.20)]
        } else {
            Vec::new()
        }
    };
    engine_steps(&c, &live, &mut venue, &mut acct, &[june12], &entry);
    let stop = acct.positions["SOL/USDT"].exits.stop_loss;
    // Down for two days: the market moves through the crash, the exchange's stop fires.
    let back = june12 + 2 * DAY;
    let s = engine_steps(&c, &live, &mut venue, &mut acct, &[back], &entry);
    let t = &s[0].closed[0];
    assert_eq!(t.exit_reason, "stop_loss");
    assert!(
        (t.exit_price - stop).abs() < 1e-4,
        "{} vs stop {stop}",
        t.exit_price
    );
    assert!(t.exit_t > june12 && t.exit_t <= back);
    assert!(acct.positions.is_empty());
    assert!((acct.cash - live.stub.balance("USDT")).abs() < 1e-6);
}

#[test]
fn the_agents_single_threaded_runtime_drives_the_calls_of_a_blocking_live_step() {
    // The portfolio agent's runtime is current-thread: its thread awaits the blocking step
    // and drives the venue's exchange calls meanwhile (without that, this hangs).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let live = Live::on(rt, &["BTC/USDT"]);
    live.market_moves_to(JUNE_10);
    let venue = live.venue(Duration::from_secs(5));
    let mut books = Account::new(CASH);
    books.live = true;
    let hour = LiveHour {
        config: config(""),
        fees: fees(&config("")),
        t: JUNE_10,
        candidates: vec![candidate("BTC/USDT", JUNE_10, 24, 0.9, 0.45, 0.50)],
        market: market(&["BTC/USDT"]),
    };
    let (step, books, _venue) = live
        .rt
        .block_on(async {
            tokio::time::timeout(Duration::from_secs(20), hour.step(books, venue)).await
        })
        .expect("the live step finished")
        .unwrap();
    assert_eq!(step.orders[0].status, "filled", "{:?}", step.orders);
    assert_eq!(books.positions.len(), 1);
    assert!((books.cash - live.stub.balance("USDT")).abs() < 1e-6);
}
