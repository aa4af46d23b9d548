//! The agents that keep features current: technical (incremental, per candle), sentiment
//! (news in, scored, stored) and whale (hourly whale and book groups). Their binaries are a
//! screenful each; the work lives here so tests can drive it.

pub mod sentiment;
pub mod technical;
pub mod whale;

pub use sentiment::SentimentAgent;
pub use technical::TechnicalAgent;
pub use whale::WhaleAgent;

pub(crate) use cst_agent::counters;
