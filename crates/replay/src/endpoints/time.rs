//! `Time` and `SystemStatus`: the simulated clock, which agents follow as the exchange's
//! time, in Kraken's own text formats.

use std::sync::Arc;

use axum::extract::State;
use chrono::DateTime;
use serde_json::json;

use super::reply::{Reply, error, ok};
use crate::Replay;

pub async fn time(State(replay): State<Arc<Replay>>) -> Reply {
    let now = replay.now();
    // Kraken's own form: two-digit year and `+0000` (`Tue, 11 Nov 25 00:17:04 +0000`).
    match text(now, "%a, %d %b %y %H:%M:%S +0000") {
        Some(rfc1123) => ok(json!({ "unixtime": now, "rfc1123": rfc1123 })),
        None => beyond_calendar(now),
    }
}

/// Always `online`: the recording does not say when the exchange was in maintenance. Its
/// outages show up as they did live, as hours without candles.
pub async fn system_status(State(replay): State<Arc<Replay>>) -> Reply {
    let now = replay.now();
    match text(now, "%Y-%m-%dT%H:%M:%SZ") {
        Some(timestamp) => ok(json!({ "status": "online", "timestamp": timestamp })),
        None => beyond_calendar(now),
    }
}

/// `unix` seconds as UTC text; `None` past chrono's calendar (year ±262,143).
fn text(unix: i64, format: &str) -> Option<String> {
    DateTime::from_timestamp(unix, 0).map(|t| t.format(format).to_string())
}

fn beyond_calendar(now: i64) -> Reply {
    error(&format!(
        "EGeneral:Internal error:simulated time {now} has no calendar date"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_kraken_captures() {
        // http_server_time.json and http_system_status.json.
        let rfc1123 = text(1_762_820_224, "%a, %d %b %y %H:%M:%S +0000");
        assert_eq!(rfc1123.as_deref(), Some("Tue, 11 Nov 25 00:17:04 +0000"));
        let rfc3339 = text(1_762_820_230, "%Y-%m-%dT%H:%M:%SZ");
        assert_eq!(rfc3339.as_deref(), Some("2025-11-11T00:17:10Z"));
        assert_eq!(text(i64::MAX, "%Y"), None);
    }
}
