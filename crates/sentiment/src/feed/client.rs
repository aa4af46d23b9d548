//! Fetches a list of feeds concurrently. Each feed succeeds or fails on its own, and the
//! report says which and why, so one dead outlet never silences the others.

use std::time::Duration;

use futures::future::join_all;
use reqwest::Url;

use super::parse_feed;
use crate::error::{FeedError, ItemRejection};
use crate::item::NewsItem;

#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// Limit for one whole request, body included.
    pub timeout: Duration,
    /// Larger bodies are refused: a feed is tens of kilobytes, not megabytes.
    pub max_bytes: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            max_bytes: 5 * 1024 * 1024,
        }
    }
}

/// One feed's fetch.
#[derive(Debug)]
pub struct FeedReport {
    pub url: String,
    /// Per entry: the item, or why it was left out.
    pub outcome: Result<Vec<Result<NewsItem, ItemRejection>>, FeedError>,
}

#[derive(Debug, Clone)]
pub struct FeedClient {
    http: reqwest::Client,
    config: FeedConfig,
}

impl FeedClient {
    pub fn new(config: FeedConfig) -> Result<Self, FeedError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("cst-sentiment/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(FeedError::Client)?;
        Ok(Self { http, config })
    }

    /// Fetches and parses every feed, concurrently; reports come back in `urls` order.
    pub async fn fetch_all<S: AsRef<str>>(&self, urls: &[S]) -> Vec<FeedReport> {
        join_all(urls.iter().map(|url| async move {
            let url = url.as_ref();
            FeedReport {
                url: url.to_owned(),
                outcome: self.fetch(url).await,
            }
        }))
        .await
    }

    /// One feed, named on its items by host (`cointelegraph.com`).
    pub async fn fetch(
        &self,
        url: &str,
    ) -> Result<Vec<Result<NewsItem, ItemRejection>>, FeedError> {
        let parsed = Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| FeedError::InvalidUrl {
                url: url.to_owned(),
            })?;
        let host = parsed.host_str().unwrap_or_default();
        let source = host.strip_prefix("www.").unwrap_or(host).to_owned();
        let bytes = self.body(parsed, url).await?;
        let items = parse_feed(&bytes, &source)?;
        tracing::debug!(url, items = items.len(), "feed fetched");
        Ok(items)
    }

    async fn body(&self, parsed: Url, url: &str) -> Result<Vec<u8>, FeedError> {
        let transport = |source: reqwest::Error| match source.is_timeout() {
            true => FeedError::Timeout {
                url: url.to_owned(),
                after: self.config.timeout,
            },
            false => FeedError::Transport {
                url: url.to_owned(),
                source,
            },
        };
        let mut response = self.http.get(parsed).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FeedError::Http {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        let too_large = || FeedError::TooLarge {
            url: url.to_owned(),
            limit: self.config.max_bytes,
        };
        let announced = response.content_length().unwrap_or(0);
        if usize::try_from(announced).map_or(true, |n| n > self.config.max_bytes) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > self.config.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
