//! RSS 2.0, RSS 1.0 and Atom documents → validated [`NewsItem`]s, and the client that
//! fetches them.
//!
//! - [`parse_feed`]: one document's bytes → one result per entry (kept or rejected).
//! - [`client`]: [`FeedClient`], fetching many feeds; one failing feed does not stop the rest.
//! - [`html`]: descriptions are HTML; the scorers need the words.

pub mod client;
pub mod html;

pub use client::{FeedClient, FeedConfig, FeedReport};

use feed_rs::model::Entry;

use crate::error::{FeedError, ItemRejection};
use crate::item::NewsItem;

/// Well-known crypto news feeds; the agent's config lists the ones it polls.
pub const DEFAULT_FEEDS: &[&str] = &[
    "https://www.coindesk.com/arc/outboundfeeds/rss/",
    "https://cointelegraph.com/rss",
    "https://decrypt.co/feed",
    "https://bitcoinmagazine.com/.rss/full/",
];

/// Summaries longer than this are cut: full-article feeds put the whole text here.
pub const MAX_SUMMARY_CHARS: usize = 1_000;

/// Parses one feed document. `source` names the outlet on every item.
///
/// An entry's time is its `published` (RSS `pubDate`, `dc:date`, Atom `published`), else
/// its Atom `updated`, which is never earlier than publication; without either it is
/// rejected, never given the fetch time.
pub fn parse_feed(
    bytes: &[u8],
    source: &str,
) -> Result<Vec<Result<NewsItem, ItemRejection>>, FeedError> {
    let feed = feed_rs::parser::parse(bytes).map_err(FeedError::Parse)?;
    Ok(feed.entries.iter().map(|e| item_of(e, source)).collect())
}

fn item_of(entry: &Entry, source: &str) -> Result<NewsItem, ItemRejection> {
    let published = entry.published.or(entry.updated).map(|t| t.timestamp());
    let title = entry.title.as_ref().map(|t| html::to_text(&t.content));
    let summary = entry
        .summary
        .as_ref()
        .map(|s| s.content.clone())
        .or_else(|| entry.content.as_ref().and_then(|c| c.body.clone()))
        .map(|s| html::to_text(&s))
        .unwrap_or_default();
    let summary: String = summary.chars().take(MAX_SUMMARY_CHARS).collect();
    NewsItem::new(
        published,
        source,
        title.as_deref().unwrap_or(""),
        &summary,
        &link_of(entry),
    )
}

/// The article's address: the `alternate` (or unlabelled) link, else the first link,
/// else a permalink-style id (RSS `guid`).
fn link_of(entry: &Entry) -> String {
    let alternate = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"));
    match alternate.or(entry.links.first()) {
        Some(link) => link.href.clone(),
        None if entry.id.starts_with("http://") || entry.id.starts_with("https://") => {
            entry.id.clone()
        }
        None => String::new(),
    }
}
