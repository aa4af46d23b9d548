//! Hour boundaries typed on the command line: `YYYY-MM-DD` (00:00 UTC), RFC 3339
//! (`2024-03-01T05:00:00Z`) or Unix seconds. Feature and decision times are candle closes,
//! so anything between hours is refused rather than rounded.

use chrono::{DateTime, NaiveDate};

use cst_market::HOUR;

/// Parses `text` given to `flag`.
pub fn hour(text: &str, flag: &str) -> Result<i64, String> {
    let t = if let Ok(t) = text.parse::<i64>() {
        t
    } else if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        d.and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp()
    } else {
        DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                format!(
                    "{flag} {text:?} is neither YYYY-MM-DD, RFC 3339 nor Unix seconds ({e}): \
                     try 2024-03-01 or 2024-03-01T05:00:00Z"
                )
            })?
            .timestamp()
    };
    if t % HOUR != 0 {
        return Err(format!(
            "{flag} {text} is not an hour boundary: decision times are candle closes (UTC)"
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_rfc3339_and_unix_seconds_on_hour_boundaries_only() {
        assert_eq!(hour("2024-03-01", "--from"), Ok(1_709_251_200));
        assert_eq!(
            hour("2024-03-01T05:00:00Z", "--from"),
            Ok(1_709_251_200 + 5 * 3600)
        );
        assert_eq!(hour("1709251200", "--from"), Ok(1_709_251_200));
        assert!(
            hour("2024-03-01T05:30:00Z", "--from")
                .unwrap_err()
                .contains("not an hour boundary")
        );
        assert!(
            hour("March", "--to")
                .unwrap_err()
                .starts_with("--to \"March\"")
        );
    }
}
