//! Which tradeable coins a news item is about.
//!
//! Built from the exchange's own pair list, so only coins the service can trade come out,
//! under one id per coin whatever the exchange calls it (`XBT` and `BTC` are both
//! [`CoinId`] `BTC`). Tickers match case-sensitively as whole words; names match
//! case-insensitively as whole words, longest first.

mod aliases;

use std::collections::{HashMap, HashSet};
use std::fmt;

use aliases::{ALIASES, CAPITALISED_ONLY, FIAT, KRAKEN_LEGACY, STABLE, WORDLIKE_TICKERS};

use crate::text::{Token, tokens};

/// A coin, independent of the exchange's code for it: the common ticker (`BTC`, `DOGE`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct CoinId(String);

impl CoinId {
    /// The canonical id for any exchange code: `XBT`, `XXBT` and `BTC` all give `BTC`.
    pub fn canonical(code: &str) -> CoinId {
        let upper = code.trim().to_ascii_uppercase();
        if let Some((_, id)) = KRAKEN_LEGACY.iter().find(|(legacy, _)| *legacy == upper) {
            return CoinId((*id).to_owned());
        }
        match ALIASES.iter().find(|a| a.tickers.contains(&upper.as_str())) {
            Some(alias) => CoinId(alias.id.to_owned()),
            None => CoinId(upper),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CoinId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
struct Name {
    /// Lowercase words.
    words: Vec<String>,
    coin: CoinId,
    capitalised_only: bool,
}

/// Maps exchange codes and news text to [`CoinId`]s of coins the exchange lists.
#[derive(Debug, Clone)]
pub struct CoinMapper {
    /// Every ticker spelling of a listed coin (exchange codes and known aliases).
    tickers: HashMap<String, CoinId>,
    /// Longest first, so "bitcoin cash" is tried before "bitcoin".
    names: Vec<Name>,
}

impl CoinMapper {
    /// Knows no coin: nothing can be mapped yet (the exchange's pairs are not known).
    pub fn is_empty(&self) -> bool {
        self.tickers.is_empty()
    }

    /// `pairs` are (base, quote) asset codes as the exchange spells them. Bases are coins;
    /// quotes are too unless fiat or a stablecoin (an ETH/BTC pair lists BTC).
    pub fn new(pairs: &[(&str, &str)]) -> Self {
        let mut listed: HashSet<CoinId> = HashSet::new();
        let mut tickers = HashMap::new();
        let mut add = |code: &str| {
            let coin = CoinId::canonical(code);
            tickers.insert(code.trim().to_ascii_uppercase(), coin.clone());
            listed.insert(coin);
        };
        for (base, quote) in pairs {
            add(base);
            let q = quote.trim().to_ascii_uppercase();
            if !FIAT.contains(&q.as_str()) && !STABLE.contains(&q.as_str()) {
                add(quote);
            }
        }
        let mut names = Vec::new();
        for alias in ALIASES
            .iter()
            .filter(|a| listed.contains(&CoinId(a.id.into())))
        {
            let coin = CoinId(alias.id.to_owned());
            for ticker in alias.tickers {
                tickers.insert((*ticker).to_owned(), coin.clone());
            }
            for name in alias.names {
                names.push(Name {
                    words: name.split(' ').map(str::to_owned).collect(),
                    coin: coin.clone(),
                    capitalised_only: CAPITALISED_ONLY.contains(name),
                });
            }
        }
        names.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
        Self { tickers, names }
    }

    /// The coin behind an exchange base code, if the exchange lists it.
    pub fn coin_of_base(&self, base: &str) -> Option<CoinId> {
        let code = base.trim().to_ascii_uppercase();
        let coin = CoinId::canonical(&code);
        self.tickers
            .get(&code)
            .or_else(|| self.tickers.get(coin.as_str()))
            .cloned()
    }

    /// Coins named in an item, in order of first mention, each once.
    pub fn mentions(&self, title: &str, summary: &str) -> Vec<CoinId> {
        let mut found = Vec::new();
        for text in [title, summary] {
            let words = tokens(text);
            let mut i = 0;
            while i < words.len() {
                let (coin, used) = match self.name_at(&words[i..]) {
                    Some((coin, len)) => (Some(coin), len),
                    None => (self.ticker(words[i]), 1),
                };
                if let Some(coin) = coin.filter(|c| !found.contains(*c)) {
                    found.push(coin.clone());
                }
                i += used;
            }
        }
        found
    }

    fn name_at(&self, words: &[Token<'_>]) -> Option<(&CoinId, usize)> {
        self.names.iter().find_map(|name| {
            let n = name.words.len();
            let hit =
                words.len() >= n
                    && name.words.iter().zip(words).all(|(w, t)| {
                        t.text.eq_ignore_ascii_case(w) || t.text.to_lowercase() == *w
                    });
            let capital_ok = !name.capitalised_only
                || words[0].text.chars().next().is_some_and(char::is_uppercase);
            (hit && capital_ok).then_some((&name.coin, n))
        })
    }

    fn ticker(&self, word: Token<'_>) -> Option<&CoinId> {
        if word.cashtag {
            return self.tickers.get(&word.text.to_ascii_uppercase());
        }
        let wordlike = word.text.chars().count() <= 2 || WORDLIKE_TICKERS.contains(&word.text);
        if wordlike {
            return None;
        }
        self.tickers.get(word.text)
    }
}

#[cfg(test)]
mod tests;
