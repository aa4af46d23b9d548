//! Every way an exchange call can fail, and whether trying again can help.
//!
//! The variants fall into four groups: the exchange refused (its own error strings),
//! the transport failed, the response made no sense, and local guards (breaker, arguments).

use std::time::Duration;

use crate::Endpoint;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    #[error("{endpoint}: rate limit exceeded: raise min_interval or call less often")]
    RateLimited { endpoint: Endpoint },
    #[error("{endpoint}: unknown asset pair {pair:?}: use a pair name from asset_pairs()")]
    UnknownPair { endpoint: Endpoint, pair: String },
    #[error("{endpoint}: invalid arguments ({detail}): fix the request parameters")]
    InvalidArguments { endpoint: Endpoint, detail: String },
    #[error("{endpoint}: exchange service unavailable: wait and try again")]
    ServiceUnavailable { endpoint: Endpoint },
    #[error("{endpoint}: exchange busy: wait and try again")]
    Busy { endpoint: Endpoint },
    #[error("{endpoint}: temporary lockout: stop calling for a few minutes")]
    TemporaryLockout { endpoint: Endpoint },
    #[error("{endpoint}: invalid API key: check the key in the credentials")]
    InvalidKey { endpoint: Endpoint },
    #[error("{endpoint}: invalid signature: check the API secret")]
    InvalidSignature { endpoint: Endpoint },
    #[error(
        "{endpoint}: invalid nonce: nonces must increase; do not share a key between processes"
    )]
    InvalidNonce { endpoint: Endpoint },
    #[error("{endpoint}: exchange error {message:?}")]
    Other { endpoint: Endpoint, message: String },

    #[error("{endpoint}: HTTP {status}: check base_url")]
    Http { endpoint: Endpoint, status: u16 },
    #[error("{endpoint}: exchange server error HTTP {status}: wait and try again")]
    Server { endpoint: Endpoint, status: u16 },
    #[error(
        "{endpoint}: no complete response within {after:?}: the exchange is slow or unreachable"
    )]
    Timeout { endpoint: Endpoint, after: Duration },
    #[error("{endpoint}: transport failed ({source}): check the network and base_url")]
    Transport {
        endpoint: Endpoint,
        #[source]
        source: reqwest::Error,
    },

    #[error("{endpoint}: response is not valid JSON ({source}): the body was malformed or cut off")]
    Decode {
        endpoint: Endpoint,
        #[source]
        source: serde_json::Error,
    },
    #[error("{endpoint}: response has neither an error nor a result")]
    MissingResult { endpoint: Endpoint },
    #[error("{endpoint}: unexpected response shape: {detail}")]
    Shape { endpoint: Endpoint, detail: String },
    #[error(
        "{endpoint}: pair {pair}: field {field} is {value}: {problem}; the response is rejected"
    )]
    InvalidNumber {
        endpoint: Endpoint,
        pair: String,
        field: &'static str,
        value: String,
        problem: &'static str,
    },

    #[error("{endpoint}: circuit open after repeated failures: next try allowed in {retry_in:?}")]
    CircuitOpen {
        endpoint: Endpoint,
        retry_in: Duration,
    },
    #[error("invalid exchange base URL {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("HTTP client could not be built ({0}): check the TLS setup")]
    Client(#[source] reqwest::Error),
    #[error("API secret is not valid base64: copy it again from the exchange")]
    InvalidSecret,
}

impl ExchangeError {
    /// Transient failures that the same request can cure by waiting; only these are retried.
    ///
    /// `Transport` is here with `Timeout`: a reset or cut-off connection is the same kind of
    /// blip. A temporary lockout is not: calling again only extends it.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::ServiceUnavailable { .. }
                | Self::Busy { .. }
                | Self::Server { .. }
                | Self::Timeout { .. }
                | Self::Transport { .. }
        )
    }

    /// Failures that say the endpoint itself is unwell, so they count toward opening its
    /// circuit breaker. A caller's mistake (unknown pair, bad arguments) or one bad row does
    /// not make the endpoint unhealthy for everyone else.
    pub fn trips_breaker(&self) -> bool {
        self.is_retryable()
            || matches!(
                self,
                Self::TemporaryLockout { .. }
                    | Self::Http { .. }
                    | Self::Decode { .. }
                    | Self::MissingResult { .. }
            )
    }
}
