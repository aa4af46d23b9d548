//! Where alerts go: the log always, then the webhook when one is configured, retried with
//! exponential backoff (no answer, 5xx, 429); each alert is stored with where it went.
//!
//! Delivery runs on its own task so a slow webhook never delays a scoring. The webhook URL
//! is a secret (Slack and Discord put the credential in it): errors are reported without it.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use cst_config::{Webhook, WebhookFormat};
use cst_store::{Store, StoredAlert};
use tokio::sync::mpsc;

use crate::alerts::{Alert, Severity};

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No answer, a timeout, or a status worth retrying (5xx, 429).
    #[error("{0}")]
    Retryable(String),
    #[error("{0}")]
    Refused(String),
}

impl SendError {
    fn is_retryable(&self) -> bool {
        matches!(self, SendError::Retryable(_))
    }
}

/// The JSON body in the chat service's format.
pub fn body(alert: &Alert, format: &WebhookFormat) -> serde_json::Value {
    let text = alert.text();
    match format {
        WebhookFormat::Slack => serde_json::json!({ "text": text }),
        WebhookFormat::Discord => serde_json::json!({ "content": text }),
        WebhookFormat::Telegram { chat_id } => {
            serde_json::json!({ "chat_id": chat_id, "text": text })
        }
        WebhookFormat::Json => serde_json::json!({
            "text": text,
            "at": alert.at,
            "severity": alert.severity,
            "kind": alert.kind,
            "subject": alert.subject,
            "message": alert.message,
        }),
    }
}

/// Posts `alert` to the webhook, retrying `retries` times; returns the attempts made.
pub async fn post(
    client: &reqwest::Client,
    hook: &Webhook,
    alert: &Alert,
) -> Result<u32, SendError> {
    let payload = body(alert, &hook.format).to_string();
    let mut attempts = 0;
    let attempt = || {
        attempts += 1;
        let payload = payload.clone();
        async move {
            let response = client
                .post(&hook.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(payload)
                .send()
                .await
                // Without the URL: it holds the credential.
                .map_err(|e| SendError::Retryable(e.without_url().to_string()))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                Err(SendError::Retryable(format!("webhook answered {status}")))
            } else {
                Err(SendError::Refused(format!(
                    "webhook refused the alert: {status}"
                )))
            }
        }
    };
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(10))
        .with_max_times(hook.retries as usize);
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(SendError::is_retryable)
        .notify(|e, delay| tracing::warn!(error = %e, ?delay, "alert webhook failed; retrying"))
        .await?;
    Ok(attempts)
}

/// Sends alerts in order on its own task: log, webhook, then the store.
#[derive(Debug, Clone)]
pub struct Notifier {
    tx: mpsc::UnboundedSender<Alert>,
}

/// What the delivery task counts, read by the agent for its heartbeat counters.
#[derive(Debug, Default)]
pub struct Delivery {
    pub sent: std::sync::atomic::AtomicU64,
    pub webhook_errors: std::sync::atomic::AtomicU64,
}

impl Notifier {
    /// Starts the delivery task; `store` is its own connection.
    pub fn start(
        store: Store,
        webhook: Option<Webhook>,
        counts: std::sync::Arc<Delivery>,
    ) -> Result<Self, String> {
        let client = match &webhook {
            Some(h) => Some(
                reqwest::Client::builder()
                    .timeout(h.timeout)
                    .build()
                    .map_err(|e| format!("cannot build the webhook client: {e}"))?,
            ),
            None => None,
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<Alert>();
        tokio::spawn(async move {
            let mut store = store;
            while let Some(alert) = rx.recv().await {
                log(&alert);
                let mut delivered = "log".to_string();
                if let (Some(hook), Some(client)) = (&webhook, &client) {
                    match post(client, hook, &alert).await {
                        Ok(_) => delivered.push_str(", webhook"),
                        Err(e) => {
                            counts
                                .webhook_errors
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            tracing::error!(error = %e, kind = alert.kind, "alert not delivered to the webhook");
                            delivered.push_str(&format!("; webhook failed: {e}"));
                        }
                    }
                }
                counts
                    .sent
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let row = StoredAlert {
                    at: alert.at,
                    severity: alert.severity.as_str().into(),
                    kind: alert.kind.into(),
                    subject: alert.subject.clone(),
                    message: alert.message.clone(),
                    delivered,
                };
                if let Err(e) = store.insert_alert(&row) {
                    tracing::error!(error = %e, "cannot store the alert");
                }
            }
        });
        Ok(Self { tx })
    }

    pub fn send(&self, alert: Alert) {
        if self.tx.send(alert).is_err() {
            tracing::error!("the alert delivery task has stopped");
        }
    }
}

fn log(alert: &Alert) {
    let (kind, subject, message) = (alert.kind, &alert.subject, &alert.message);
    match alert.severity {
        Severity::Critical => {
            tracing::error!(alert = kind, %subject, severity = "critical", "{message}")
        }
        Severity::Warning => {
            tracing::warn!(alert = kind, %subject, severity = "warning", "{message}")
        }
        Severity::Info => tracing::info!(alert = kind, %subject, severity = "info", "{message}"),
    }
}
