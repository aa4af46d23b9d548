//! The operations of the exchange clients: public market data and the private order calls.
//! Each has its own breaker.

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
    AddOrder,
    QueryOrders,
    OpenOrders,
    ClosedOrders,
    CancelOrder,
    Balance,
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
            Self::AddOrder => "AddOrder",
            Self::QueryOrders => "QueryOrders",
            Self::OpenOrders => "OpenOrders",
            Self::ClosedOrders => "ClosedOrders",
            Self::CancelOrder => "CancelOrder",
            Self::Balance => "Balance",
        }
    }

    /// Signed calls under `/0/private/`.
    pub const fn is_private(self) -> bool {
        matches!(
            self,
            Self::AddOrder
                | Self::QueryOrders
                | Self::OpenOrders
                | Self::ClosedOrders
                | Self::CancelOrder
                | Self::Balance
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
