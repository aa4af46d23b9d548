//! Public trades, one page at a time.

/// A page of up to 1,000 trades and the cursor for the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct TradesPage {
    pub pair: String,
    /// Oldest first.
    pub trades: Vec<Trade>,
    /// Kraken's `last`: nanoseconds since the epoch, to pass as `since` for the next page.
    /// More precise than any trade's `time`, so page with this, never with a trade time.
    pub last_ns: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    pub price: f64,
    pub volume: f64,
    /// Unix seconds with a fraction, exactly as sent (a JSON float, ~100 ns resolution).
    pub time: f64,
    /// The taker's side: whale flow is measured by who crossed the spread.
    pub side: Side,
    pub kind: OrderKind,
    /// Kraken's free-form flags; usually empty.
    pub misc: String,
    /// Kraken's trade id; absent in rows recorded before Kraken added it.
    pub id: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Market,
    Limit,
}
