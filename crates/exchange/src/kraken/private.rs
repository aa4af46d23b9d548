//! Kraken spot private REST: the order calls the live portfolio needs, signed with
//! [`Credentials`].
//!
//! Reads (orders, balance) are retried like public calls, each attempt with a fresh nonce.
//! **AddOrder never is**: after a timeout the order may or may not exist, and only the
//! caller can find out (by its `cl_ord_id`) before deciding to send it again. Every call goes
//! through the endpoint's circuit breaker.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;

use super::client::{body_of, guarded};
use super::config::RetryPolicy;
use super::{Credentials, decode};
use crate::breaker::{BreakerPolicy, Breakers};
use crate::model::{OrderInfo, OrderRequest, Placed, Side};
use crate::{Endpoint, ExchangeError};

/// One per process and key: nonces must increase per key, so two clients on one key race.
#[derive(Debug)]
pub struct PrivateClient {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Duration,
    retry: RetryPolicy,
    breakers: Breakers,
    /// The last nonce sent: microseconds since the epoch, bumped when two calls share one.
    nonce: AtomicU64,
    /// One request in flight at a time: Kraken refuses a nonce lower than one it has seen,
    /// so two concurrent requests could overtake each other and one would fail.
    in_flight: tokio::sync::Mutex<()>,
    requests: AtomicU64,
    request_errors: AtomicU64,
}

impl PrivateClient {
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ExchangeError> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let parsed = Url::parse(&base_url).map_err(|e| ExchangeError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(ExchangeError::InvalidBaseUrl {
                url: base_url,
                reason: "use http(s)://host[:port][/prefix] without a query".into(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("cst-exchange/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ExchangeError::Client)?;
        Ok(Self {
            http,
            base_url,
            credentials,
            timeout,
            retry,
            breakers: Breakers::new(BreakerPolicy::default()),
            nonce: AtomicU64::new(0),
            in_flight: tokio::sync::Mutex::new(()),
            requests: AtomicU64::new(0),
            request_errors: AtomicU64::new(0),
        })
    }

    /// Requests sent and how many failed, since the client was made.
    pub fn request_counts(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.request_errors.load(Ordering::Relaxed),
        )
    }

    /// Sends one order. Not retried: see the module documentation.
    pub async fn add_order(&self, o: &OrderRequest) -> Result<Placed, ExchangeError> {
        let side = match o.side {
            Side::Buy => "buy",
            Side::Sell => "sell",
        };
        let mut params = vec![
            ("ordertype", "market".to_string()),
            ("type", side.to_string()),
            ("volume", o.volume.clone()),
            ("pair", o.pair.clone()),
            ("cl_ord_id", o.cl_ord_id.clone()),
            // Fees in the quote currency: the base quantity bought is exactly what a later
            // sell may sell.
            ("oflags", "fciq".to_string()),
        ];
        if let Some(stop) = &o.close_stop {
            params.push(("close[ordertype]", "stop-loss".into()));
            params.push(("close[price]", stop.clone()));
        }
        self.call(Endpoint::AddOrder, &params, false, decode::add_order)
            .await
    }

    pub async fn query_orders(&self, txids: &[String]) -> Result<Vec<OrderInfo>, ExchangeError> {
        let params = [("txid", txids.join(","))];
        self.call(Endpoint::QueryOrders, &params, true, |b| {
            decode::orders(Endpoint::QueryOrders, b)
        })
        .await
    }

    pub async fn open_orders(&self) -> Result<Vec<OrderInfo>, ExchangeError> {
        self.call(Endpoint::OpenOrders, &[], true, |b| {
            decode::orders(Endpoint::OpenOrders, b)
        })
        .await
    }

    /// Closed orders, optionally only the one with `cl_ord_id` and only those opened after
    /// `start` (unix seconds).
    pub async fn closed_orders(
        &self,
        cl_ord_id: Option<&str>,
        start: Option<i64>,
    ) -> Result<Vec<OrderInfo>, ExchangeError> {
        let mut params = Vec::new();
        if let Some(id) = cl_ord_id {
            params.push(("cl_ord_id", id.to_string()));
        }
        if let Some(s) = start {
            params.push(("start", s.to_string()));
        }
        self.call(Endpoint::ClosedOrders, &params, true, |b| {
            decode::orders(Endpoint::ClosedOrders, b)
        })
        .await
    }

    /// Cancels one order by txid; the count cancelled (0 if it had already closed).
    pub async fn cancel_order(&self, txid: &str) -> Result<u64, ExchangeError> {
        let params = [("txid", txid.to_string())];
        self.call(Endpoint::CancelOrder, &params, true, decode::cancel)
            .await
    }

    /// Asset (Kraken's name, `ZUSD`) → amount.
    pub async fn balance(&self) -> Result<BTreeMap<String, f64>, ExchangeError> {
        self.call(Endpoint::Balance, &[], true, decode::balance)
            .await
    }

    async fn call<T>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, String)],
        retry: bool,
        decode: impl Fn(&[u8]) -> Result<T, ExchangeError>,
    ) -> Result<T, ExchangeError> {
        let policy = if retry {
            self.retry
        } else {
            RetryPolicy {
                max_retries: 0,
                ..self.retry
            }
        };
        guarded(&self.breakers, endpoint, &policy, || async {
            let body = self.send(endpoint, params).await?;
            decode(&body)
        })
        .await
    }

