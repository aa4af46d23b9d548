//! Top-of-book figures on the real XBTUSDT depth snapshot (5 levels a side).

use cst_market::BookLevel;
use cst_whale::{Book, BookError, Side, WhaleError};

use crate::helper::{xbtusdt_book, xbtusdt_depth};

#[test]
fn imbalance_of_the_real_book_is_its_hand_summed_top_levels() {
    let stats = xbtusdt_book().stats(10).unwrap();
    // Hand sums of the capture: bids 0.002+0.024+0.095+0.016+0.005,
    // asks 0.136+0.095+0.003+0.103+0.024.
    let (bid, ask) = (0.142, 0.361);
    assert_eq!(
        (stats.bid_levels, stats.ask_levels),
        (5, 5),
        "top 10 of a 5-level book is 5"
    );
    assert!((stats.bid_volume - bid).abs() < 1e-12 && (stats.ask_volume - ask).abs() < 1e-12);
    assert!((stats.imbalance - (bid - ask) / (bid + ask)).abs() < 1e-12);
    assert!(
        stats.imbalance < -0.43 && stats.imbalance > -0.44,
        "asks heavier: {}",
        stats.imbalance
    );
    // Best bid 105944.2, best ask 105944.3: a one-tick spread.
    assert_eq!(stats.mid, 105_944.25);
    assert!((stats.spread_bps - 0.1 / 105_944.25 * 1e4).abs() < 1e-9);
    assert!(
        (stats.bid_notional
            - (105_944.2 * 0.002
                + 105_935.4 * 0.024
                + 105_918.8 * 0.095
                + 105_916.8 * 0.016
                + 105_916.7 * 0.005))
            .abs()
            < 1e-6
    );

    let top3 = xbtusdt_book().stats(3).unwrap();
    let (bid, ask) = (0.002 + 0.024 + 0.095, 0.136 + 0.095 + 0.003);
    assert_eq!((top3.bid_levels, top3.ask_levels), (3, 3));
    assert!((top3.imbalance - (bid - ask) / (bid + ask)).abs() < 1e-12);
}

#[test]
fn top_n_of_zero_is_a_config_error() {
    assert!(matches!(
        xbtusdt_book().stats(0),
        Err(WhaleError::Config(_))
    ));
}

#[test]
fn a_crossed_book_is_refused() {
    // Derived: the real book with its best bid moved one tick above the best ask.
    let (at, mut bids, asks) = xbtusdt_depth();
    bids[0].price = 105_944.4;
    assert_eq!(
        Book::new(at, bids.clone(), asks.clone()),
        Err(BookError::Crossed {
            bid: 105_944.4,
            ask: 105_944.3
        })
    );
    // Locked (bid == ask) is refused too.
    bids[0].price = 105_944.3;
    assert!(matches!(
        Book::new(at, bids, asks),
        Err(BookError::Crossed { .. })
    ));
}

#[test]
fn an_empty_side_is_refused() {
    let (at, bids, asks) = xbtusdt_depth();
    assert_eq!(
        Book::new(at, bids.clone(), vec![]),
        Err(BookError::Empty(Side::Ask))
    );
    assert_eq!(
        Book::new(at, vec![], asks),
        Err(BookError::Empty(Side::Bid))
    );
}

#[test]
fn bad_or_unordered_levels_are_refused_with_their_position() {
    let (at, bids, asks) = xbtusdt_depth();
    let mut swapped = bids.clone();
    swapped.swap(1, 2);
    assert!(matches!(
        Book::new(at, swapped, asks.clone()),
        Err(BookError::Unordered {
            side: Side::Bid,
            index: 2,
            ..
        })
    ));
    let mut nan = asks.clone();
    nan[3] = BookLevel {
        price: nan[3].price,
        volume: f64::NAN,
    };
    assert!(matches!(
        Book::new(at, bids.clone(), nan),
        Err(BookError::BadLevel {
            side: Side::Ask,
            index: 3,
            ..
        })
    ));
    let mut negative = bids.clone();
    negative[4].price = -negative[4].price;
    assert!(matches!(
        Book::new(at, negative, asks),
        Err(BookError::BadLevel {
            side: Side::Bid,
            index: 4,
            ..
        })
    ));
}
