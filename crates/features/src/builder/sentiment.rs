//! The sentiment group at t: the news of the 24 h before t that mention the pair's coin,
//! read only where a news source was being read over that whole day (so "no news" is a
//! real zero, never an unread day).

use cst_market::PairName;
use cst_sentiment::{Direction, LlmScore, ScoredItem, hourly};
use cst_store::Store;
use cst_store::StoredLlm;

use crate::{BuildContext, FeatureError};

use cst_market::DAY;

pub(crate) fn at(
    store: &Store,
    ctx: &BuildContext,
    name: &PairName,
    t: i64,
) -> Result<Result<Vec<f64>, String>, FeatureError> {
    let Some(coin) = ctx.coins.coin_of_base(&name.base) else {
        return Ok(Err(format!(
            "no coin known for base {}: news cannot be matched to it",
            name.base
        )));
    };
    if store.news_covering(t - DAY, t)?.is_none() {
        return Ok(Err(
            "no news source was read over the whole 24 h before t".to_string()
        ));
    }
    // The decayed scores run over the same fixed day, so a row does not depend on how far
    // back the store happens to reach.
    let mut items = Vec::new();
    for n in store.news_for_coin(coin.as_str(), t - DAY, t)? {
        let llm = match n.llm {
            Some(l) => Some(
                llm_score(&l)
                    .map_err(|e| FeatureError::Corrupt(format!("news item {}: {e}", n.url)))?,
            ),
            None => None,
        };
        items.push(ScoredItem {
            published: n.published,
            coins: vec![coin.clone()],
            score: n.score,
            llm,
        });
    }
    let s = hourly(&items, &coin, t, ctx.sentiment_half_life_h);
    Ok(Ok(vec![
        s.mean_score_1h.unwrap_or(f64::NAN),
        s.count_1h as f64,
        s.count_24h as f64,
        s.decayed,
        s.llm_decayed.unwrap_or(f64::NAN),
    ]))
}

/// A stored LLM reading back into the validated type (the agent stored only valid ones).
fn llm_score(l: &StoredLlm) -> Result<LlmScore, String> {
    let direction = match l.direction.as_str() {
        "bull" => Direction::Bull,
        "bear" => Direction::Bear,
        "neutral" => Direction::Neutral,
        other => return Err(format!("LLM direction {other:?}")),
    };
    if !(0.0..=1.0).contains(&l.magnitude) || l.half_life_h == 0 {
        return Err(format!(
            "LLM magnitude {} or half-life {} out of range",
            l.magnitude, l.half_life_h
        ));
    }
    Ok(LlmScore {
        direction,
        magnitude: l.magnitude,
        half_life_h: l.half_life_h,
    })
}
