use cst_trade::{
    Account,
    risk::{Entry, Exposure, Refusal, check_entry},
};

use crate::common::*;

fn entry(qty: f64, price: f64) -> Entry<'static> {
    Entry {
        client_id: "cst-1654819200-BTC/USDT-24h",
        pair: "BTC/USDT",
        t: JUNE_10,
        qty,
        price,
    }
}

#[test]
fn bad_sizes_are_refused_with_a_reason() {
    let c = config("");
    let acct = Account::new(10_000.0);
    let none = Exposure::default();
    // 0.03 BTC at 30,000 is 900: inside the 10% cap.
    assert_eq!(
        check_entry(&acct, &entry(0.03, 30_000.0), none, &c.risk),
        Ok(())
    );
    for (qty, price, needle) in [
        (f64::NAN, 30_000.0, "quantity NaN is not a positive number"),
        (-0.03, 30_000.0, "quantity -0.03 is not a positive number"),
        (0.0, 30_000.0, "quantity 0 is not a positive number"),
        (f64::INFINITY, 30_000.0, "quantity inf"),
        (0.03, f64::NAN, "price NaN is not a positive number"),
    ] {
        let r = check_entry(&acct, &entry(qty, price), none, &c.risk).unwrap_err();
        assert_eq!(r.kind(), "bad_size");
        assert!(r.to_string().contains(needle), "{r}");
    }
    // 0.04 BTC is 1,200: over the 1,000 per-coin cap.
    let r = check_entry(&acct, &entry(0.04, 30_000.0), none, &c.risk).unwrap_err();
    assert_eq!(
        r.to_string(),
        "per_coin: 1200.00 would exceed the cap 1000.00"
    );
    // Within the coin's cap, but the correlated coins already hold 2,000 of the 2,500.
    let cluster = Exposure {
        coin: 0.0,
        cluster: 2_000.0,
    };
    let r = check_entry(&acct, &entry(0.03, 30_000.0), cluster, &c.risk).unwrap_err();
    assert_eq!(r.kind(), "cluster");
}

#[test]
fn a_duplicate_client_order_id_is_a_no_op_and_halts_and_rate_limits_refuse() {
    let c = config("");
    let mut acct = Account::new(10_000.0);
    acct.order_ids
        .insert("cst-1654819200-BTC/USDT-24h".into(), JUNE_10);
    let before = acct.clone();
    let r = check_entry(&acct, &entry(0.03, 30_000.0), Exposure::default(), &c.risk).unwrap_err();
    assert_eq!(r, Refusal::Duplicate("cst-1654819200-BTC/USDT-24h".into()));
    assert_eq!(acct, before, "a refusal changes nothing");

    let mut acct = Account::new(10_000.0);
    acct.halted = Some("drawdown 10.3% reached the 10.00% limit".into());
    let r = check_entry(&acct, &entry(0.03, 30_000.0), Exposure::default(), &c.risk).unwrap_err();
    assert!(r.to_string().contains("`cst risk resume`"), "{r}");

    let mut acct = Account::new(10_000.0);
    acct.order_times
        .extend(std::iter::repeat_n(JUNE_10 - 60, 20));
    let r = check_entry(&acct, &entry(0.03, 30_000.0), Exposure::default(), &c.risk).unwrap_err();
    assert_eq!(r.to_string(), "20 orders in the last hour: the limit is 20");
    // An hour later the window is clear.
    let later = Entry {
        t: JUNE_10 + HOUR,
        ..entry(0.03, 30_000.0)
    };
    assert_eq!(
        check_entry(&acct, &later, Exposure::default(), &c.risk),
        Ok(())
    );
}
