//! A crypto-aware lexicon scorer: no network, no model, the same answer every time.
//!
//! Weighted words and phrases are summed over the text (longest phrase first, so
//! "all-time high" is one term, not "high"); a negator ("not", "hasn't", "fails to")
//! flips the next term within [`NEGATION_WINDOW`] words. The sum is squashed with
//! `tanh(sum / SCALE)` into -1..=1. Text without any term scores exactly 0: "no evidence",
//! which the aggregator keeps apart from "no items".

mod terms;

use crate::text::tokens;

/// How many words after a negator a term is still flipped ("not a major crash").
pub const NEGATION_WINDOW: usize = 3;
/// One strong term (weight 1) scores tanh(1/1.5) ≈ 0.58; two agree to ≈ 0.87.
const SCALE: f64 = 1.5;
/// A summary restates and pads the headline, so its terms count half.
const SUMMARY_WEIGHT: f64 = 0.5;

#[derive(Debug, Clone)]
enum Pattern {
    Word(String),
    Prefix(String),
}

impl Pattern {
    fn parse(raw: &str) -> Self {
        match raw.strip_suffix('*') {
            Some(stem) => Pattern::Prefix(stem.to_owned()),
            None => Pattern::Word(raw.to_owned()),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            Pattern::Word(w) => word == w,
            Pattern::Prefix(stem) => word.starts_with(stem.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
struct Term {
    words: Vec<Pattern>,
    weight: f64,
}

impl Term {
    fn parse(phrase: &str, weight: f64) -> Self {
        Self {
            words: phrase.split_whitespace().map(Pattern::parse).collect(),
            weight,
        }
    }

    fn matches_at(&self, words: &[String]) -> bool {
        words.len() >= self.words.len() && self.words.iter().zip(words).all(|(p, w)| p.matches(w))
    }
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Longest first.
    terms: Vec<Term>,
    negators: Vec<Term>,
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::with_terms(terms::TERMS)
    }
}

impl Lexicon {
    /// A lexicon of `(phrase, weight)`: lowercase words, `*` for a stem, positive bullish.
    /// Non-finite weights are left out, so a score is always a number.
    pub fn with_terms(entries: &[(&str, f64)]) -> Self {
        let mut terms: Vec<Term> = entries
            .iter()
            .filter(|(_, w)| w.is_finite())
            .map(|(p, w)| Term::parse(p, *w))
            .collect();
        terms.sort_by_key(|t| std::cmp::Reverse(t.words.len()));
        let mut negators: Vec<Term> = terms::NEGATORS
            .iter()
            .map(|p| Term::parse(p, -1.0))
            .collect();
        negators.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
        Self { terms, negators }
    }

    /// One text's score in -1..=1.
    pub fn score(&self, text: &str) -> f64 {
        squash(self.raw(text))
    }

    /// An item's score: title terms count fully, summary terms half.
    pub fn score_item(&self, title: &str, summary: &str) -> f64 {
        squash(self.raw(title) + SUMMARY_WEIGHT * self.raw(summary))
    }

    /// The unsquashed sum of (possibly flipped) term weights.
    fn raw(&self, text: &str) -> f64 {
        let words: Vec<String> = tokens(text).iter().map(|t| t.text.to_lowercase()).collect();
        let mut sum = 0.0;
        let mut negation_left = 0usize;
        let mut i = 0;
        while i < words.len() {
            let rest = &words[i..];
            if let Some(negator) = self.negators.iter().find(|n| n.matches_at(rest)) {
                negation_left = NEGATION_WINDOW;
                i += negator.words.len();
            } else if rest[0].ends_with("n't") {
                negation_left = NEGATION_WINDOW;
                i += 1;
            } else if let Some(term) = self.terms.iter().find(|t| t.matches_at(rest)) {
                sum += if negation_left > 0 {
                    -term.weight
                } else {
                    term.weight
                };
                negation_left = 0;
                i += term.words.len();
            } else {
                negation_left = negation_left.saturating_sub(1);
                i += 1;
            }
        }
        sum
    }
}

fn squash(sum: f64) -> f64 {
    (sum / SCALE).tanh()
}

#[cfg(test)]
mod tests;
