//! A chat completion's body → its token usage and a validated [`LlmScore`].
//!
//! Strict on purpose: the request demands a JSON schema, so any deviation (a capitalised
//! direction, `"0.7"` as a string, `12.0` hours, a stray field, prose around the JSON)
//! means the model or endpoint is not honouring it, and the answer is rejected.

use serde_json::{Map, Value};

use super::{Direction, LlmScore};
use crate::error::LlmRejection;

/// The longest half-life accepted: a month. Longer claims are not a news effect.
pub const MAX_HALF_LIFE_H: u64 = 720;
const FIELDS: [&str; 3] = ["direction", "magnitude", "half_life_h"];

/// Tokens a call was billed for, from the response's `usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Usage {
    pub fn cost_usd(&self, usd_per_1k_prompt: f64, usd_per_1k_completion: f64) -> f64 {
        (self.prompt_tokens as f64 * usd_per_1k_prompt
            + self.completion_tokens as f64 * usd_per_1k_completion)
            / 1_000.0
    }
}

/// Splits a completion body into its usage (`None` when the body does not report it) and
/// the score or the reason it was rejected.
pub fn parse_completion(body: &[u8]) -> (Option<Usage>, Result<LlmScore, LlmRejection>) {
    let envelope: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return (None, Err(LlmRejection::Envelope(format!("not JSON: {e}")))),
    };
    let usage = envelope.get("usage").and_then(|u| {
        Some(Usage {
            prompt_tokens: u.get("prompt_tokens")?.as_u64()?,
            completion_tokens: u.get("completion_tokens")?.as_u64()?,
        })
    });
    (usage, score_of(&envelope))
}

fn score_of(envelope: &Value) -> Result<LlmScore, LlmRejection> {
    let message = envelope
        .get("choices")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("message"))
        .ok_or_else(|| LlmRejection::Envelope("no choices[0].message".to_owned()))?;
    if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
        return Err(LlmRejection::Refusal(refusal.to_owned()));
    }
    let content = message
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| LlmRejection::Envelope("message content is not a string".to_owned()))?;
    parse_score(content)
}

/// Validates the model's JSON answer against the schema, field by field.
pub fn parse_score(content: &str) -> Result<LlmScore, LlmRejection> {
    let value: Value =
        serde_json::from_str(content).map_err(|e| LlmRejection::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(LlmRejection::NotObject)?;
    if let Some(extra) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(LlmRejection::ExtraField(extra.clone()));
    }
    let direction = match field(object, "direction")?.as_str() {
        Some("bull") => Direction::Bull,
        Some("bear") => Direction::Bear,
        Some("neutral") => Direction::Neutral,
        _ => return Err(LlmRejection::Direction(object["direction"].to_string())),
    };
    let raw_magnitude = field(object, "magnitude")?;
    let magnitude = raw_magnitude
        .as_f64()
        .filter(|m| raw_magnitude.is_number() && (0.0..=1.0).contains(m))
        .ok_or_else(|| LlmRejection::Magnitude(raw_magnitude.to_string()))?;
    let raw_half_life = field(object, "half_life_h")?;
    let half_life_h = raw_half_life
        .as_u64()
        .filter(|h| (1..=MAX_HALF_LIFE_H).contains(h))
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| LlmRejection::HalfLife(raw_half_life.to_string()))?;
    Ok(LlmScore {
        direction,
        magnitude,
        half_life_h,
    })
}

fn field<'a>(
    object: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a Value, LlmRejection> {
    object.get(name).ok_or(LlmRejection::MissingField(name))
}

#[cfg(test)]
mod tests;
