//! Kraken's envelope and the request parameters every public endpoint shares.
//!
//! Kraken answers refusals with HTTP 200 and `{"error": ["<E...>"]}` (no `result`), so the
//! replay does too: the client's error mapping is then exercised exactly as live.

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use serde::Deserialize;
use serde_json::{Value, json};

pub const INVALID_ARGUMENTS: &str = "EGeneral:Invalid arguments";
pub const UNKNOWN_PAIR: &str = "EQuery:Unknown asset pair";

pub type Reply = Json<Value>;

pub fn ok(result: Value) -> Reply {
    Json(json!({ "error": [], "result": result }))
}

pub fn error(message: &str) -> Reply {
    tracing::debug!(%message, "request refused");
    Json(json!({ "error": [message] }))
}

/// `EGeneral:Invalid arguments:<detail>`; the client reports the detail.
pub fn invalid(detail: &str) -> Reply {
    error(&format!("{INVALID_ARGUMENTS}:{detail}"))
}

/// The query parameters the replay reads; Kraken ignores others, and so does this.
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    /// One pair, or a comma-separated list where the endpoint takes several.
    pub pair: Option<String>,
    /// OHLC candle length in minutes; Kraken's default is 1.
    pub interval: Option<String>,
    /// OHLC cursor: only candles that opened after it.
    pub since: Option<String>,
}

/// The parameters, or the envelope refusing them (a repeated key, broken escaping).
pub fn params(query: Result<Query<Params>, QueryRejection>) -> Result<Params, Reply> {
    query.map(|Query(p)| p).map_err(|e| invalid(&e.body_text()))
}

/// The names in a `pair=A,B` list, without empty entries.
pub fn pair_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
}
