//! The `[features]`, `[sentiment]` and `[whale]` sections: which feature groups this
//! deployment builds and requires, and how the sentiment and whale agents read their sources.

use std::time::Duration;

use serde::Deserialize;

/// A feature group's config name; the features crate owns what each one contains.
pub const GROUPS: [&str; 5] = ["technical", "cross", "sentiment", "whale", "book"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFeatures {
    pub groups: Vec<String>,
    pub required: Vec<String>,
    pub max_wait_s: u64,
    pub min_peers: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSentiment {
    pub source: String,
    pub feeds: Vec<String>,
    pub replay_csv: String,
    pub poll_interval_s: u64,
    pub request_timeout_ms: u64,
    pub half_life_h: f64,
    pub llm: RawLlm,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLlm {
    pub api_key: String,
    pub base_url: String,
    pub model: String,
    pub timeout_ms: u64,
    pub max_retries: u32,
    pub breaker_failures: u32,
    pub breaker_cooldown_s: u64,
    pub daily_cost_cap_usd: f64,
    pub usd_per_1k_prompt_tokens: f64,
    pub usd_per_1k_completion_tokens: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhale {
    pub usd_floor: f64,
    pub median_multiple: f64,
    pub median_window: usize,
    pub min_history: usize,
    pub usd_quotes: Vec<String>,
    pub book_levels: usize,
    pub book_max_age_s: i64,
    pub spoof_size_multiple: f64,
    pub spoof_usd_floor: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeaturesConfig {
    /// In schema order: the FeatureSet is these groups' features, in this order.
    pub groups: Vec<String>,
    /// A pair missing one of these at time t gets no feature row.
    pub required: Vec<String>,
    /// How long a pair-hour's row waits for a running source (news, trades) to be read
    /// through its time before it is built without it.
    pub max_wait: Duration,
    /// The fewest pairs an hour's universe may have for the cross-sectional group: below it
    /// a rank or a market mean says more about which pairs happen to be stored than about
    /// the market.
    pub min_peers: usize,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum NewsSource {
    /// RSS/Atom feeds, fetched every poll interval.
    Feeds(Vec<String>),
    /// A news CSV replayed by publication time, following the service clock.
    Replay(std::path::PathBuf),
}

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SentimentConfig {
    pub source: NewsSource,
    pub poll_interval: Duration,
    pub request_timeout: Duration,
    pub half_life_h: f64,
    /// `None` unless an API key is configured.
    pub llm: Option<LlmSettings>,
}

impl std::fmt::Debug for SentimentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentimentConfig")
            .field("source", &self.source)
            .field("poll_interval", &self.poll_interval)
            .field("half_life_h", &self.half_life_h)
            .field("llm", &self.llm.as_ref().map(|_| "configured (key hidden)"))
            .finish()
    }
}

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LlmSettings {
    pub api_key: String,
    pub base_url: String,
    pub model: String,
    pub timeout: Duration,
    pub max_retries: u32,
    pub breaker_failures: u32,
    pub breaker_cooldown: Duration,
    pub daily_cost_cap_usd: f64,
    pub usd_per_1k_prompt_tokens: f64,
    pub usd_per_1k_completion_tokens: f64,
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("api_key", &"hidden")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("daily_cost_cap_usd", &self.daily_cost_cap_usd)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WhaleConfig {
    pub usd_floor: f64,
    pub median_multiple: f64,
    pub median_window: usize,
    pub min_history: usize,
    /// Quotes worth one US dollar; other quotes are converted by their `QUOTE/USD` candle.
    pub usd_quotes: Vec<String>,
    pub book_levels: usize,
    pub book_max_age_s: i64,
    pub spoof_size_multiple: f64,
    pub spoof_usd_floor: f64,
}

pub fn features(r: &RawFeatures, check: &mut impl FnMut(bool, String)) -> FeaturesConfig {
    let mut seen = Vec::new();
    for g in &r.groups {
        check(
            GROUPS.contains(&g.as_str()),
            format!(
                "features.groups: no feature group {g:?} (known: {})",
                GROUPS.join(", ")
            ),
        );
        check(
            !seen.contains(&g),
            format!("features.groups names {g:?} twice"),
        );
        seen.push(g);
    }
    check(
        !r.groups.is_empty(),
        "features.groups is empty: name at least \"technical\"".to_string(),
    );
    for g in &r.required {
        check(
            r.groups.contains(g),
            format!("features.required names {g:?}, which is not in features.groups"),
        );
    }
    check(
        r.max_wait_s <= 3600,
        format!(
            "features.max_wait_s is {}: a row that waits longer than its hour is late for every decision (at most 3600)",
            r.max_wait_s
        ),
    );
    check(
        (2..=10_000).contains(&r.min_peers),
        format!(
            "features.min_peers is {}: a cross-section needs at least 2 pairs to rank (at most 10000)",
            r.min_peers
        ),
    );
    FeaturesConfig {
        groups: r.groups.clone(),
        required: r.required.clone(),
        max_wait: Duration::from_secs(r.max_wait_s),
        min_peers: r.min_peers.clamp(2, 10_000) as usize,
    }
}

pub fn sentiment(r: &RawSentiment, check: &mut impl FnMut(bool, String)) -> SentimentConfig {
    let source = match r.source.as_str() {
        "feeds" => {
            for url in &r.feeds {
                check(
                    url.starts_with("http://") || url.starts_with("https://"),
                    format!("sentiment.feeds: {url:?} is not an http(s) URL"),
                );
            }
            check(
                !r.feeds.is_empty(),
                "sentiment.feeds is empty while sentiment.source = \"feeds\"".to_string(),
            );
            NewsSource::Feeds(r.feeds.clone())
        }
        "replay" => {
            check(
                !r.replay_csv.trim().is_empty(),
                "sentiment.replay_csv is empty while sentiment.source = \"replay\": name a news CSV such as ../shared/data/news/cryptonews-2021-10_2022-07.csv".to_string(),
            );
            NewsSource::Replay(r.replay_csv.clone().into())
        }
        other => {
            check(
                false,
                format!("sentiment.source {other:?} is neither \"feeds\" nor \"replay\""),
            );
            NewsSource::Feeds(Vec::new())
        }
    };
    check(
        r.poll_interval_s >= 1,
        "sentiment.poll_interval_s must be at least 1".to_string(),
    );
    check(
        (100..=600_000).contains(&r.request_timeout_ms),
        format!(
            "sentiment.request_timeout_ms must be 100 to 600000 (10 minutes), got {}",
            r.request_timeout_ms
        ),
    );
    check(
        r.half_life_h.is_finite() && r.half_life_h > 0.0,
        format!(
            "sentiment.half_life_h must be a positive number of hours, got {}",
            r.half_life_h
        ),
    );
    let l = &r.llm;
    let llm = (!l.api_key.trim().is_empty()).then(|| {
        check(
            l.base_url.starts_with("http://") || l.base_url.starts_with("https://"),
            format!(
                "sentiment.llm.base_url {:?} is not an http(s) URL",
                l.base_url
            ),
        );
        check(
            l.daily_cost_cap_usd.is_finite() && l.daily_cost_cap_usd >= 0.0,
            "sentiment.llm.daily_cost_cap_usd must be 0 or more".to_string(),
        );
        check(
            l.breaker_failures >= 1,
            "sentiment.llm.breaker_failures must be at least 1".to_string(),
        );
        LlmSettings {
            api_key: l.api_key.trim().to_string(),
            base_url: l.base_url.trim_end_matches('/').to_string(),
            model: l.model.clone(),
            timeout: Duration::from_millis(l.timeout_ms),
            max_retries: l.max_retries,
            breaker_failures: l.breaker_failures,
            breaker_cooldown: Duration::from_secs(l.breaker_cooldown_s),
            daily_cost_cap_usd: l.daily_cost_cap_usd,
            usd_per_1k_prompt_tokens: l.usd_per_1k_prompt_tokens,
            usd_per_1k_completion_tokens: l.usd_per_1k_completion_tokens,
        }
    });
    SentimentConfig {
        source,
        poll_interval: Duration::from_secs(r.poll_interval_s),
        request_timeout: Duration::from_millis(r.request_timeout_ms),
        half_life_h: r.half_life_h,
        llm,
    }
}

pub fn whale(r: &RawWhale, check: &mut impl FnMut(bool, String)) -> WhaleConfig {
    for (key, v) in [
        ("usd_floor", r.usd_floor),
        ("median_multiple", r.median_multiple),
        ("spoof_size_multiple", r.spoof_size_multiple),
        ("spoof_usd_floor", r.spoof_usd_floor),
    ] {
        check(
            v.is_finite() && v >= 0.0,
            format!("whale.{key} must be a number of 0 or more, got {v}"),
        );
    }
    check(
        r.min_history >= 1 && r.min_history <= r.median_window,
        format!(
            "whale.min_history ({}) must be at least 1 and at most median_window ({})",
            r.min_history, r.median_window
        ),
    );
    check(
        r.book_levels >= 1,
        "whale.book_levels must be at least 1".to_string(),
    );
    check(
        r.book_max_age_s >= 1,
        "whale.book_max_age_s must be at least 1".to_string(),
    );
    WhaleConfig {
        usd_floor: r.usd_floor,
        median_multiple: r.median_multiple,
        median_window: r.median_window,
        min_history: r.min_history,
        usd_quotes: r
            .usd_quotes
            .iter()
            .map(|q| q.to_ascii_uppercase())
            .collect(),
        book_levels: r.book_levels,
        book_max_age_s: r.book_max_age_s,
        spoof_size_multiple: r.spoof_size_multiple,
        spoof_usd_floor: r.spoof_usd_floor,
    }
}
