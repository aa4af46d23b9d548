//! Every captured Kraken response decodes to the values it really holds.

use cst_exchange::kraken::decode;
use cst_exchange::{OrderKind, Side};

use crate::helper::read;

#[test]
fn server_time_and_system_status() {
    let time = decode::server_time(&read("kraken-api/http_server_time.json")).unwrap();
    assert_eq!(time.unixtime, 1_762_820_224);
    assert_eq!(time.rfc1123, "Tue, 11 Nov 25 00:17:04 +0000");

    let status = decode::system_status(&read("kraken-api/http_system_status.json")).unwrap();
    assert!(status.is_online());
    assert_eq!(status.timestamp, "2025-11-11T00:17:10Z");
}

#[test]
fn ticker_fields_land_in_the_right_places() {
    let tickers = decode::ticker(&read("kraken-api/http_ticker.json"), "XBTUSDT").unwrap();
    assert_eq!(tickers.len(), 1);
    let t = &tickers[0];
    assert_eq!(t.pair, "XBTUSDT");
    assert_eq!((t.ask, t.ask_volume), (105_944.3, 1.0));
    assert_eq!((t.bid, t.bid_volume), (105_944.2, 1.0));
    assert_eq!((t.last, t.last_volume), (105_899.4, 0.000_094_43));
    assert_eq!(
        (t.volume_today, t.volume_24h),
        (0.786_482_21, 163.289_080_96)
    );
    assert_eq!((t.vwap_today, t.vwap_24h), (105_960.647_56, 105_904.392_79));
    assert_eq!((t.trades_today, t.trades_24h), (35, 3276));
    assert_eq!((t.low_today, t.low_24h), (105_853.5, 104_711.0));
    assert_eq!((t.high_today, t.high_24h), (106_112.0, 106_613.1));
    assert_eq!(t.open_today, 106_021.6);
}

#[test]
fn depth_from_both_captures() {
    for rel in [
        "kraken-api/http_order_book.json",
        "trades/XBTUSDT_public_Depth_2025-11.json",
    ] {
        let book = decode::depth(&read(rel), "XBTUSDT").unwrap();
        assert_eq!(book.pair, "XBTUSDT");
        assert_eq!((book.asks.len(), book.bids.len()), (5, 5), "{rel}");
        let (ask, bid) = (book.asks[0], book.bids[0]);
        assert_eq!(
            (ask.price, ask.volume, ask.time),
            (105_944.3, 0.136, 1_762_820_248)
        );
        assert_eq!(
            (bid.price, bid.volume, bid.time),
            (105_944.2, 0.002, 1_762_820_233)
        );
        assert_eq!(book.bids[4].price, 105_916.7);
        assert!(
            book.asks.windows(2).all(|w| w[0].price < w[1].price),
            "asks ascend"
        );
        assert!(
            book.bids.windows(2).all(|w| w[0].price > w[1].price),
            "bids descend"
        );
    }
}

#[test]
fn trades_from_both_captures_with_cursor() {
    for rel in [
        "kraken-api/http_trades.json",
        "trades/XBTUSDT_public_Trades_2025-11.json",
    ] {
        let page = decode::trades(&read(rel), "XBTUSDT").unwrap();
        assert_eq!(page.pair, "XBTUSDT");
        assert_eq!(page.trades.len(), 1000, "{rel}");
        assert_eq!(page.last_ns, 1_762_820_035_982_277_754);

        let first = &page.trades[0];
        assert_eq!((first.price, first.volume), (105_433.6, 0.000_276_25));
        assert_eq!(first.time, 1_762_795_433.971_744_5);
        assert_eq!((first.side, first.kind), (Side::Buy, OrderKind::Limit));
        assert_eq!((first.misc.as_str(), first.id), ("", Some(10_218_208)));

        let last = page.trades.last().unwrap();
        assert_eq!((last.price, last.volume), (105_899.4, 0.000_094_43));
        assert_eq!(
            (last.side, last.kind, last.id),
            (Side::Sell, OrderKind::Market, Some(10_219_207))
        );
        // The cursor is the last trade's time, at more precision than the float carries.
        assert_eq!(
            (page.last_ns + 500) / 1_000,
            (last.time * 1e6).round() as i64
        );

        let ids: Vec<u64> = page.trades.iter().filter_map(|t| t.id).collect();
        assert_eq!(
            ids,
            (10_218_208..=10_219_207).collect::<Vec<_>>(),
            "ids contiguous"
        );
        assert!(
            page.trades.windows(2).all(|w| w[0].time <= w[1].time),
            "oldest first"
        );
    }
}

#[test]
fn ohlc_splits_off_the_unfinished_candle() {
    let page = decode::ohlc(&read("kraken-api/http_ohlc.json"), "XBTUSDT").unwrap();
    assert_eq!(page.pair, "XBTUSDT");
    assert_eq!(page.closed.len(), 720);
    assert_eq!(page.last, 1_762_820_160);

    let first = page.closed[0];
    assert_eq!(first.time, 1_762_777_020);
    assert_eq!(
        (first.open, first.high, first.low, first.close),
        (106_038.2, 106_038.2, 106_038.2, 106_038.2)
    );
    assert_eq!((first.vwap, first.volume, first.count), (None, 0.0, 0));

    let busy = page.closed[3];
    assert_eq!(busy.time, 1_762_777_200);
    assert_eq!(
        (busy.open, busy.high, busy.low, busy.close),
        (106_038.1, 106_044.3, 106_038.1, 106_040.1)
    );
    assert_eq!(
        (busy.vwap, busy.volume, busy.count),
        (Some(106_039.6), 0.083_179_81, 3)
    );

    // `last` is the newest committed candle, i.e. the one before the unfinished row.
    let newest_closed = page.closed.last().unwrap();
    assert_eq!(newest_closed.time, page.last);
    let unfinished = page
        .unfinished
        .expect("the capture ends with the forming candle");
    assert_eq!(unfinished.time, 1_762_820_220);
    assert_eq!(unfinished.close, 105_899.4);

    assert!(
        page.closed.windows(2).all(|w| w[1].time - w[0].time == 60),
        "no gaps in 1m rows"
    );
    let without_trades = page.closed.iter().filter(|r| r.count == 0).count();
    assert_eq!(
        without_trades,
        page.closed.iter().filter(|r| r.vwap.is_none()).count()
    );
    assert_eq!(without_trades + usize::from(unfinished.count == 0), 216);
}
