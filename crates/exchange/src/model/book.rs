//! The top of the market (ticker) and the order book (depth).

/// A 24-hour summary plus best bid/ask; "today" is since 00:00 UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticker {
    pub pair: String,
    pub ask: f64,
    /// Volume at the best ask (the "lot volume"; the whole-lot figure is dropped).
    pub ask_volume: f64,
    pub bid: f64,
    pub bid_volume: f64,
    /// Price of the last trade.
    pub last: f64,
    pub last_volume: f64,
    pub volume_today: f64,
    pub volume_24h: f64,
    pub vwap_today: f64,
    pub vwap_24h: f64,
    pub trades_today: u64,
    pub trades_24h: u64,
    pub low_today: f64,
    pub low_24h: f64,
    pub high_today: f64,
    pub high_24h: f64,
    /// Opening price today.
    pub open_today: f64,
}

/// A depth snapshot: asks ascending, bids descending, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBook {
    pub pair: String,
    pub asks: Vec<BookLevel>,
    pub bids: Vec<BookLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookLevel {
    pub price: f64,
    pub volume: f64,
    /// Unix seconds of the level's last change; old levels in a live book are a staleness hint.
    pub time: i64,
}
