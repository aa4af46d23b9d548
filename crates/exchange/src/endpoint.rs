//! The market-data operations every exchange client offers; each has its own breaker.

use std::fmt;

/// Names the operation in errors and logs, and keys the per-endpoint circuit breakers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Time,
    SystemStatus,
    AssetPairs,
    Ticker,
    Depth,
    Trades,
    Ohlc,
}

impl Endpoint {
    /// The name as Kraken spells it, which is also its public REST path segment.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Time => "Time",
            Self::SystemStatus => "SystemStatus",
            Self::AssetPairs => "AssetPairs",
            Self::Ticker => "Ticker",
            Self::Depth => "Depth",
            Self::Trades => "Trades",
            Self::Ohlc => "OHLC",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
