//! Response bodies → checked values, one function per endpoint. Public so tests and the
//! replay tooling can decode captured responses without a server.
//!
//! Each per-pair function takes the pair as requested, to name it if Kraken does not know it.
//! The pair in the returned value is Kraken's result key (`XBTUSD` → `XXBTZUSD`).

mod depth;
mod ohlc;
mod orders;
mod pairs;
mod ticker;
mod trades;

pub use depth::depth;
pub use ohlc::ohlc;
pub use orders::{add_order, balance, cancel, orders};
pub use pairs::asset_pairs;
pub use ticker::ticker;
pub use trades::trades;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::envelope;
use crate::model::{ServerTime, SystemStatus};
use crate::{Endpoint, ExchangeError};

pub fn server_time(body: &[u8]) -> Result<ServerTime, ExchangeError> {
    #[derive(serde::Deserialize)]
    struct Raw {
        unixtime: i64,
        rfc1123: String,
    }
    let raw: Raw = typed(Endpoint::Time, envelope::open(Endpoint::Time, "", body)?)?;
    Ok(ServerTime {
        unixtime: raw.unixtime,
        rfc1123: raw.rfc1123,
    })
}

pub fn system_status(body: &[u8]) -> Result<SystemStatus, ExchangeError> {
    #[derive(serde::Deserialize)]
    struct Raw {
        status: String,
        timestamp: String,
    }
    let endpoint = Endpoint::SystemStatus;
    let raw: Raw = typed(endpoint, envelope::open(endpoint, "", body)?)?;
    Ok(SystemStatus {
        status: raw.status,
        timestamp: raw.timestamp,
    })
}

/// A result object into a serde type; a mismatch is a shape error, not a decode error,
/// because the JSON itself was fine.
fn typed<T: DeserializeOwned>(endpoint: Endpoint, value: Value) -> Result<T, ExchangeError> {
    serde_json::from_value(value).map_err(|e| ExchangeError::Shape {
        endpoint,
        detail: e.to_string(),
    })
}

/// The one per-pair entry of a single-pair result, with Kraken's key for it. `last`, the
/// paging cursor, sits beside it and is returned too when present.
fn single_pair(
    endpoint: Endpoint,
    requested: &str,
    result: Value,
) -> Result<(String, Value, Option<Value>), ExchangeError> {
    let Value::Object(mut map) = result else {
        return Err(ExchangeError::Shape {
            endpoint,
            detail: format!("pair {requested}: result is not an object"),
        });
    };
    let last = map.remove("last");
    let mut entries = map.into_iter();
    match (entries.next(), entries.next()) {
        (Some((key, value)), None) => Ok((key, value, last)),
        (first, second) => Err(ExchangeError::Shape {
            endpoint,
            detail: format!(
                "pair {requested}: expected exactly one pair in the result, found {}",
                usize::from(first.is_some()) + usize::from(second.is_some()) + entries.len()
            ),
        }),
    }
}
