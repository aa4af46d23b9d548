//! Every way input can be refused. Messages are lowercase, name the culprit and say what to
//! fix: a calibrator that silently skipped a NaN would report a confidence nobody earned.

/// Everything this crate refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibError {
    #[error("{what} is empty; pass at least one row")]
    Empty { what: &'static str },
    #[error("{left} has {left_len} values but {right} has {right_len}; pass one value per row")]
    LengthMismatch {
        left: &'static str,
        left_len: usize,
        right: &'static str,
        right_len: usize,
    },
    #[error("{what}[{index}] = {value} is not a finite number; drop or fill that row")]
    NotFinite {
        what: &'static str,
        index: usize,
        value: f64,
    },
    #[error("{what}[{index}] = {value} is outside [0, 1]; pass probabilities")]
    NotProbability {
        what: &'static str,
        index: usize,
        value: f64,
    },
    #[error("{what}[{index}] = {value} is negative; weights must be >= 0")]
    NegativeWeight {
        what: &'static str,
        index: usize,
        value: f64,
    },
    #[error("every weight is zero; at least one row must count")]
    ZeroWeights,
    #[error("alpha = {0} is outside (0, 1); pass e.g. 0.2 for an 80% interval")]
    BadAlpha(f64),
    #[error(
        "{n} calibration rows are too few for alpha = {alpha}: the conformal rank \
         ceil((n+1)(1-alpha)) = {rank} exceeds n; add rows or raise alpha"
    )]
    TooFewCalibrationRows { n: usize, alpha: f64, rank: usize },
    #[error("every outcome is {class}; {what} needs both classes")]
    OneClass { what: &'static str, class: bool },
    #[error("{name} = {value}: {want}")]
    BadParameter {
        name: &'static str,
        value: f64,
        want: &'static str,
    },
    #[error("interval {index} has lo {lo} > hi {hi}; the quantile predictions cross")]
    CrossedInterval { index: usize, lo: f64, hi: f64 },
    #[error(
        "row {row} has {got} features but {want} are expected; pass the same columns as in fit"
    )]
    FeatureCount { row: usize, got: usize, want: usize },
    #[error(
        "the Newton system is singular: a feature is constant or collinear with others; \
         drop it or raise the ridge"
    )]
    Singular,
    #[error(
        "logistic fit did not converge in {iterations} Newton steps (last step {step:e}); \
         raise the ridge or check for features that separate the classes"
    )]
    NoConvergence { iterations: usize, step: f64 },
    #[error("bar {index}: {reason}")]
    BadBar { index: usize, reason: &'static str },
    #[error("stored calibrator is invalid: {0}")]
    BadModel(&'static str),
}
