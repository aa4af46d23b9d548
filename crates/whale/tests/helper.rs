//! Loaders for the real files, and an independent naive whale rule to check against.

use std::{io::Read, path::PathBuf, sync::OnceLock};

use cst_market::{BookLevel, Trade};
use cst_whale::{Book, DetectorConfig};
use serde_json::Value;

/// BTC/USD converts ETH/BTC notionals to USD. Bitcoin traded around $9,600-10,200 on
/// 2020-02-19..22; the exact value does not matter to the assertions, which recompute
/// with the same rate.
pub const BTC_USD_FEB_2020: f64 = 9_700.0;

/// The rule the ETH/BTC tests use: 500-trade median, verdicts after 100, 50×, $10,000.
pub fn eth_cfg() -> DetectorConfig {
    DetectorConfig {
        median_window: 500,
        min_history: 100,
        median_multiple: 50.0,
        usd_floor: 10_000.0,
    }
}

fn data(rel: &str) -> PathBuf {
    cst_testkit::data("trades").join(rel)
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

/// One Kraken raw trade row: [price, volume, time, b/s, m/l, misc, (trade_id)].
fn row(r: &Value, fallback_id: u64) -> Trade {
    let r = r.as_array().unwrap();
    let id = match r.get(6) {
        Some(Value::String(s)) => s.parse().unwrap(),
        Some(v) => v.as_u64().unwrap(),
        None => fallback_id,
    };
    Trade {
        id,
        time_ns: (num(&r[2]) * 1e6).round() as i64 * 1000,
        price: num(&r[0]),
        volume: num(&r[1]),
        taker_buy: r[3] == "b",
        market_order: r[4] == "m",
    }
}

/// The 13,814 ETH/BTC trades. Early rows carry no trade id; their index stands in.
pub fn eth_btc() -> &'static [Trade] {
    static T: OnceLock<Vec<Trade>> = OnceLock::new();
    T.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(
            std::fs::File::open(data("ETH_BTC-trades_2020-02.json.gz")).unwrap(),
        )
        .read_to_string(&mut text)
        .unwrap();
        let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
        rows.iter()
            .enumerate()
            .map(|(i, d)| row(&d["info"], i as u64))
            .collect()
    })
}

/// The 1,000 XBTUSDT trades of the /0/public/Trades capture.
pub fn xbtusdt() -> Vec<Trade> {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(data("XBTUSDT_public_Trades_2025-11.json")).unwrap(),
    )
    .unwrap();
    v["result"]["XBTUSDT"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| row(r, 0))
        .collect()
}

/// The /0/public/Depth capture: (newest level timestamp as the snapshot time, bids, asks).
pub fn xbtusdt_depth() -> (i64, Vec<BookLevel>, Vec<BookLevel>) {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(data("XBTUSDT_public_Depth_2025-11.json")).unwrap(),
    )
    .unwrap();
    let book = &v["result"]["XBTUSDT"];
    let mut at = 0;
    let mut side = |name: &str| -> Vec<BookLevel> {
        book[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                at = at.max(l[2].as_i64().unwrap());
                BookLevel {
                    price: num(&l[0]),
                    volume: num(&l[1]),
                }
            })
            .collect()
    };
    let (bids, asks) = (side("bids"), side("asks"));
    (at, bids, asks)
}

pub fn xbtusdt_book() -> Book {
    let (at, bids, asks) = xbtusdt_depth();
    Book::new(at, bids, asks).unwrap()
}

/// The whale rule recomputed the slow, obvious way: sort the preceding window for every
/// trade. `None` = not enough history. Returns (is_whale, threshold_usd) per trade.
pub fn naive_whales(
    trades: &[Trade],
    quote_usd: f64,
    cfg: &DetectorConfig,
) -> Vec<Option<(bool, f64)>> {
    let notional: Vec<f64> = trades.iter().map(|t| t.price * t.volume).collect();
    (0..trades.len())
        .map(|i| {
            let from = i.saturating_sub(cfg.median_window);
            if i - from < cfg.min_history {
                return None;
            }
            let mut w = notional[from..i].to_vec();
            w.sort_by(f64::total_cmp);
            let n = w.len();
            let median = if n % 2 == 1 {
                w[n / 2]
            } else {
                (w[n / 2 - 1] + w[n / 2]) / 2.0
            };
            let threshold = cfg.usd_floor.max(cfg.median_multiple * median * quote_usd);
            Some((notional[i] * quote_usd > threshold, threshold))
        })
        .collect()
}

/// [`naive_whales`] on ETH/BTC with [`eth_cfg`], computed once for all tests.
pub fn eth_naive() -> &'static [Option<(bool, f64)>] {
    static N: OnceLock<Vec<Option<(bool, f64)>>> = OnceLock::new();
    N.get_or_init(|| naive_whales(eth_btc(), BTC_USD_FEB_2020, &eth_cfg()))
}
