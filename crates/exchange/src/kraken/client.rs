//! The HTTP machinery: rate gate → request → status → body → decode, retried with backoff
//! for retryable errors, behind a per-endpoint circuit breaker.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use backon::Retryable;
use reqwest::{StatusCode, Url};

use super::KrakenConfig;
use super::config::RetryPolicy;
use crate::breaker::Breakers;
use crate::limiter::RateGate;
use crate::{Endpoint, ExchangeError};

/// Kraken spot public REST, against the real API or a replay server speaking the same
/// protocol. Cheap to share: one per process keeps the rate gate global.
#[derive(Debug)]
pub struct KrakenClient {
    http: reqwest::Client,
    base_url: String,
    timeout: Duration,
    retry: RetryPolicy,
    gate: RateGate,
    breakers: Breakers,
    requests: AtomicU64,
    request_errors: AtomicU64,
}

impl KrakenClient {
    pub fn new(config: KrakenConfig) -> Result<Self, ExchangeError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let invalid = |reason: &str| ExchangeError::InvalidBaseUrl {
            url: config.base_url.clone(),
            reason: reason.to_owned(),
        };
        let parsed = Url::parse(&base_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(invalid(
                "use http(s)://host[:port][/prefix] without a query",
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("cst-exchange/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ExchangeError::Client)?;
        Ok(Self {
            http,
            base_url,
            timeout: config.timeout,
            retry: config.retry,
            gate: RateGate::new(config.min_interval),
            breakers: Breakers::new(config.breaker),
            requests: AtomicU64::new(0),
            request_errors: AtomicU64::new(0),
        })
    }

    /// HTTP requests sent (every attempt, retries included) and how many of them failed
    /// (transport error, timeout, 429, any non-2xx status), since the client was made.
    pub fn request_counts(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.request_errors.load(Ordering::Relaxed),
        )
    }

    /// One public call, with every guard. `decode` runs inside the retry loop, so an
    /// `EService:Busy` envelope is retried like an HTTP 503.
    pub(crate) async fn call<T>(
        &self,
        endpoint: Endpoint,
        query: &[(&str, String)],
        decode: impl Fn(&[u8]) -> Result<T, ExchangeError>,
    ) -> Result<T, ExchangeError> {
        let mut url = Url::parse(&format!("{}/0/public/{}", self.base_url, endpoint.name()))
            .map_err(|e| ExchangeError::InvalidBaseUrl {
                url: self.base_url.clone(),
                reason: e.to_string(),
            })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        guarded(&self.breakers, endpoint, &self.retry, || async {
            let body = self.fetch(endpoint, &url).await?;
            decode(&body)
        })
        .await
    }

    async fn fetch(&self, endpoint: Endpoint, url: &Url) -> Result<bytes::Bytes, ExchangeError> {
        self.gate.wait().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let result = self.send(endpoint, url).await;
        if result.is_err() {
            self.request_errors.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    async fn send(&self, endpoint: Endpoint, url: &Url) -> Result<bytes::Bytes, ExchangeError> {
        tracing::debug!(%endpoint, %url, "exchange request");
        body_of(endpoint, self.timeout, self.http.get(url.clone())).await
    }
}

/// Sends `request` and reads the whole body: a timeout, a transport failure or a non-2xx
/// status as the error it means. Public and private calls share it.
pub(crate) async fn body_of(
    endpoint: Endpoint,
    timeout: Duration,
    request: reqwest::RequestBuilder,
) -> Result<bytes::Bytes, ExchangeError> {
    let transport = |source: reqwest::Error| {
        if source.is_timeout() {
            ExchangeError::Timeout {
                endpoint,
                after: timeout,
            }
        } else {
            ExchangeError::Transport { endpoint, source }
        }
    };
    let response = request.send().await.map_err(transport)?;
    check_status(endpoint, response.status())?;
    response.bytes().await.map_err(transport)
}

/// One call behind the endpoint's breaker, its retryable failures retried with `retry`'s
/// backoff; public and private calls share it.
pub(crate) async fn guarded<T, Fut>(
    breakers: &Breakers,
    endpoint: Endpoint,
    retry: &RetryPolicy,
    attempt: impl FnMut() -> Fut,
) -> Result<T, ExchangeError>
where
    Fut: Future<Output = Result<T, ExchangeError>>,
{
    breakers.check(endpoint)?;
    let outcome = attempt
        .retry(retry.backoff())
        .sleep(tokio::time::sleep)
        .when(ExchangeError::is_retryable)
        .notify(|error, delay| {
            tracing::warn!(%endpoint, %error, ?delay, "exchange call failed; retrying");
        })
        .await;
    breakers.record(endpoint, &outcome);
    outcome
}

/// 429, 5xx and any other non-2xx status as the error they mean.
fn check_status(endpoint: Endpoint, status: StatusCode) -> Result<(), ExchangeError> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(ExchangeError::RateLimited { endpoint });
    }
    if status.is_server_error() {
        return Err(ExchangeError::Server {
            endpoint,
            status: status.as_u16(),
        });
    }
    if !status.is_success() {
        return Err(ExchangeError::Http {
            endpoint,
            status: status.as_u16(),
        });
    }
    Ok(())
}
