//! `Ticker` is derived from closed recorded candles only; it has no order book.

use cst_exchange::Exchange;

use crate::helper::{HOUR, JUNE_1030, Server, Y2024, recorded};

#[tokio::test]
async fn the_ticker_comes_from_closed_candles() {
    let server = Server::y2024(JUNE_1030).await;
    let tickers = server
        .client()
        .ticker(&["BTCUSDT", "ETHUSDT"])
        .await
        .unwrap();
    assert_eq!(
        tickers.iter().map(|t| t.pair.as_str()).collect::<Vec<_>>(),
        ["BTCUSDT", "ETHUSDT"]
    );
    let current = JUNE_1030 - 1800;
    let day = current - 10 * HOUR; // 2024-06-15 00:00 UTC
    let btc = &tickers[0];
    let recorded = recorded(Y2024, "BTC-USDT.csv");
    let newest = &recorded[&(current - HOUR)];
    assert_eq!((btc.last, btc.last_volume), (newest.close, newest.volume));
    // No order book: bid and ask are the last price with no volume.
    assert_eq!(
        (btc.ask, btc.bid, btc.ask_volume, btc.bid_volume),
        (btc.last, btc.last, 0.0, 0.0)
    );
    assert_eq!((btc.trades_today, btc.trades_24h), (0, 0));
    let today: Vec<_> = recorded.range(day..current).map(|(_, c)| *c).collect();
    let last_24h: Vec<_> = recorded
        .range(current - 24 * HOUR..current)
        .map(|(_, c)| *c)
        .collect();
    assert_eq!((today.len(), last_24h.len()), (10, 24));
    assert_eq!(btc.open_today, today[0].open);
    let low = |c: &[cst_market::Candle]| c.iter().map(|c| c.low).fold(f64::INFINITY, f64::min);
    let high = |c: &[cst_market::Candle]| c.iter().map(|c| c.high).fold(0.0, f64::max);
    assert_eq!((btc.low_today, btc.high_today), (low(&today), high(&today)));
    assert_eq!(
        (btc.low_24h, btc.high_24h),
        (low(&last_24h), high(&last_24h))
    );
    let volume = |c: &[cst_market::Candle]| c.iter().map(|c| c.volume).sum::<f64>();
    let vwap =
        |c: &[cst_market::Candle]| c.iter().map(|c| c.close * c.volume).sum::<f64>() / volume(c);
    // Sums are written with the recording's 6 volume decimals and 2 price decimals.
    assert!(
        (btc.volume_today - volume(&today)).abs() < 1e-6,
        "{}",
        btc.volume_today
    );
    assert!(
        (btc.volume_24h - volume(&last_24h)).abs() < 1e-6,
        "{}",
        btc.volume_24h
    );
    assert!(
        (btc.vwap_today - vwap(&today)).abs() <= 0.005,
        "{}",
        btc.vwap_today
    );
    assert!(
        (btc.vwap_24h - vwap(&last_24h)).abs() <= 0.005,
        "{}",
        btc.vwap_24h
    );
}

#[tokio::test]
async fn without_a_pair_every_listed_pair_is_sent() {
    let server = Server::y2024(JUNE_1030).await;
    let body = server.json("/0/public/Ticker").await;
    let result = body["result"].as_object().unwrap();
    let keys: Vec<&String> = result.keys().collect();
    assert_eq!(keys, ["BOMEUSDT", "BTCUSDT", "ETHUSDT"]);
    assert_eq!(result["BTCUSDT"]["a"][1], "0");
}
