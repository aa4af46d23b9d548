//! Candles from the REST API: the closed ones, and the still-moving one kept apart.

/// One page of candles. The last row Kraken sends is the current, unfinished candle; it is
/// split off so no caller can store it as final.
#[derive(Debug, Clone, PartialEq)]
pub struct OhlcPage {
    pub pair: String,
    /// Oldest first; at most 720 (older history is not reachable over REST).
    pub closed: Vec<OhlcRow>,
    /// The candle still forming; its values will change.
    pub unfinished: Option<OhlcRow>,
    /// Kraken's `last` (Unix seconds): the open time of the newest committed candle, to pass
    /// as `since` on the next poll.
    pub last: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OhlcRow {
    /// Open time, Unix seconds.
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// Volume-weighted price; `None` when the candle had no trades (Kraken sends `"0.0"`,
    /// which is not a price).
    pub vwap: Option<f64>,
    /// In the base asset.
    pub volume: f64,
    /// Number of trades.
    pub count: u64,
}
