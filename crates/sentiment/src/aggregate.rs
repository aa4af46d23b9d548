//! Scored items → one coin's sentiment at an hour boundary, for the feature pipeline.
//!
//! Only items published strictly before `t` count: the features stamped `t` describe what
//! was known when the hour closed, and an item stamped exactly `t` (or stamped to the hour
//! by a source that truncates times) joins at the next boundary. Adding news from `t` on
//! can never change the result at `t` (a property test holds this).

use crate::coins::CoinId;
use crate::llm::LlmScore;

use cst_market::DAY;
use cst_market::HOUR;

/// One scored news item as the sentiment agent stores it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoredItem {
    /// Unix seconds, UTC.
    pub published: i64,
    pub coins: Vec<CoinId>,
    /// Lexicon score in -1..=1.
    pub score: f64,
    /// Present only when the LLM scorer ran and its answer passed validation.
    pub llm: Option<LlmScore>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoinSentiment {
    /// Mean lexicon score of the last hour's items; `None` when there were none, which is
    /// not the same as a neutral 0.
    pub mean_score_1h: Option<f64>,
    pub count_1h: u32,
    pub count_24h: u32,
    /// Σ score · 2^(−age_h / half_life_h) over every earlier item: old news fades, a burst
    /// of news adds up.
    pub decayed: f64,
    /// Σ sign(direction) · magnitude · 2^(−age_h / the item's own half-life) over earlier
    /// items with an LLM score; `None` when no such item exists.
    pub llm_decayed: Option<f64>,
}

/// The sentiment of `coin` as of `t` (an hour boundary, Unix seconds).
///
/// # Panics
/// When `half_life_h` is not a positive finite number: that is a configuration bug to be
/// caught when the config is validated, not a data condition.
pub fn hourly(items: &[ScoredItem], coin: &CoinId, t: i64, half_life_h: f64) -> CoinSentiment {
    assert!(
        half_life_h.is_finite() && half_life_h > 0.0,
        "half_life_h must be positive and finite, got {half_life_h}"
    );
    let mut sum_1h = 0.0;
    let mut count_1h = 0u32;
    let mut count_24h = 0u32;
    let mut decayed = 0.0;
    let mut llm_decayed: Option<f64> = None;
    let relevant = items
        .iter()
        .filter(|item| item.published < t && item.coins.contains(coin));
    for item in relevant {
        let age_s = t - item.published;
        let age_h = age_s as f64 / HOUR as f64;
        if age_s <= HOUR {
            sum_1h += item.score;
            count_1h += 1;
        }
        if age_s <= DAY {
            count_24h += 1;
        }
        decayed += item.score * (-age_h / half_life_h).exp2();
        if let Some(llm) = &item.llm {
            let half_life = f64::from(llm.half_life_h.max(1));
            let weight = llm.direction.sign() * llm.magnitude * (-age_h / half_life).exp2();
            *llm_decayed.get_or_insert(0.0) += weight;
        }
    }
    CoinSentiment {
        mean_score_1h: (count_1h > 0).then(|| sum_1h / f64::from(count_1h)),
        count_1h,
        count_24h,
        decayed,
        llm_decayed,
    }
}

#[cfg(test)]
mod tests;
