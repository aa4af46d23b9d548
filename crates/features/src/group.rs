//! Feature groups: each comes from one source (candles, news, trades, order books) and is
//! present or missing at a time as a whole.

use std::fmt;

use cst_indicators::TECHNICAL_FEATURES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Technical,
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

/// Features that are NaN by definition at some times, not because data is missing: the mean
/// score of an hour without news, the LLM score where no LLM is configured. Training checks
/// allow NaN in these and nowhere else in a required group.
pub const MAY_BE_UNDEFINED: [&str; 2] = ["sent_mean_1h", "sent_llm_decayed"];

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
    pub const ALL: [Group; 4] = [
        Group::Technical,
        Group::Sentiment,
        Group::Whale,
        Group::Book,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Technical => "technical",
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
