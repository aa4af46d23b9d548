//! Triple-barrier labels: the four textbook cases, and consistency on real candles.

use cst_calibrate::{Bar, Barriers, Touch, triple_barrier};

use crate::helper::candles;

fn bar(high: f64, low: f64, close: f64) -> Bar {
    Bar { high, low, close }
}

/// ±10%: upper at 110.517, lower at 90.484 from an entry of 100.
const B: Barriers = Barriers { up: 0.1, down: 0.1 };

#[test]
fn upper_first_is_a_success() {
    let path = [
        bar(101.0, 99.0, 100.0),
        bar(111.0, 100.0, 110.0),
        bar(112.0, 80.0, 85.0),
    ];
    let out = triple_barrier(100.0, &path, B).unwrap();
    assert_eq!((out.label, out.touch, out.bar), (true, Touch::Upper, 1));
    assert_eq!(out.log_return, 0.1);
}

#[test]
fn lower_first_is_a_failure_even_if_the_upper_comes_later() {
    let path = [bar(101.0, 90.0, 91.0), bar(120.0, 95.0, 119.0)];
    let out = triple_barrier(100.0, &path, B).unwrap();
    assert_eq!((out.label, out.touch, out.bar), (false, Touch::Lower, 0));
    assert_eq!(out.log_return, -0.1);
}

#[test]
fn both_in_one_bar_counts_as_the_lower() {
    let path = [bar(100.5, 99.5, 100.0), bar(115.0, 85.0, 112.0)];
    let out = triple_barrier(100.0, &path, B).unwrap();
    assert_eq!((out.label, out.touch, out.bar), (false, Touch::Lower, 1));
}

#[test]
fn no_touch_ends_at_the_vertical_barrier_with_label_zero() {
    let path = [bar(105.0, 95.0, 104.0), bar(110.0, 91.0, 108.0)];
    let out = triple_barrier(100.0, &path, B).unwrap();
    assert_eq!((out.label, out.touch, out.bar), (false, Touch::Vertical, 1));
    assert!((out.log_return - 1.08f64.ln()).abs() < 1e-15);
}

#[test]
fn touching_exactly_at_the_barrier_counts() {
    let upper = 100.0 * 0.1f64.exp();
    let out = triple_barrier(100.0, &[bar(upper, 99.0, 100.0)], B).unwrap();
    assert_eq!(out.touch, Touch::Upper);
}

/// Every 24th real hour, 24-bar horizon, barriers at ±1.5% : each outcome must agree with
/// a direct scan of the candles, and all three kinds must occur.
#[test]
fn real_candles_label_consistently() {
    let c = candles();
    let b = Barriers {
        up: 0.015,
        down: 0.015,
    };
    let mut counts = [0usize; 3];
    for t in (0..c.len() - 24).step_by(24) {
        let entry = c[t].close;
        let path: Vec<Bar> = c[t + 1..=t + 24]
            .iter()
            .map(|k| bar(k.high, k.low, k.close))
            .collect();
        let out = triple_barrier(entry, &path, b).unwrap();
        let (up, down) = (entry * b.up.exp(), entry * (-b.down).exp());
        for k in &path[..out.bar] {
            assert!(
                k.high < up && k.low > down,
                "a barrier was touched before bar {}",
                out.bar
            );
        }
        let end = &path[out.bar];
        match out.touch {
            Touch::Upper => assert!(end.high >= up && end.low > down),
            Touch::Lower => assert!(end.low <= down),
            Touch::Vertical => assert!(out.bar == 23 && end.high < up && end.low > down),
        }
        counts[out.touch as usize] += 1;
    }
    eprintln!(
        "real BTC 24h ±1.5% barriers: upper {}, lower {}, vertical {}",
        counts[0], counts[1], counts[2]
    );
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
}
