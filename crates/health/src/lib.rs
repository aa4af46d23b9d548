//! The health agent's domain: is the service ready, how healthy is it, may it trade.
//!
//! - [`inputs`]: what is read before scoring (registry, serving, coverage, input times,
//!   drift checks, the supervisor's agent table).
//! - [`score`]: readiness checks, the weighted health score and GO / DEGRADED / NO-GO, as
//!   a pure function of the inputs.
//! - [`alerts`]: conditions and one-off events with a severity, de-duplicated.
//! - [`notify`]: the log, and the webhook with retries.
//! - [`daily`]: the daily report (written, read and rendered).
//! - [`error`]: the [`HealthError`] type.

pub mod alerts;
pub mod daily;
pub mod error;
pub mod inputs;
pub mod notify;
pub mod score;

pub use error::HealthError;
