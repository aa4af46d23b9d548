//! News sentiment for CryptoSmartTrader: news items → coins → scores → hourly per-coin
//! sentiment, with optional LLM event scoring. Pure library and HTTP clients; storage is
//! the agent's business.
//!
//! An item counts from its publication time and never earlier: items without a
//! trustworthy time are rejected, and the hourly aggregate at `t` sees only items
//! published strictly before `t`.
//!
//! - [`item`]: [`NewsItem`], its validation (typed [`ItemRejection`]s) and [`dedupe`] by URL.
//! - [`feed`]: RSS/Atom parsing, [`FeedClient`], [`DEFAULT_FEEDS`].
//! - [`replay`]: [`NewsReplay`], the recorded news file along a simulated clock.
//! - [`coins`]: [`CoinMapper`], exchange codes and news text → [`CoinId`]s.
//! - [`lexicon`]: [`Lexicon`], the deterministic crypto-aware scorer.
//! - [`aggregate`]: [`ScoredItem`] → [`CoinSentiment`] at an hour boundary ([`hourly`]).
//! - [`llm`]: [`LlmClient`], optional event scoring over an OpenAI-compatible API.
//! - [`text`]: mojibake repair and word splitting shared by the matchers.
//! - [`error`]: every error and rejection type.

pub mod aggregate;
pub mod coins;
pub mod error;
pub mod feed;
pub mod item;
pub mod lexicon;
pub mod llm;
pub mod replay;
pub mod text;

pub use aggregate::{CoinSentiment, ScoredItem, hourly};
pub use coins::{CoinId, CoinMapper};
pub use error::{FeedError, ItemRejection, LlmError, LlmRejection, RejectReason, ReplayError};
pub use feed::{DEFAULT_FEEDS, FeedClient, FeedConfig, FeedReport, parse_feed};
pub use item::{NewsItem, dedupe};
pub use lexicon::Lexicon;
pub use llm::{ApiKey, Direction, LlmClient, LlmConfig, LlmScore, LlmStats};
pub use replay::{MidnightStamps, NewsReplay, ReplayStats};