    /// Microseconds since the epoch, strictly above the last one sent.
    ///
    /// The wall clock, not the service clock: a nonce is no reading of market time but a
    /// counter Kraken keeps per key, and it must keep increasing across restarts (and in a
    /// replay, whose clock runs in the past). Microseconds, not milliseconds: a burst of
    /// calls within one millisecond pushed a millisecond nonce ahead of the clock, and a
    /// process restarted within that lead sent a smaller one ("invalid nonce"; a test found
    /// it under load). Switching up from milliseconds only makes the values larger.
    #[allow(clippy::disallowed_methods)]
    fn next_nonce(&self) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        let prev = self
            .nonce
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
                Some(now.max(last + 1))
            })
            .unwrap_or_default();
        now.max(prev + 1)
    }

    async fn send(
        &self,
        endpoint: Endpoint,
        params: &[(&str, String)],
    ) -> Result<bytes::Bytes, ExchangeError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let result = self.send_once(endpoint, params).await;
        if result.is_err() {
            self.request_errors.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    async fn send_once(
        &self,
        endpoint: Endpoint,
        params: &[(&str, String)],
    ) -> Result<bytes::Bytes, ExchangeError> {
        let path = format!("/0/private/{}", endpoint.name());
        let _one_at_a_time = self.in_flight.lock().await;
        let nonce = self.next_nonce();
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("nonce", &nonce.to_string());
            for (k, v) in params {
                form.append_pair(k, v);
            }
            form.finish()
        };
        let sign = self.credentials.sign(&path, nonce, &body)?;
        // The body and signature are not logged: the body names our orders and the
        // signature is a credential for this one request.
        tracing::debug!(%endpoint, "private request");
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header("API-Key", self.credentials.key())
            .header("API-Sign", sign)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        body_of(endpoint, self.timeout, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> PrivateClient {
        // Any base64 secret: no request is sent.
        let credentials = Credentials::new("key", "c2VjcmV0").unwrap();
        PrivateClient::new(
            "http://127.0.0.1:9",
            credentials,
            Duration::from_secs(1),
            RetryPolicy::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_client_started_right_after_another_sends_larger_nonces() {
        // Calls at loopback pace (tens of µs apart), then a restart at once: a millisecond
        // nonce ran ahead of the clock during the burst and the new process went backwards.
        let first = client();
        let mut last = 0;
        for _ in 0..200 {
            let n = first.next_nonce();
            assert!(n > last);
            last = n;
            std::thread::sleep(Duration::from_micros(50));
        }
        let restarted = client();
        assert!(restarted.next_nonce() > last);
    }
}
