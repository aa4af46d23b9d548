//! The real-data store the feature tests build on, read in place from ../shared/data:
//! Binance BTC/USDT candles and CryptoNews items of Feb–Mar 2022 (they overlap, and the
//! news is dense there: 40+ items a day), and the
//! 13,814 Kraken ETH/BTC trades of Feb 2020 with the real XBTUSDT book capture.

use std::{io::Read, path::PathBuf};

use cst_config::{SentimentConfig, WhaleConfig};
use cst_features::{BuildContext, FeatureSet, Group, GroupSpec};
use cst_market::{Candle, PairName, Timeframe, Trade};
use cst_sentiment::{CoinMapper, Lexicon, NewsReplay};
use cst_store::{CandleKey, Store, StoredNews};
use serde_json::Value;

pub const EXCHANGE: &str = "binance";
/// 2022-02-01 00:00 UTC .. 2022-03-15 00:00 UTC.
pub const FROM: i64 = 1_643_673_600;
pub const TO: i64 = 1_647_302_400;

pub fn shared(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

pub fn btc_candles() -> Vec<Candle> {
    candles("BTC-USDT", FROM, TO)
}

/// The 33 pairs of the Binance 2021–2022 recording, as its files name them.
pub fn recorded_pairs() -> Vec<String> {
    cst_testkit::recorded_pairs("binance-2021-2022")
}

/// The cross-section's window starts this long before [`FROM`]: its 30-day volume mean and
/// its members' warm-up are read from there.
pub const CROSS_FROM: i64 = FROM - 45 * 86_400;

/// Every recorded pair's candles in `[CROSS_FROM, TO)`, in one store at `path`; `cut` drops
/// one pair's candles opened from a time on.
pub fn cross_store(path: &std::path::Path, cut: Option<(&str, i64)>) -> Store {
    let mut s = Store::open(path).unwrap();
    for file in recorded_pairs() {
        let name = file.replace('-', "/");
        let mut c = candles(&file, CROSS_FROM, TO);
        if let Some((p, from)) = cut
            && p == name
        {
            c.retain(|c| c.open_time < from);
        }
        let key = CandleKey::new(EXCHANGE, &name, Timeframe::H1);
        s.insert_candles(&key, &c, "test").unwrap();
    }
    s
}

/// A recorded pair's candles opened in `[from, to)` (`file`: e.g. `ETH-USDT`).
pub fn candles(file: &str, from: i64, to: i64) -> Vec<Candle> {
    let mut r =
        csv::Reader::from_path(shared(&format!("ohlcv-1h/binance-2021-2022/{file}.csv"))).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let f = |i: usize| rec[i].parse::<f64>().unwrap();
            Candle {
                open_time: rec[0].parse().unwrap(),
                open: f(1),
                high: f(2),
                low: f(3),
                close: f(4),
                volume: f(5),
                trades: None,
            }
        })
        .filter(|c| c.open_time >= from && c.open_time < to)
        .collect()
}

pub fn mapper() -> CoinMapper {
    CoinMapper::new(&[("BTC", "USDT"), ("ETH", "XBT"), ("XBT", "USDT")])
}

/// The news of the window, scored and mapped as the sentiment agent does.
pub fn news() -> Vec<StoredNews> {
    let mut replay = NewsReplay::load(&shared("news/cryptonews-2021-10_2022-07.csv")).unwrap();
    let (mapper, lexicon) = (mapper(), Lexicon::default());
    replay.take_until(FROM - 1);
    replay
        .take_until(TO)
        .iter()
        .map(|i| StoredNews {
            url: i.url.clone(),
            published: i.published,
            source: i.source.clone(),
            title: i.title.clone(),
            coins: mapper
                .mentions(&i.title, &i.summary)
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            score: lexicon.score_item(&i.title, &i.summary),
            llm: None,
        })
        .collect()
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

/// Kraken's raw rows [price, volume, time, b/s, m/l, misc, (id)]; early rows have no id,
/// their index stands in.
pub fn eth_btc_trades() -> Vec<Trade> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(shared("trades/ETH_BTC-trades_2020-02.json.gz")).unwrap(),
    )
    .read_to_string(&mut text)
    .unwrap();
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    rows.iter()
        .enumerate()
        .map(|(i, d)| {
            let r = d["info"].as_array().unwrap();
            Trade {
                id: match r.get(6) {
                    Some(Value::String(s)) => s.parse().unwrap(),
                    Some(v) => v.as_u64().unwrap(),
                    None => i as u64,
                },
                time_ns: (num(&r[2]) * 1e6).round() as i64 * 1000,
                price: num(&r[0]),
                volume: num(&r[1]),
                taker_buy: r[3] == "b",
                market_order: r[4] == "m",
            }
        })
        .collect()
}

