//! Sliding-window median in O(log n) per update.
//!
//! Two ordered multisets split the window into a lower and an upper half (the lower half
//! holds the extra element when the count is odd), so the median is read from their edges.
//! Removing the element that leaves the window is an exact `BTreeMap` decrement, so unlike
//! two binary heaps no lazy-deletion bookkeeping is needed.

use std::collections::{BTreeMap, VecDeque};

/// Median of the last `capacity` values pushed. Values must be positive and finite (they are
/// trade notionals): their IEEE bit patterns then sort like the numbers, which gives an exact
/// total order without a float wrapper.
#[derive(Debug, Clone)]
pub struct RollingMedian {
    capacity: usize,
    window: VecDeque<u64>,
    low: BTreeMap<u64, u32>,
    high: BTreeMap<u64, u32>,
    low_len: usize,
    high_len: usize,
}

fn add(set: &mut BTreeMap<u64, u32>, key: u64) {
    *set.entry(key).or_insert(0) += 1;
}

fn take(set: &mut BTreeMap<u64, u32>, key: u64) {
    if let Some(n) = set.get_mut(&key) {
        *n -= 1;
        if *n == 0 {
            set.remove(&key);
        }
    }
}

impl RollingMedian {
    /// `capacity` of 0 is treated as 1: a window must hold something to have a median.
    pub fn new(capacity: usize) -> Self {
        RollingMedian {
            capacity: capacity.max(1),
            window: VecDeque::with_capacity(capacity.max(1)),
            low: BTreeMap::new(),
            high: BTreeMap::new(),
            low_len: 0,
            high_len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.window.len()
    }

    pub fn is_empty(&self) -> bool {
        self.window.is_empty()
    }

    /// The median of the window; `None` while empty. With an even count it is the mean of
    /// the two middle values.
    pub fn median(&self) -> Option<f64> {
        let lo = f64::from_bits(*self.low.last_key_value()?.0);
        if self.low_len > self.high_len {
            return Some(lo);
        }
        let hi = f64::from_bits(*self.high.first_key_value()?.0);
        Some((lo + hi) / 2.0)
    }

    /// Adds `value`, evicting the oldest value once the window is full. The caller
    /// guarantees `value` is positive and finite.
    pub fn push(&mut self, value: f64) {
        debug_assert!(value.is_finite() && value > 0.0);
        let key = value.to_bits();
        if self.window.len() == self.capacity
            && let Some(old) = self.window.pop_front()
        {
            self.remove(old);
        }
        self.window.push_back(key);
        match self.low.last_key_value() {
            Some((&top, _)) if key > top => {
                add(&mut self.high, key);
                self.high_len += 1;
            }
            _ => {
                add(&mut self.low, key);
                self.low_len += 1;
            }
        }
        self.rebalance();
    }

    /// Every upper-half value is >= the lower half's maximum, so a value <= that maximum
    /// that is in the window must be in the lower half.
    fn remove(&mut self, key: u64) {
        match self.low.last_key_value() {
            Some((&top, _)) if key <= top => {
                take(&mut self.low, key);
                self.low_len -= 1;
            }
            _ => {
                take(&mut self.high, key);
                self.high_len -= 1;
            }
        }
        self.rebalance();
    }

    fn rebalance(&mut self) {
        while self.low_len > self.high_len + 1 {
            let Some((&k, _)) = self.low.last_key_value() else {
                break;
            };
            take(&mut self.low, k);
            add(&mut self.high, k);
            self.low_len -= 1;
            self.high_len += 1;
        }
        while self.high_len > self.low_len {
            let Some((&k, _)) = self.high.first_key_value() else {
                break;
            };
            take(&mut self.high, k);
            add(&mut self.low, k);
            self.high_len -= 1;
            self.low_len += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(values: &[f64]) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    #[test]
    fn empty_window_has_no_median() {
        assert_eq!(RollingMedian::new(3).median(), None);
    }

    proptest! {
        /// Against a sort of the same window after every push, duplicates included (many
        /// real trades share a size, so ties are the common case, not the edge case).
        #[test]
        fn matches_a_sort_of_the_window(
            cap in 1usize..12,
            values in proptest::collection::vec(1u32..20, 1..200),
        ) {
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let mut m = RollingMedian::new(cap);
            for (i, &v) in values.iter().enumerate() {
                m.push(v);
                let from = (i + 1).saturating_sub(cap);
                prop_assert_eq!(m.len(), i + 1 - from);
                prop_assert_eq!(m.median(), Some(naive(&values[from..=i])));
            }
        }
    }
}
