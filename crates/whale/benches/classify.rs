//! Throughput of the whale rule on the real ETH/BTC file (13,814 trades), against the
//! naive "sort the window for every trade" it replaces. `cargo bench -p cst-whale`.

use std::{hint::black_box, io::Read, time::Instant};

use cst_bench::Figure;
use cst_market::Trade;
use cst_whale::{DetectorConfig, classify};

fn trades() -> Vec<Trade> {
    let path = cst_testkit::data("trades/ETH_BTC-trades_2020-02.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("data file"))
        .read_to_string(&mut text)
        .expect("gzip");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    let num = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.parse().ok())
            .or(v.as_f64())
            .expect("number")
    };
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let r = &r["info"];
            Trade {
                id: i as u64,
                time_ns: (num(&r[2]) * 1e6).round() as i64 * 1000,
                price: num(&r[0]),
                volume: num(&r[1]),
                taker_buy: r[3] == "b",
                market_order: r[4] == "m",
            }
        })
        .collect()
}

fn naive(trades: &[Trade], cfg: &DetectorConfig) -> usize {
    let n: Vec<f64> = trades.iter().map(|t| t.price * t.volume).collect();
    (cfg.min_history..n.len())
        .filter(|&i| {
            let mut w = n[i.saturating_sub(cfg.median_window)..i].to_vec();
            w.sort_by(f64::total_cmp);
            let m = if w.len() % 2 == 1 {
                w[w.len() / 2]
            } else {
                (w[w.len() / 2 - 1] + w[w.len() / 2]) / 2.0
            };
            n[i] * 9_700.0 > cfg.usd_floor.max(cfg.median_multiple * m * 9_700.0)
        })
        .count()
}

fn main() {
    let trades = trades();
    for window in [500, 5_000] {
        let cfg = DetectorConfig {
            median_window: window,
            ..DetectorConfig::default()
        };
        let rounds = 20;
        let start = Instant::now();
        for _ in 0..rounds {
            black_box(classify(black_box(&trades), 9_700.0, &cfg).expect("classify"));
        }
        let streaming = start.elapsed().as_nanos() as f64 / (rounds * trades.len()) as f64;
        let start = Instant::now();
        black_box(naive(black_box(&trades), &cfg));
        let sorted = start.elapsed().as_nanos() as f64 / trades.len() as f64;
        Figure::new(
            format!(
                "whale rule, rolling median of the last {window} trades (ETH/BTC, {} real trades)",
                trades.len()
            ),
            streaming,
            "ns/trade",
        )
        .vs("sorting the window for every trade", sorted, "ns/trade")
        .ratio(sorted / streaming, "sorting / ours")
        .record();
    }
}
