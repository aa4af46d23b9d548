//! Kraken's envelope `{"error": [...], "result": ...}`: errors become typed variants,
//! warnings (`W...`) are logged and do not fail the call.

use serde::Deserialize;
use serde_json::Value;

use crate::{Endpoint, ExchangeError};

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    error: Vec<String>,
    result: Option<Value>,
}

/// The `result` of a successful response. `pair` is what the caller asked for, to name it
/// in [`ExchangeError::UnknownPair`].
pub(crate) fn open(endpoint: Endpoint, pair: &str, body: &[u8]) -> Result<Value, ExchangeError> {
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|source| ExchangeError::Decode { endpoint, source })?;
    let (warnings, errors): (Vec<_>, Vec<_>) =
        envelope.error.iter().partition(|e| e.starts_with('W'));
    for warning in warnings {
        tracing::warn!(%endpoint, %warning, "exchange sent a warning");
    }
    if let Some(first) = errors.first() {
        if errors.len() > 1 {
            tracing::debug!(%endpoint, ?errors, "exchange sent several errors; reporting the first");
        }
        return Err(classify(endpoint, pair, first));
    }
    envelope
        .result
        .ok_or(ExchangeError::MissingResult { endpoint })
}

/// Maps `"<Severity><Category>:<Message>[:<detail>]"` to a variant.
fn classify(endpoint: Endpoint, pair: &str, text: &str) -> ExchangeError {
    let mut parts = text.splitn(3, ':');
    let category = parts.next().unwrap_or_default();
    let message = parts.next().unwrap_or_default();
    let detail = parts.next();
    match (category, message) {
        ("EAPI", "Rate limit exceeded") => ExchangeError::RateLimited { endpoint },
        ("EQuery", "Unknown asset pair") => ExchangeError::UnknownPair {
            endpoint,
            pair: pair.to_owned(),
        },
        ("EGeneral", "Invalid arguments") => ExchangeError::InvalidArguments {
            endpoint,
            detail: detail.unwrap_or(text).to_owned(),
        },
        ("EGeneral", "Temporary lockout") => ExchangeError::TemporaryLockout { endpoint },
        ("EService", "Busy") => ExchangeError::Busy { endpoint },
        ("EService", _) => ExchangeError::ServiceUnavailable { endpoint },
        ("EAPI", "Invalid key") => ExchangeError::InvalidKey { endpoint },
        ("EAPI", "Invalid signature") => ExchangeError::InvalidSignature { endpoint },
        ("EAPI", "Invalid nonce") => ExchangeError::InvalidNonce { endpoint },
        _ => ExchangeError::Other {
            endpoint,
            message: text.to_owned(),
        },
    }
}
