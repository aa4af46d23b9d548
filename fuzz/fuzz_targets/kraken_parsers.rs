//! Arbitrary bytes as a Kraken REST response body, through every decoder of
//! `cst_exchange::kraken::decode` (public: Time, SystemStatus, AssetPairs, Ticker, Depth,
//! Trades, OHLC; private: AddOrder, QueryOrders / OpenOrders / ClosedOrders, CancelOrder,
//! Balance). Each must return a value or an `ExchangeError`, never panic; values and errors
//! are formatted as logs would. OHLC's split of the page around `last` is checked too.
#![no_main]

use std::fmt::Debug;

use cst_exchange::{Endpoint, ExchangeError, kraken::decode};
use libfuzzer_sys::fuzz_target;

/// As the collector asks: `XBTUSD`, answered under Kraken's key (`XXBTZUSD`).
const PAIR: &str = "XBTUSD";
const QUOTES: [&str; 3] = ["USD", "USDT", "EUR"];

fuzz_target!(|body: &[u8]| {
    shown(decode::server_time(body));
    shown(decode::system_status(body));
    shown(decode::asset_pairs(body, &QUOTES));
    shown(decode::ticker(body, PAIR));
    shown(decode::depth(body, PAIR));
    shown(decode::trades(body, PAIR));
    if let Some(page) = shown(decode::ohlc(body, PAIR)) {
        assert!(
            page.closed.iter().all(|c| c.time <= page.last),
            "closed after last"
        );
        assert!(
            page.unfinished.is_none_or(|c| c.time > page.last),
            "unfinished before last"
        );
    }
    shown(decode::add_order(body));
    for endpoint in [
        Endpoint::QueryOrders,
        Endpoint::OpenOrders,
        Endpoint::ClosedOrders,
    ] {
        shown(decode::orders(endpoint, body));
    }
    shown(decode::cancel(body));
    shown(decode::balance(body));
});

/// Formats the outcome (as a log line or `cst` would) and hands back the value.
fn shown<T: Debug>(result: Result<T, ExchangeError>) -> Option<T> {
    match result {
        Ok(value) => {
            std::hint::black_box(format!("{value:?}"));
            Some(value)
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
            None
        }
    }
}
