//! The real news file: its quirks are handled and counted, and replay along a clock hands
//! out each item once, never before its publication time.

use std::io::Write;

use cst_sentiment::{MidnightStamps, NewsReplay, RejectReason, ReplayError};

use crate::helper::{news, news_path, titled};

use cst_market::HOUR;

#[test]
fn loading_counts_every_quirk_of_the_real_file() {
    let stats = news().stats();
    assert_eq!(stats.rows, 7_524);
    assert_eq!(stats.rejected.get(&RejectReason::NoTitle), Some(&28));
    assert_eq!(
        stats.rejected.get(&RejectReason::NoUrl),
        Some(&32),
        "60 without url, 28 of them also untitled"
    );
    assert_eq!(stats.rejected.get(&RejectReason::Duplicate), None);
    assert_eq!(stats.urls_repaired, 61);
    assert_eq!(stats.midnight_shifted, 129);
    let rejected: usize = stats.rejected.values().sum();
    assert_eq!(stats.kept + rejected, stats.rows);
    assert_eq!(stats.kept, news().items().len());
}

#[test]
fn items_are_sorted_unique_and_clean() {
    let items = news().items();
    assert!(items.windows(2).all(|w| w[0].published <= w[1].published));
    let urls: std::collections::HashSet<_> = items.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(urls.len(), items.len());
    for item in items {
        assert!(
            item.url.starts_with("https://") && !item.url.contains("comhttp"),
            "{}",
            item.url
        );
        let text = format!("{} {}", item.title, item.summary);
        for junk in ["\\x", "\\u", "\\r", "\\n", "Ã", "Â", "\u{200b}"] {
            assert!(!text.contains(junk), "{junk:?} left in {text:?}");
        }
    }
    let repaired = titled("Buyback-and-burn: What does it mean in crypto?");
    assert_eq!(
        repaired.url,
        "https://cointelegraph.com/explained/buyback-and-burn-what-does-it-mean-in-crypto"
    );
    assert_eq!(
        titled("Stock Exchange Giant Deutsche Börse Secures a Bridge to Crypto Market").source,
        "CryptoNews"
    );
}

#[test]
fn date_only_stamps_count_from_the_end_of_their_day() {
    let title = "Tech Crackdown Hasn't Halted Chinese Firms' Blockchain R&D Progress";
    let midnight = 1_634_256_000; // 2021-10-15T00:00:00Z as recorded
    assert_eq!(titled(title).published, midnight + 86_399);
    let raw = NewsReplay::load_with(&news_path(), MidnightStamps::AsRecorded).unwrap();
    let item = raw.items().iter().find(|i| i.title == title).unwrap();
    assert_eq!(item.published, midnight);
    assert_eq!(raw.stats().midnight_shifted, 0);
    let timed = titled("Celo to Be Fastest EVM Chain by End of 2022, Co-Founder Says");
    assert_eq!(
        timed.published, 1_634_068_800,
        "20:00 stamps are times, left alone"
    );
}

#[test]
fn take_until_hands_out_each_item_once_and_never_early() {
    let mut replay = news().clone();
    let first = replay.items()[0].published;
    let last = replay.items().last().unwrap().published;
    assert!(replay.take_until(first - 1).is_empty());
    let mut t = first - first.rem_euclid(HOUR);
    let mut handed = 0;
    while t <= last + HOUR {
        let batch = replay.take_until(t);
        assert!(
            batch
                .iter()
                .all(|i| i.published <= t && i.published > t - HOUR),
            "at {t}"
        );
        handed += batch.len();
        t += HOUR;
    }
    assert_eq!(handed, news().items().len());
    assert_eq!(replay.remaining(), 0);
    assert!(replay.take_until(last + 10 * HOUR).is_empty());
}

#[test]
fn a_clock_that_goes_back_gets_nothing_new() {
    let mut replay = news().clone();
    let t = replay.items()[100].published;
    let n = replay.take_until(t).len();
    assert!(n >= 101);
    assert!(replay.take_until(t - 10 * HOUR).is_empty());
    assert!(replay.take_until(t).is_empty(), "already handed out");
    assert_eq!(replay.remaining(), replay.items().len() - n);
}

#[test]
fn broken_files_are_typed_errors() {
    let missing = NewsReplay::load(std::path::Path::new("/nonexistent/news.csv")).unwrap_err();
    assert!(matches!(missing, ReplayError::Open { .. }), "{missing}");

    let mut no_url = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        no_url,
        "published_at,source,title,summary\n2022-01-01T00:00:00Z,X,T,S"
    )
    .unwrap();
    let err = NewsReplay::load(no_url.path()).unwrap_err();
    assert!(
        matches!(err, ReplayError::MissingColumn { column: "url", .. }),
        "{err}"
    );

    let mut ragged = tempfile::NamedTempFile::new().unwrap();
    writeln!(
        ragged,
        "published_at,source,title,summary,url\n2022-01-01T10:00:00Z,X,T"
    )
    .unwrap();
    assert!(matches!(
        NewsReplay::load(ragged.path()),
        Err(ReplayError::Csv { .. })
    ));
}

#[test]
fn rows_with_bad_times_are_rejected_not_defaulted() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "published_at,source,subject,title,summary,url\n\
         2022-01-01T10:00:00Z,X,btc,Kept,S,https://x.com/a\n\
         ,X,btc,No time,S,https://x.com/b\n\
         2022-01-01 10:00,X,btc,No zone,S,https://x.com/c\n\
         1970-01-01T00:00:00Z,X,btc,Epoch,S,https://x.com/d\n\
         2022-01-01T09:00:00Z,X,btc,Same url later listed,S,https://x.com/a\n"
    )
    .unwrap();
    let replay = NewsReplay::load(file.path()).unwrap();
    assert_eq!(replay.items().len(), 1);
    assert_eq!(
        replay.items()[0].title,
        "Same url later listed",
        "the earliest publication wins"
    );
    let rejected = &replay.stats().rejected;
    assert_eq!(rejected.get(&RejectReason::NoTime), Some(&1));
    assert_eq!(rejected.get(&RejectReason::BadTime), Some(&2));
    assert_eq!(rejected.get(&RejectReason::Duplicate), Some(&1));
}
