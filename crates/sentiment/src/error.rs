//! Every way this crate fails or refuses, and what to do about it.
//!
//! Four families: a news item left out ([`ItemRejection`]), the news replay file
//! ([`ReplayError`]), fetching and parsing feeds ([`FeedError`]), and the LLM scorer
//! ([`LlmError`], with [`LlmRejection`] for answers that broke the schema).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Why a news item was left out; counted per reason so a feed that suddenly loses its
/// dates shows up in the numbers instead of as quietly missing news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// No publication time at all. Never defaulted: a guessed time could leak news into the past.
    NoTime,
    /// A publication time that does not parse, or lies before 2009 (a zeroed default).
    BadTime,
    NoTitle,
    NoUrl,
    /// Not an absolute http(s) URL with a host; the URL is the item's identity.
    BadUrl,
    /// A URL seen before; the earliest publication is kept.
    Duplicate,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoTime => "no_time",
            Self::BadTime => "bad_time",
            Self::NoTitle => "no_title",
            Self::NoUrl => "no_url",
            Self::BadUrl => "bad_url",
            Self::Duplicate => "duplicate",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("news item rejected ({reason}): {detail}")]
pub struct ItemRejection {
    pub reason: RejectReason,
    /// What was seen (the title or URL), for the log line.
    pub detail: String,
}

impl ItemRejection {
    pub(crate) fn new(reason: RejectReason, detail: impl Into<String>) -> Self {
        Self {
            reason,
            detail: detail.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read news file {path}: {source}: check the path (shared/data/news/)")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "news file {path} has no {column:?} column: expected published_at,source,title,summary,url"
    )]
    MissingColumn { path: PathBuf, column: &'static str },
    #[error("news file {path}: malformed CSV ({source}): fix or re-export the file")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not an RSS or Atom document ({0}): check that the url serves a feed, not a web page")]
    Parse(#[source] feed_rs::parser::ParseFeedError),
    #[error("{url}: HTTP {status}: check the feed url")]
    Http { url: String, status: u16 },
    #[error("{url}: no complete response within {after:?}: the feed is slow or unreachable")]
    Timeout { url: String, after: Duration },
    #[error("{url}: transport failed ({source}): check the network and the url")]
    Transport {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: body exceeds {limit} bytes: raise max_bytes if the feed really is that big")]
    TooLarge { url: String, limit: usize },
    #[error("invalid feed url {url:?}: use an absolute http(s) url")]
    InvalidUrl { url: String },
    #[error("cannot build the HTTP client ({0}): check the TLS setup")]
    Client(#[source] reqwest::Error),
}

/// An LLM answer that arrived but broke the contract. Never coerced into a score: a model
/// that drifts from the schema must show up in the counts, not as plausible numbers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmRejection {
    #[error("response envelope is not a chat completion: {0}")]
    Envelope(String),
    #[error("the model refused: {0}")]
    Refusal(String),
    #[error("message content is not JSON: {0}")]
    NotJson(String),
    #[error("message content is not a JSON object")]
    NotObject,
    #[error("missing field {0:?}")]
    MissingField(&'static str),
    #[error("unexpected field {0:?}")]
    ExtraField(String),
    #[error("direction {0} is not \"bull\", \"bear\" or \"neutral\"")]
    Direction(String),
    #[error("magnitude {0} is not a number in 0..=1")]
    Magnitude(String),
    #[error("half_life_h {0} is not an integer in 1..=720")]
    HalfLife(String),
}

impl LlmRejection {
    /// Stable label for counting rejections by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Envelope(_) => "envelope",
            Self::Refusal(_) => "refusal",
            Self::NotJson(_) => "not_json",
            Self::NotObject => "not_object",
            Self::MissingField(_) => "missing_field",
            Self::ExtraField(_) => "extra_field",
            Self::Direction(_) => "direction",
            Self::Magnitude(_) => "magnitude",
            Self::HalfLife(_) => "half_life",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LlmError {
    #[error(
        "daily LLM cost cap reached (${spent_usd:.4} of ${cap_usd:.4} on UTC day {day}): \
         scoring resumes next UTC day; raise daily_cost_cap_usd to allow more"
    )]
    CostCapReached {
        day: i64,
        spent_usd: f64,
        cap_usd: f64,
    },
    #[error("LLM endpoint circuit open for another {retry_in:?}: it failed repeatedly; wait")]
    CircuitOpen { retry_in: Duration },
    #[error("no complete LLM response within {after:?}: raise timeout or check the endpoint")]
    Timeout { after: Duration },
    #[error("cannot connect to the LLM endpoint ({0}): check base_url and the network")]
    Connect(#[source] reqwest::Error),
    #[error("LLM transport failed ({0}): check the endpoint")]
    Transport(#[source] reqwest::Error),
    #[error("LLM rate limit (HTTP 429): call less often or raise the account's limit")]
    RateLimited,
    #[error("LLM server error HTTP {status}: wait and try again")]
    Server { status: u16 },
    #[error("LLM request refused with HTTP {status}: check api_key, model and base_url ({body})")]
    Http { status: u16, body: String },
    #[error("LLM answer rejected: {0}")]
    Rejected(#[from] LlmRejection),
    #[error("invalid LLM base_url {url:?}: use http(s)://host[:port][/prefix] without a query")]
    InvalidBaseUrl { url: String },
    #[error("invalid LLM config: {0}")]
    Config(String),
    #[error("cannot build the HTTP client ({0}): check the TLS setup")]
    Client(#[source] reqwest::Error),
}

impl LlmError {
    /// Worth another attempt after a pause: the endpoint was slow, unreachable, busy or
    /// broken server-side. A 4xx or a schema violation will fail the same way again.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. } | Self::Connect(_) | Self::RateLimited | Self::Server { .. }
        )
    }

    /// Says the endpoint is unwell, so it counts towards opening the breaker.
    pub(crate) fn trips_breaker(&self) -> bool {
        self.is_retryable() || matches!(self, Self::Transport(_))
    }
}
