//! The `[health]` section: where the health endpoint listens, what READY and GO demand, and
//! where alerts go. Documented key by key in `config/default.toml`.

use std::{net::SocketAddr, time::Duration};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    pub tcp_addr: String,
    pub dashboard_addr: String,
    pub evaluate_interval_ms: u64,
    pub report_timeout_ms: u64,
    pub max_feature_age_h: u32,
    pub max_ece: f64,
    pub min_coverage: f64,
    pub go_score: f64,
    pub nogo_score: f64,
    pub error_window_s: u64,
    pub errors_for_zero: u64,
    pub alerts: RawAlerts,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlerts {
    pub webhook_url: String,
    pub webhook_format: String,
    pub telegram_chat_id: String,
    pub retries: u32,
    pub timeout_ms: u64,
    pub repeat_after_s: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HealthConfig {
    pub tcp_addr: Option<SocketAddr>,
    /// Where the health agent serves the dashboard and its API (loopback only); `None`
    /// turns it off. Port 0 takes a free port, written to `HOME/run/dashboard.url`.
    pub dashboard_addr: Option<SocketAddr>,
    /// How often the health agent scores the service (real time).
    pub evaluate_interval: Duration,
    /// The supervisor treats a health report older than this as none (real time).
    pub report_timeout: Duration,
    /// Features are fresh while every required group's input is at most this old, by the
    /// service clock.
    pub max_feature_age_h: u32,
    /// Largest expected calibration error an active model may have on its evaluation set.
    pub max_ece: f64,
    /// Smallest fraction of live pairs with fresh, complete candles.
    pub min_coverage: f64,
    pub go_score: f64,
    pub nogo_score: f64,
    /// Errors and restarts are counted over this much real time ...
    pub error_window: Duration,
    /// ... and this many in the window take the errors component to zero.
    pub errors_for_zero: u64,
    pub alerts: AlertsConfig,
}

/// Where alerts go besides the log. The webhook URL is a secret (Slack and Discord put the
/// credential in it): never shown by `Debug`.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlertsConfig {
    pub webhook: Option<Webhook>,
    pub repeat_after: Duration,
}

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Webhook {
    pub url: String,
    pub format: WebhookFormat,
    pub retries: u32,
    pub timeout: Duration,
}

/// The JSON body each chat service expects from an incoming webhook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WebhookFormat {
    /// `{"text": …}`
    Slack,
    /// `{"content": …}`
    Discord,
    /// `{"chat_id": …, "text": …}` (Bot API `sendMessage`).
    Telegram { chat_id: String },
    /// The whole alert as JSON, plus `text`.
    Json,
}

impl std::fmt::Debug for AlertsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertsConfig")
            .field("webhook", &self.webhook)
            .field("repeat_after", &self.repeat_after)
            .finish()
    }
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &"hidden")
            .field("format", &self.format)
            .field("retries", &self.retries)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A loopback `HOST:PORT`, or `None` for an empty value: these ports serve the service's
/// state to anyone who can connect, so only the machine itself may.
fn loopback(check: &mut impl FnMut(bool, String), key: &str, text: &str) -> Option<SocketAddr> {
    match text.trim() {
        "" => None,
        text => match text.parse::<SocketAddr>() {
            Ok(addr) if addr.ip().is_loopback() => Some(addr),
            Ok(addr) => {
                check(
                    false,
                    format!("{key} {addr} is not a loopback address: use 127.0.0.1:PORT"),
                );
                None
            }
            Err(e) => {
                check(false, format!("{key} {text:?} is not HOST:PORT ({e})"));
                None
            }
        },
    }
}

pub fn health(r: &RawHealth, check: &mut impl FnMut(bool, String)) -> HealthConfig {
    let tcp_addr = loopback(check, "health.tcp_addr", &r.tcp_addr);
    let dashboard_addr = loopback(check, "health.dashboard_addr", &r.dashboard_addr);
    check(
        r.evaluate_interval_ms >= 100,
        format!(
            "health.evaluate_interval_ms must be at least 100, got {}",
            r.evaluate_interval_ms
        ),
    );
    check(
        r.report_timeout_ms > r.evaluate_interval_ms,
        format!(
            "health.report_timeout_ms ({}) must exceed health.evaluate_interval_ms ({})",
            r.report_timeout_ms, r.evaluate_interval_ms
        ),
    );
    check(
        r.max_feature_age_h >= 1,
        "health.max_feature_age_h must be at least 1".into(),
    );
    check(
        r.max_ece > 0.0 && r.max_ece < 0.5,
        format!("health.max_ece must be in (0, 0.5), got {}", r.max_ece),
    );
    check(
        (0.0..=1.0).contains(&r.min_coverage),
        format!(
            "health.min_coverage must be between 0 and 1, got {}",
            r.min_coverage
        ),
    );
    check(
        0.0 <= r.nogo_score && r.nogo_score < r.go_score && r.go_score <= 100.0,
        format!(
            "health: need 0 <= nogo_score < go_score <= 100, got nogo_score {} and go_score {}",
            r.nogo_score, r.go_score
        ),
    );
    check(
        r.error_window_s >= 1 && r.errors_for_zero >= 1,
        "health.error_window_s and health.errors_for_zero must be at least 1".into(),
    );
    let a = &r.alerts;
    let format = match a.webhook_format.trim() {
        "slack" => Some(WebhookFormat::Slack),
        "discord" => Some(WebhookFormat::Discord),
        "json" => Some(WebhookFormat::Json),
        "telegram" => {
            check(
                !a.telegram_chat_id.trim().is_empty(),
                "health.alerts.webhook_format \"telegram\" needs health.alerts.telegram_chat_id"
                    .into(),
            );
            Some(WebhookFormat::Telegram {
                chat_id: a.telegram_chat_id.trim().to_string(),
            })
        }
        other => {
            check(
                false,
                format!(
                    "health.alerts.webhook_format {other:?} is not one of slack, discord, telegram, json"
                ),
            );
            None
        }
    };
    let url = a.webhook_url.trim();
    // The URL is a secret: errors name the key, never the value.
    check(
        url.is_empty() || url.starts_with("http://") || url.starts_with("https://"),
        "health.alerts.webhook_url must start with http:// or https://".into(),
    );
    check(
        a.timeout_ms >= 100 && a.retries <= 10,
        "health.alerts.timeout_ms must be at least 100 and retries at most 10".into(),
    );
    let webhook = match (url.is_empty(), format) {
        (false, Some(format)) => Some(Webhook {
            url: url.to_string(),
            format,
            retries: a.retries,
            timeout: Duration::from_millis(a.timeout_ms),
        }),
        _ => None,
    };
    HealthConfig {
        tcp_addr,
        dashboard_addr,
        evaluate_interval: Duration::from_millis(r.evaluate_interval_ms),
        report_timeout: Duration::from_millis(r.report_timeout_ms),
        max_feature_age_h: r.max_feature_age_h,
        max_ece: r.max_ece,
        min_coverage: r.min_coverage,
        go_score: r.go_score,
        nogo_score: r.nogo_score,
        error_window: Duration::from_secs(r.error_window_s),
        errors_for_zero: r.errors_for_zero,
        alerts: AlertsConfig {
            webhook,
            repeat_after: Duration::from_secs(a.repeat_after_s),
        },
    }
}
