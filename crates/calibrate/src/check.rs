//! Input validation shared by every module, so each refusal reads the same way.

use crate::CalibError;

pub(crate) fn non_empty(what: &'static str, len: usize) -> Result<(), CalibError> {
    if len == 0 {
        Err(CalibError::Empty { what })
    } else {
        Ok(())
    }
}

pub(crate) fn same_len(
    left: &'static str,
    left_len: usize,
    right: &'static str,
    right_len: usize,
) -> Result<(), CalibError> {
    if left_len == right_len {
        Ok(())
    } else {
        Err(CalibError::LengthMismatch {
            left,
            left_len,
            right,
            right_len,
        })
    }
}

pub(crate) fn finite(what: &'static str, xs: &[f64]) -> Result<(), CalibError> {
    match xs.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(CalibError::NotFinite {
            what,
            index,
            value: xs[index],
        }),
        None => Ok(()),
    }
}

/// Finite and within [0, 1].
pub(crate) fn probabilities(what: &'static str, ps: &[f64]) -> Result<(), CalibError> {
    finite(what, ps)?;
    match ps.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(index) => Err(CalibError::NotProbability {
            what,
            index,
            value: ps[index],
        }),
        None => Ok(()),
    }
}

/// Non-empty, equal length, valid probabilities: the shape every binary score needs.
pub(crate) fn scored(p: &[f64], outcomes: &[bool]) -> Result<(), CalibError> {
    non_empty("probabilities", p.len())?;
    same_len("probabilities", p.len(), "outcomes", outcomes.len())?;
    probabilities("probabilities", p)
}

/// Non-empty, equal length, all finite: predictions against realised values.
pub(crate) fn paired(
    left: &'static str,
    a: &[f64],
    right: &'static str,
    b: &[f64],
) -> Result<(), CalibError> {
    non_empty(left, a.len())?;
    same_len(left, a.len(), right, b.len())?;
    finite(left, a)?;
    finite(right, b)
}

/// A miscoverage or quantile level strictly inside (0, 1).
pub(crate) fn alpha(alpha: f64) -> Result<(), CalibError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(CalibError::BadAlpha(alpha))
    }
}

pub(crate) fn positive(
    name: &'static str,
    value: f64,
    want: &'static str,
) -> Result<(), CalibError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(CalibError::BadParameter { name, value, want })
    }
}

pub(crate) fn mean(xs: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = xs.len() as f64;
    xs.sum::<f64>() / n
}
