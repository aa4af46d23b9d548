//! The daily cost cap: spend is summed per UTC day of the caller's clock, and once a day's
//! spend reaches the cap no request goes out until that clock enters the next UTC day.

use std::collections::BTreeMap;

use crate::error::LlmError;

use cst_market::DAY;
/// Days of spend remembered, so a clock stepping back (a restarted replay) still finds
/// the day it returns to.
const KEEP_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq)]
pub struct DailyBudget {
    cap_usd: f64,
    /// Spend by UTC day number (Unix seconds / 86 400).
    spent: BTreeMap<i64, f64>,
}

impl DailyBudget {
    pub fn new(cap_usd: f64) -> Self {
        Self {
            cap_usd,
            spent: BTreeMap::new(),
        }
    }

    /// `Err(CostCapReached)` once the spend of `now`'s UTC day has reached the cap.
    pub fn check(&self, now: i64) -> Result<(), LlmError> {
        let spent = self.spent_on(now);
        if spent >= self.cap_usd {
            return Err(LlmError::CostCapReached {
                day: now.div_euclid(DAY),
                spent_usd: spent,
                cap_usd: self.cap_usd,
            });
        }
        Ok(())
    }

    /// Adds a call's cost to `now`'s UTC day; non-finite or negative amounts are ignored.
    pub fn charge(&mut self, now: i64, usd: f64) {
        if !(usd.is_finite() && usd > 0.0) {
            return;
        }
        let day = now.div_euclid(DAY);
        *self.spent.entry(day).or_default() += usd;
        let newest = self.spent.last_key_value().map_or(day, |(d, _)| *d);
        self.spent.retain(|d, _| *d > newest - KEEP_DAYS);
    }

    pub fn spent_on(&self, now: i64) -> f64 {
        self.spent.get(&now.div_euclid(DAY)).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY1: i64 = 19_000 * DAY;

    #[test]
    fn the_cap_holds_for_the_rest_of_the_utc_day_and_resets_after() {
        let mut budget = DailyBudget::new(0.01);
        assert!(budget.check(DAY1).is_ok());
        budget.charge(DAY1 + 10, 0.006);
        assert!(budget.check(DAY1 + 20).is_ok(), "below the cap");
        budget.charge(DAY1 + 30, 0.004);
        let err = budget.check(DAY1 + DAY - 1).unwrap_err();
        assert!(
            matches!(err, LlmError::CostCapReached { day: 19_000, .. }),
            "{err}"
        );
        assert!(budget.check(DAY1 + DAY).is_ok(), "next UTC day");
        assert_eq!(budget.spent_on(DAY1 + DAY), 0.0);
        budget.charge(DAY1 + DAY, 0.001);
        assert!(
            budget.check(DAY1 + 40).is_err(),
            "stepping back finds the capped day"
        );
    }

    #[test]
    fn a_zero_cap_refuses_everything_and_bad_charges_are_ignored() {
        assert!(DailyBudget::new(0.0).check(DAY1).is_err());
        let mut budget = DailyBudget::new(1.0);
        budget.charge(DAY1, f64::NAN);
        budget.charge(DAY1, -5.0);
        assert_eq!(budget.spent_on(DAY1), 0.0);
    }
}
