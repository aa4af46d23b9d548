//! Wilder's true range, in TA-Lib's comparison order.

/// The largest of `high - low`, `|prev_close - high|` and `|prev_close - low|`, compared in
/// that order like TA-Lib (the order only matters for NaN, but costs nothing to keep).
#[inline]
pub fn true_range(high: f64, low: f64, prev_close: f64) -> f64 {
    let mut greatest = high - low;
    let to_high = (prev_close - high).abs();
    if to_high > greatest {
        greatest = to_high;
    }
    let to_low = (prev_close - low).abs();
    if to_low > greatest {
        greatest = to_low;
    }
    greatest
}

#[cfg(test)]
mod tests {
    use super::true_range;

    #[test]
    fn a_gap_counts_from_the_previous_close() {
        // BTC-USDT 2024-01-01 01:00 (binance-2024): inside the previous close, so high - low.
        assert_eq!(true_range(42775.0, 42431.65, 42475.23), 42775.0 - 42431.65);
        // A bar entirely above the previous close: the range reaches back to that close.
        assert_eq!(true_range(110.0, 105.0, 100.0), 10.0);
        assert_eq!(true_range(95.0, 90.0, 100.0), 10.0);
    }
}
