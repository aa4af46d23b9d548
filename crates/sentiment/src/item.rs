//! A news item as the rest of the service sees it, and the checks every item passes.
//!
//! An item counts from its publication time and never earlier, so an item without a
//! trustworthy time is rejected rather than stamped with a default (a fetch time would
//! be later than the truth, a zero would leak it into every backtest).

use chrono::DateTime;
use reqwest::Url;

use crate::error::{ItemRejection, RejectReason};
use crate::text::clean;

/// 2009-01-03, the Bitcoin genesis block: no crypto news predates it, so an earlier
/// stamp is a zeroed or mangled default.
pub const EARLIEST_NEWS: i64 = 1_230_940_800;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewsItem {
    /// Unix seconds, UTC. The item exists for the service from this instant on.
    pub published: i64,
    /// Outlet name (`CoinTelegraph`) or feed host (`coindesk.com`).
    pub source: String,
    pub title: String,
    pub summary: String,
    /// The item's identity: duplicates across feeds and polls are dropped by URL.
    pub url: String,
}

impl NewsItem {
    /// Validates and cleans (see [`crate::text::clean`]) one item. `published` is `None`
    /// when the source had no time at all.
    pub fn new(
        published: Option<i64>,
        source: &str,
        title: &str,
        summary: &str,
        url: &str,
    ) -> Result<NewsItem, ItemRejection> {
        let title = clean(title);
        let url = url.trim();
        let published = match published {
            None => {
                return Err(ItemRejection::new(
                    RejectReason::NoTime,
                    describe(&title, url),
                ));
            }
            Some(t) if t < EARLIEST_NEWS => {
                let detail = format!("time {t} before 2009: {}", describe(&title, url));
                return Err(ItemRejection::new(RejectReason::BadTime, detail));
            }
            Some(t) => t,
        };
        if title.is_empty() {
            return Err(ItemRejection::new(
                RejectReason::NoTitle,
                describe(&title, url),
            ));
        }
        if url.is_empty() {
            return Err(ItemRejection::new(RejectReason::NoUrl, title));
        }
        let parsed = Url::parse(url).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| h.contains('.'))
        });
        if parsed.is_none() {
            return Err(ItemRejection::new(RejectReason::BadUrl, url));
        }
        Ok(NewsItem {
            published,
            source: clean(source),
            title,
            summary: clean(summary),
            url: url.to_owned(),
        })
    }
}

/// Sorts by publication time (then URL) and drops later copies of a URL, keeping each
/// article's earliest appearance: the news existed from then on. Returns how many went.
pub fn dedupe(items: &mut Vec<NewsItem>) -> usize {
    items.sort_by(|a, b| (a.published, &a.url).cmp(&(b.published, &b.url)));
    let before = items.len();
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.url.clone()));
    before - items.len()
}

/// Parses an RFC 3339 / ISO 8601 time with an offset (`2022-01-11T00:00:00Z`) to Unix
/// seconds. A time without an offset is refused: guessing its zone could move it earlier.
pub fn parse_time(raw: &str) -> Result<i64, ItemRejection> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ItemRejection::new(RejectReason::NoTime, "empty time"));
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.timestamp())
        .map_err(|e| ItemRejection::new(RejectReason::BadTime, format!("{raw:?}: {e}")))
}

fn describe(title: &str, url: &str) -> String {
    match (title.is_empty(), url.is_empty()) {
        (false, _) => title.to_owned(),
        (true, false) => url.to_owned(),
        (true, true) => "item without title or url".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_641_859_200; // 2022-01-11T00:00:00Z

    fn reason(r: Result<NewsItem, ItemRejection>) -> RejectReason {
        r.expect_err("rejected").reason
    }

    #[test]
    fn a_complete_item_is_cleaned_and_kept() {
        let item = NewsItem::new(
            Some(T),
            "CryptoNews",
            r"Ethereum Futures ETF May Come Before Spot Bitcoin ETF \x93 Analyst",
            "  Spot bitcoin ETF is also possible  ",
            " https://cryptonews.com/news/x.htm ",
        )
        .unwrap();
        assert_eq!(
            item.title,
            "Ethereum Futures ETF May Come Before Spot Bitcoin ETF - Analyst"
        );
        assert_eq!(item.summary, "Spot bitcoin ETF is also possible");
        assert_eq!(item.url, "https://cryptonews.com/news/x.htm");
        assert_eq!(item.published, T);
    }

    #[test]
    fn every_missing_part_has_its_own_reason() {
        let ok_url = "https://cointelegraph.com/news/a";
        assert_eq!(
            reason(NewsItem::new(None, "s", "t", "", ok_url)),
            RejectReason::NoTime
        );
        assert_eq!(
            reason(NewsItem::new(Some(0), "s", "t", "", ok_url)),
            RejectReason::BadTime
        );
        assert_eq!(
            reason(NewsItem::new(Some(T), "s", "  ", "", ok_url)),
            RejectReason::NoTitle
        );
        assert_eq!(
            reason(NewsItem::new(Some(T), "s", "t", "", "")),
            RejectReason::NoUrl
        );
        for bad in [
            "/news/a",
            "ftp://x.com/a",
            "https://localhost/a",
            "not a url",
        ] {
            assert_eq!(
                reason(NewsItem::new(Some(T), "s", "t", "", bad)),
                RejectReason::BadUrl
            );
        }
    }

    #[test]
    fn dedupe_keeps_the_earliest_copy_of_each_url() {
        let item = |t: i64, title: &str, url: &str| {
            NewsItem::new(Some(T + t), "s", title, "", url).unwrap()
        };
        let mut items = vec![
            item(60, "later copy", "https://a.com/1"),
            item(0, "first", "https://a.com/1"),
            item(30, "other", "https://a.com/2"),
        ];
        assert_eq!(dedupe(&mut items), 1);
        let titles: Vec<_> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["first", "other"]);
    }

    #[test]
    fn times_need_an_offset() {
        assert_eq!(parse_time("2022-01-11T00:00:00Z"), Ok(T));
        assert_eq!(parse_time("2022-01-11T02:00:00+02:00"), Ok(T));
        for bad in ["2022-01-11T00:00:00", "2022-01-11", "yesterday"] {
            assert_eq!(
                parse_time(bad).unwrap_err().reason,
                RejectReason::BadTime,
                "{bad}"
            );
        }
        assert_eq!(parse_time(" ").unwrap_err().reason, RejectReason::NoTime);
    }
}
