//! Tradeable pairs, and the ones left out with the reason (never silently dropped).

/// A pair the service may watch: online, not a dark pool, quoted in a requested currency.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetPair {
    /// Kraken's internal name (`XXBTZUSD`): the result key of every per-pair endpoint, so
    /// it ties a ticker, book, trade or candle back to this pair.
    pub key: String,
    /// The short request name (`XBTUSD`).
    pub altname: String,
    /// `BASE/QUOTE` as the exchange's WebSocket names it (`XBT/USD`).
    pub wsname: String,
    /// From `wsname`, without Kraken's legacy X/Z prefixes (`XBT`).
    pub base: String,
    /// From `wsname` (`USD`, not `ZUSD`).
    pub quote: String,
    /// `currency`, or `tokenized_asset` for tokenised equities (`AAPLx/USD`), which are not
    /// crypto and trade on a different schedule.
    pub asset_class: String,
    /// Decimal places of a price.
    pub pair_decimals: u32,
    /// Decimal places of a volume.
    pub lot_decimals: u32,
    pub cost_decimals: Option<u32>,
    /// Smallest order volume, in the base asset.
    pub ordermin: Option<f64>,
    /// Smallest order cost, in the quote asset.
    pub costmin: Option<f64>,
    pub tick_size: Option<f64>,
    /// Taker fee of the first volume tier, in percent (`fees` in AssetPairs).
    pub taker_fee_pct: Option<f64>,
}

/// The answer to "which pairs quoted in these currencies can we watch".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetPairs {
    /// Sorted by `key`.
    pub pairs: Vec<AssetPair>,
    /// Pairs in a requested quote that were left out, so coverage reports can say why;
    /// also entries too malformed to tell their quote. Sorted by `key`.
    pub skipped: Vec<SkippedPair>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedPair {
    pub key: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Status other than `online` (`cancel_only`, `post_only`, `limit_only`, `reduce_only`,
    /// `delisted`, or missing): its market data is not representative.
    Status(String),
    /// A `.d` dark-pool pair: no public book or trades.
    DarkPool,
    /// No `wsname`, so its base and quote cannot be named reliably.
    NoWsname,
    /// A field had the wrong type or an unusable number.
    Malformed(String),
}
