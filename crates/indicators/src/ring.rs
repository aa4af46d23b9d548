//! A fixed-size window over the most recent values of a series.
//!
//! The array lives inside the indicator (`N` is a compile-time period), so an engine is
//! one flat value: cloning it is a copy and updating it never touches the allocator.

/// The last `N` values pushed, oldest overwritten first.
#[derive(Debug, Clone)]
pub struct Ring<const N: usize> {
    buf: [f64; N],
    /// Slot the next push writes; once full it also holds the oldest value.
    next: usize,
    len: usize,
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Ring<N> {
    pub const fn new() -> Self {
        const { assert!(N >= 1, "a window holds at least one value") };
        Ring {
            buf: [0.0; N],
            next: 0,
            len: 0,
        }
    }

    /// Stores `x`; once the window is full, returns the value it pushed out.
    #[inline]
    pub fn push(&mut self, x: f64) -> Option<f64> {
        let old = self.buf[self.next];
        self.buf[self.next] = x;
        self.next = if self.next + 1 == N { 0 } else { self.next + 1 };
        if self.len == N {
            Some(old)
        } else {
            self.len += 1;
            None
        }
    }

    /// The value pushed `k` pushes ago: `ago(0)` is the newest. `k` must be below `len()`.
    #[inline]
    pub fn ago(&self, k: usize) -> f64 {
        debug_assert!(k < self.len, "ago({k}) on a window of {}", self.len);
        let i = self.next + N - 1 - k;
        self.buf[if i >= N { i - N } else { i }]
    }

    /// The oldest value still in the window (the next one a push will evict when full).
    #[inline]
    pub fn oldest(&self) -> f64 {
        self.ago(self.len - 1)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len == N
    }

    /// Values oldest first; the order TA-Lib sums a window in.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len).rev().map(move |k| self.ago(k))
    }

    pub fn clear(&mut self) {
        self.next = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_n_in_order_and_evicts_the_oldest() {
        let mut r = Ring::<3>::new();
        assert_eq!(r.push(1.0), None);
        assert_eq!(r.push(2.0), None);
        assert_eq!(r.push(3.0), None);
        assert!(r.is_full());
        assert_eq!(r.push(4.0), Some(1.0));
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![2.0, 3.0, 4.0]);
        assert_eq!((r.ago(0), r.ago(2), r.oldest()), (4.0, 2.0, 2.0));
        r.clear();
        assert!(r.is_empty());
        assert_eq!(r.push(9.0), None);
        assert_eq!(r.oldest(), 9.0);
    }
}
