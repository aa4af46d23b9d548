//! What is sent: a fixed instruction, the item, and a strict JSON schema for the answer.

use serde_json::{Value, json};

use super::validate::MAX_HALF_LIFE_H;
use crate::coins::CoinId;
use crate::item::NewsItem;

const INSTRUCTION: &str = "You rate one crypto news item for a trading system. Answer only \
with the JSON object the schema describes. direction: bull if the news is likely to push \
the named coins' prices up, bear if down, neutral if it should not move them. magnitude: \
0 (no effect) to 1 (a market-moving event such as a major exchange hack or an ETF \
approval). half_life_h: how many hours until half of the effect has faded (a routine \
price recap: 1-3; a hack, lawsuit or listing: 24-168).";

/// The JSON schema the answer must follow; mirrored by [`super::parse_score`].
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "direction": {"type": "string", "enum": ["bull", "bear", "neutral"]},
            "magnitude": {"type": "number", "minimum": 0, "maximum": 1},
            "half_life_h": {"type": "integer", "minimum": 1, "maximum": MAX_HALF_LIFE_H}
        },
        "required": ["direction", "magnitude", "half_life_h"],
        "additionalProperties": false
    })
}

/// The chat completions request body for one item about `coins`.
pub fn body(model: &str, max_tokens: u32, item: &NewsItem, coins: &[CoinId]) -> Value {
    let coins = match coins.is_empty() {
        true => "none identified".to_owned(),
        false => coins
            .iter()
            .map(CoinId::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let user = format!(
        "Source: {}\nTitle: {}\nSummary: {}\nCoins: {coins}",
        item.source, item.title, item.summary
    );
    json!({
        "model": model,
        "temperature": 0,
        "max_tokens": max_tokens,
        "messages": [
            {"role": "system", "content": INSTRUCTION},
            {"role": "user", "content": user}
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "news_event_score", "strict": true, "schema": schema()}
        }
    })
}
