//! The spoofing heuristic on the one real XBTUSDT snapshot.
//!
//! Derived fixtures: snapshot A is the real capture; snapshot B is A, 60 s later, with one
//! real level removed. Trades "between" them are real XBTUSDT trades (real price, volume,
//! side, id) re-timed into the gap, because the capture's trades end 3.5 minutes before
//! the depth snapshot. No price or size is invented.
//!
//! With the config below (top 10, 3 × median, $5,000) the only large level is the bid
//! 0.095 BTC at 105,918.8 (bid median 0.016; ~$10,062). The asks' median is 0.095, so the
//! biggest ask, 0.136, is not large relative to its side.

use cst_market::{BookLevel, Trade};
use cst_whale::{Book, Side, SpoofConfig, WhaleError, hourly_spoofing, spoof_candidates};

use crate::helper::{xbtusdt, xbtusdt_depth};

const LARGE_BID: f64 = 105_918.8;

fn cfg() -> SpoofConfig {
    SpoofConfig {
        top_n: 10,
        size_multiple: 3.0,
        usd_floor: 5_000.0,
        max_gap_secs: 300,
    }
}

/// (A, B) with the level at `price` on `side` removed from B.
fn pair_without(side: Side, price: f64) -> (Book, Book) {
    let (at, bids, asks) = xbtusdt_depth();
    let a = Book::new(at, bids.clone(), asks.clone()).unwrap();
    let drop = |levels: &[BookLevel]| {
        levels
            .iter()
            .copied()
            .filter(|l| l.price != price)
            .collect::<Vec<_>>()
    };
    let (b_bids, b_asks) = match side {
        Side::Bid => (drop(&bids), asks),
        Side::Ask => (bids, drop(&asks)),
    };
    assert_ne!(
        (b_bids.len(), b_asks.len()),
        (5, 5),
        "the level exists in the capture"
    );
    (a.clone(), Book::new(at + 60, b_bids, b_asks).unwrap())
}

/// The last real trade of the capture at or beyond `price` in the given direction,
/// re-timed to 30 s after A.
fn real_trade_moved_between(a: &Book, pred: impl Fn(&Trade) -> bool) -> Trade {
    let t = xbtusdt().into_iter().rev().find(|t| pred(t)).unwrap();
    Trade {
        time_ns: (a.at() + 30) * 1_000_000_000,
        ..t
    }
}

#[test]
fn a_large_bid_gone_without_trades_is_a_candidate() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    let found = spoof_candidates(&a, &b, &[], 1.0, &cfg()).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let c = found[0];
    assert_eq!(
        (c.side, c.level, c.price, c.volume),
        (Side::Bid, 2, LARGE_BID, 0.095)
    );
    assert_eq!((c.seen_at, c.gone_at), (a.at(), b.at()));
    assert!((c.notional_usd - LARGE_BID * 0.095).abs() < 1e-9);
}

#[test]
fn a_large_bid_gone_after_a_sell_through_its_price_was_filled_not_spoofed() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    // The capture's last trade: a sell at 105,899.4, below the bid, so it went through it.
    let sell = real_trade_moved_between(&a, |t| !t.taker_buy && t.price <= LARGE_BID);
    assert_eq!(sell.price, 105_899.4);
    assert!(
        spoof_candidates(&a, &b, &[sell], 1.0, &cfg())
            .unwrap()
            .is_empty()
    );
    // The same trade before A does not explain a disappearance after A.
    let earlier = Trade {
        time_ns: (a.at() - 1) * 1_000_000_000,
        ..sell
    };
    assert_eq!(
        spoof_candidates(&a, &b, &[earlier], 1.0, &cfg())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_trade_above_the_bid_does_not_explain_it_away() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    let above = real_trade_moved_between(&a, |t| t.price > LARGE_BID);
    assert_eq!(
        spoof_candidates(&a, &b, &[above], 1.0, &cfg())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn small_levels_gone_are_not_candidates() {
    // The 0.002 BTC best bid (~$212), and the biggest ask (0.136): big in BTC, but not
    // 3 × its side's median of 0.095.
    for (side, price) in [(Side::Bid, 105_944.2), (Side::Ask, 105_944.3)] {
        let (a, b) = pair_without(side, price);
        assert!(
            spoof_candidates(&a, &b, &[], 1.0, &cfg())
                .unwrap()
                .is_empty(),
            "{side} {price}"
        );
    }
    // Unchanged book: nothing gone.
    let (a, _) = pair_without(Side::Bid, LARGE_BID);
    let same = Book::new(a.at() + 60, a.bids().to_vec(), a.asks().to_vec()).unwrap();
    assert!(
        spoof_candidates(&a, &same, &[], 1.0, &cfg())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_usd_floor_applies_at_the_callers_rate() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    let strict = SpoofConfig {
        usd_floor: 20_000.0,
        ..cfg()
    };
    assert!(
        spoof_candidates(&a, &b, &[], 1.0, &strict)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        spoof_candidates(&a, &b, &[], 2.0, &strict).unwrap().len(),
        1
    );
}

#[test]
fn a_level_beyond_what_b_shows_is_not_called_gone() {
    // Derived: B shows only its two best bids, so 105,918.8 is outside its view.
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    let shallow = Book::new(b.at(), b.bids()[..2].to_vec(), b.asks().to_vec()).unwrap();
    assert!(
        spoof_candidates(&a, &shallow, &[], 1.0, &cfg())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn hourly_counts_by_side_and_skips_long_gaps() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    let hour = b.at() / 3600 * 3600;
    let h = hourly_spoofing(&[a.clone(), b.clone()], &[], hour, 1.0, &cfg()).unwrap();
    assert_eq!(
        (h.bid_count, h.ask_count, h.pairs_checked, h.pairs_skipped),
        (1, 0, 1, 0)
    );
    assert!((h.bid_notional_usd - LARGE_BID * 0.095).abs() < 1e-9 && h.ask_notional_usd == 0.0);
    assert_eq!(h.hour_end, hour + 3600);

    // The next hour saw no pair: nothing observed, which pairs_checked = 0 says.
    let next = hourly_spoofing(&[a.clone(), b.clone()], &[], hour + 3600, 1.0, &cfg()).unwrap();
    assert_eq!((next.pairs_checked, next.bid_count), (0, 0));

    // B taken 10 minutes after A: too long to call a vanished order a cancel.
    let late = Book::new(a.at() + 600, b.bids().to_vec(), b.asks().to_vec()).unwrap();
    let h = hourly_spoofing(
        &[a, late.clone()],
        &[],
        late.at() / 3600 * 3600,
        1.0,
        &cfg(),
    )
    .unwrap();
    assert_eq!((h.bid_count, h.pairs_checked, h.pairs_skipped), (0, 0, 1));
}

#[test]
fn snapshots_out_of_order_are_refused() {
    let (a, b) = pair_without(Side::Bid, LARGE_BID);
    assert!(matches!(
        spoof_candidates(&b, &a, &[], 1.0, &cfg()),
        Err(WhaleError::SnapshotsUnordered { .. })
    ));
    assert!(matches!(
        hourly_spoofing(&[b, a], &[], 0, 1.0, &cfg()),
        Err(WhaleError::SnapshotsUnordered { index: 1, .. })
    ));
}
