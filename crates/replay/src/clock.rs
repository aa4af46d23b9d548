//! Hours of the simulated clock (the clock itself is [`cst_clock::SimClock`]).

use cst_market::HOUR;

/// Open time of the hour containing `t`: the current, unfinished 1-hour candle.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(HOUR) * HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_round_down_also_before_1970() {
        assert_eq!(hour_of(1_704_070_799), 1_704_067_200);
        assert_eq!(hour_of(1_704_067_200), 1_704_067_200);
        assert_eq!(hour_of(-1), -3600);
    }
}
