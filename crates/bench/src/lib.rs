//! Benchmark figures and the report of one `make bench` run.
//!
//! Every benchmark records what it measured as a [`Figure`]: our value, the baseline the
//! issue names measured beside it in the same run (plain `UnixStream`, TA-Lib, the Python
//! reference pipeline, vectorbt), the ratio and the bars. `deploy/bench.sh` runs every
//! benchmark as one step, collects the figures, and `bench-report` writes
//! `bench/report.json` and `bench/report.md` from them.
//!
//! - [`figure`]: one measured [`Figure`] and how it is recorded.
//! - [`report`]: one run's steps and figures as a report, with its verdict.

pub mod figure;
pub mod report;

pub use figure::Figure;
pub use report::{Meta, Report, StepRun};
