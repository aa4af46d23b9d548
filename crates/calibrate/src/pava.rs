//! Pool-adjacent-violators: the least-squares non-decreasing fit to a sequence, in one pass.
//!
//! Walking left to right, each new point starts a block; while the block before it has a
//! mean at or above the new one the two are pooled (weighted mean). The result is a run of
//! blocks with strictly increasing means, which is exactly the weighted isotonic fit.
//! Pooling on equal means too keeps the blocks, and so the stored thresholds, minimal.

/// A run of consecutive points sharing one fitted value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Block {
    /// Index of the first point in the block.
    pub start: usize,
    /// Index one past the last point.
    pub end: usize,
    sum_wy: f64,
    sum_w: f64,
}

impl Block {
    pub fn value(&self) -> f64 {
        self.sum_wy / self.sum_w
    }
}

/// Blocks over `y` (already ordered by x), weights strictly positive.
pub(crate) fn pava(y: &[f64], w: &[f64]) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::with_capacity(y.len());
    for (i, (&yi, &wi)) in y.iter().zip(w).enumerate() {
        let mut cur = Block {
            start: i,
            end: i + 1,
            sum_wy: wi * yi,
            sum_w: wi,
        };
        while let Some(prev) = blocks.last().filter(|b| b.value() >= cur.value()) {
            cur = Block {
                start: prev.start,
                end: cur.end,
                sum_wy: prev.sum_wy + cur.sum_wy,
                sum_w: prev.sum_w + cur.sum_w,
            };
            blocks.pop();
        }
        blocks.push(cur);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fitted(y: &[f64]) -> Vec<f64> {
        let w = vec![1.0; y.len()];
        let mut out = vec![0.0; y.len()];
        for b in pava(y, &w) {
            out[b.start..b.end].fill(b.value());
        }
        out
    }

    #[test]
    fn pools_violators_into_their_mean() {
        assert_eq!(fitted(&[1.0, 3.0, 2.0, 4.0]), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(fitted(&[3.0, 2.0, 1.0]), [2.0, 2.0, 2.0]);
        assert_eq!(fitted(&[1.0, 1.0, 2.0]), [1.0, 1.0, 2.0]);
    }

    #[test]
    fn equal_neighbours_share_one_block() {
        let w = [1.0; 3];
        assert_eq!(pava(&[1.0, 1.0, 2.0], &w).len(), 2);
    }
}
