//! Feature groups: each comes from one source (candles, news, trades, order books) and is
//! present or missing at a time as a whole.

use std::fmt;

use cst_indicators::TECHNICAL_FEATURES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Technical,
    Cross,
    Sentiment,
    Whale,
    Book,
}

/// News per coin: the last hour's mean lexicon score and item count, the last day's count,
/// the exponentially decayed score, and the decayed LLM event score (NaN when no item in
/// the window was LLM-scored: missing, not neutral).
pub const SENTIMENT_FEATURES: [&str; 5] = [
    "sent_mean_1h",
    "sent_count_1h",
    "sent_count_24h",
    "sent_decayed",
    "sent_llm_decayed",
];

/// The pair against every pair of the exchange with a complete technical row at t (the
/// hour's universe; exact definitions in the builder's `cross` module): percentile ranks of
/// its log returns over 1 h to 28 d; distance to the 7-day high and low; 24 h dollar volume
/// against its 30-day mean (volume shock) and times the 24 h return; Amihud illiquidity;
/// log 24 h dollar volume; the equal-weighted universe's and BTC's returns over 1 h, 24 h
/// and 7 d; the dispersion of 24 h returns; the pair's 7-day beta to the universe and its
/// 24 h return net of it.
pub const CROSS_FEATURES: [&str; 22] = [
    "xs_rank_1h",
    "xs_rank_4h",
    "xs_rank_24h",
    "xs_rank_3d",
    "xs_rank_7d",
    "xs_rank_14d",
    "xs_rank_28d",
    "xs_high_7d",
    "xs_low_7d",
    "xs_volume_shock",
    "xs_volume_shock_ret",
    "xs_amihud",
    "xs_log_dollar_volume",
    "mkt_ret_1h",
    "mkt_ret_24h",
    "mkt_ret_7d",
    "btc_ret_1h",
    "btc_ret_24h",
    "btc_ret_7d",
    "mkt_dispersion_24h",
    "xs_beta_7d",
    "xs_residual_24h",
];

/// Features that are NaN by definition at some times, not because data is missing: the mean
/// score of an hour without news, the LLM score where no LLM is configured; a 14- or 28-day
/// rank of a pair younger than that (or with a hole at the window's start); BTC's returns
/// where no BTC pair is in the hour's universe; volume figures of a pair that traded
/// nothing; a beta (and the return net of it) without 24 hours of moves to fit. Training checks allow NaN in these and
/// nowhere else in a required group.
pub const MAY_BE_UNDEFINED: [&str; 13] = [
    "sent_mean_1h",
    "sent_llm_decayed",
    "xs_rank_14d",
    "xs_rank_28d",
    "xs_volume_shock",
    "xs_volume_shock_ret",
    "xs_amihud",
    "xs_log_dollar_volume",
    "btc_ret_1h",
    "btc_ret_24h",
    "btc_ret_7d",
    "xs_beta_7d",
    "xs_residual_24h",
];

/// Large trades in the last hour (count, net flow and share of notional, both scale-free)
/// and the last day's net whale flow.
pub const WHALE_FEATURES: [&str; 5] = [
    "whale_count_1h",
    "whale_net_flow_1h",
    "whale_share_1h",
    "whale_net_flow_24h",
    "trades_1h",
];

/// The newest book before t: top-N imbalance and spread; spoofing candidates in the last
/// hour per side.
pub const BOOK_FEATURES: [&str; 4] = [
    "book_imbalance",
    "book_spread_bps",
    "spoof_bids_1h",
    "spoof_asks_1h",
];

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Technical,
        Group::Cross,
        Group::Sentiment,
        Group::Whale,
        Group::Book,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Technical => "technical",
            Group::Cross => "cross",
            Group::Sentiment => "sentiment",
            Group::Whale => "whale",
            Group::Book => "book",
        }
    }

    pub fn parse(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == name)
    }

    pub fn features(self) -> &'static [&'static str] {
        match self {
            Group::Technical => &TECHNICAL_FEATURES,
            Group::Cross => &CROSS_FEATURES,
            Group::Sentiment => &SENTIMENT_FEATURES,
            Group::Whale => &WHALE_FEATURES,
            Group::Book => &BOOK_FEATURES,
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
