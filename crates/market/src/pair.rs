//! Pair names: one canonical form, `BASE/QUOTE` (Kraken's `wsname` form, e.g. `XBT/USD`).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairName {
    pub base: String,
    pub quote: String,
}

/// Quote currencies recognised when a name has no separator (`XBTUSD`), longest first so
/// `USDT` wins over `USD`.
const QUOTES: [&str; 12] = [
    "USDT", "USDC", "DAI", "USD", "EUR", "GBP", "CAD", "JPY", "CHF", "AUD", "XBT", "ETH",
];

impl PairName {
    pub fn new(base: &str, quote: &str) -> Self {
        Self {
            base: base.to_ascii_uppercase(),
            quote: quote.to_ascii_uppercase(),
        }
    }

    /// `BASE/QUOTE`, `BASE-QUOTE` (file names), or `BASEQUOTE` with a known quote.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some((b, q)) = text.split_once(['/', '-', '_'])
            && !b.is_empty()
            && !q.is_empty()
            && b.chars()
                .chain(q.chars())
                .all(|c| c.is_ascii_alphanumeric())
        {
            return Some(Self::new(b, q));
        }
        let upper = text.to_ascii_uppercase();
        QUOTES.iter().find_map(|q| {
            let base = upper.strip_suffix(q)?;
            (!base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric()))
                .then(|| Self::new(base, q))
        })
    }
}

impl fmt::Display for PairName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.quote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_naming_style_gives_the_same_pair() {
        for text in ["BTC/USDT", "BTC-USDT", "btc-usdt", "BTCUSDT"] {
            assert_eq!(
                PairName::parse(text).unwrap().to_string(),
                "BTC/USDT",
                "{text}"
            );
        }
        assert_eq!(PairName::parse("XBTUSD").unwrap().to_string(), "XBT/USD");
        assert_eq!(
            PairName::parse("1000SATS-USDT").unwrap().to_string(),
            "1000SATS/USDT"
        );
    }

    #[test]
    fn names_without_a_known_quote_are_refused() {
        for text in ["", "BTC", "BTC/", "/USD", "BTC/US D", "FOOBAR"] {
            assert_eq!(PairName::parse(text), None, "{text}");
        }
    }
}