/// Everything above in one store at `path`.
pub fn store(path: &std::path::Path) -> Store {
    let mut s = Store::open(path).unwrap();
    let key = CandleKey::new(EXCHANGE, "BTC/USDT", Timeframe::H1);
    s.insert_candles(&key, &btc_candles(), "test").unwrap();
    insert_news(&mut s);
    let trades = eth_btc_trades();
    let last = trades.last().unwrap().time_ns;
    s.insert_trades(EXCHANGE, "ETH/XBT", &trades, last).unwrap();
    s.mark_trades_checked(EXCHANGE, "ETH/XBT", last + 1)
        .unwrap();
    s
}

/// The window's news, with the recording's span marked complete.
pub fn insert_news(s: &mut Store) {
    let news = news();
    s.insert_news(&news).unwrap();
    s.extend_news_coverage(
        "replay:cryptonews",
        news.first().unwrap().published,
        news.last().unwrap().published,
        0,
    )
    .unwrap();
}

pub fn sentiment_config() -> SentimentConfig {
    SentimentConfig {
        source: cst_config::NewsSource::Replay(shared("news/cryptonews-2021-10_2022-07.csv")),
        poll_interval: std::time::Duration::from_secs(300),
        request_timeout: std::time::Duration::from_secs(10),
        half_life_h: 6.0,
        llm: None,
    }
}

/// The whale rule with ETH/BTC valued in BTC: Feb 2020 has no stored BTC/USD candle, and
/// these tests are about time and completeness, not dollars (floor: 5 BTC).
pub fn whale_config() -> WhaleConfig {
    WhaleConfig {
        usd_floor: 5.0,
        median_multiple: 50.0,
        median_window: 500,
        min_history: 100,
        usd_quotes: vec!["USDT".to_string(), "XBT".to_string()],
        book_levels: 10,
        book_max_age_s: 900,
        spoof_size_multiple: 3.0,
        spoof_usd_floor: 5_000.0,
    }
}

pub fn ctx(groups: &[(Group, bool)]) -> BuildContext {
    ctx_with_peers(groups, 20)
}

pub fn ctx_with_peers(groups: &[(Group, bool)], min_peers: usize) -> BuildContext {
    let set = FeatureSet::new(
        groups
            .iter()
            .map(|&(group, required)| GroupSpec { group, required })
            .collect(),
    )
    .unwrap();
    BuildContext::new(
        set,
        EXCHANGE,
        &sentiment_config(),
        &whale_config(),
        mapper(),
        min_peers,
    )
}

pub fn pair(text: &str) -> String {
    PairName::parse(text).unwrap().to_string()
}

/// Two builds are the same, values bit for bit (NaN included).
pub fn same(a: &cst_features::Built, b: &cst_features::Built) {
    use cst_features::Built;
    match (a, b) {
        (Built::Row(a), Built::Row(b)) => {
            assert_eq!(a.t, b.t);
            assert_eq!(a.version, b.version);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.values), bits(&b.values), "values at {}", a.t);
            assert_eq!(a.absent, b.absent);
        }
        (a, b) => assert_eq!(a, b),
    }
}

/// A store built once per test binary and kept for its property tests to copy from: the
/// store at a path that lives as long as the binary.
pub struct Kept {
    _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
}

impl Kept {
    pub fn build(make: impl FnOnce(&std::path::Path) -> Store) -> Kept {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.db");
        drop(make(&path));
        Kept { _dir: dir, path }
    }
}
