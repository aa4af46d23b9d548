//! RSS 2.0, RSS 1.0 and Atom documents → items or typed rejections; non-feeds → errors.

use cst_sentiment::{FeedError, NewsItem, RejectReason, parse_feed};

use crate::helper::fixture;

type Parsed = Vec<Result<NewsItem, cst_sentiment::ItemRejection>>;

fn kept(parsed: &Parsed) -> Vec<&NewsItem> {
    parsed.iter().filter_map(|r| r.as_ref().ok()).collect()
}

fn reasons(parsed: &Parsed) -> Vec<RejectReason> {
    parsed
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.reason))
        .collect()
}

#[test]
fn rss2_items_keep_their_own_time_and_text() {
    let parsed = parse_feed(&fixture("rss2.xml"), "cointelegraph.com").unwrap();
    assert_eq!(parsed.len(), 7);
    let items = kept(&parsed);
    assert_eq!(items.len(), 2);
    let hack = items[0];
    assert_eq!(
        hack.published, 1_649_972_400,
        "Thu, 14 Apr 2022 21:40:00 +0000"
    );
    assert_eq!(
        hack.title,
        "North Korean Lazarus Group allegedly behind Ronin Bridge hack"
    );
    assert_eq!(
        hack.summary,
        "The FBI says the Lazarus Group stole 173,600 ETH & 25.5M USDC from the Ronin bridge..."
    );
    assert_eq!(hack.source, "cointelegraph.com");
    assert_eq!(
        hack.url,
        "https://cointelegraph.com/news/north-korean-lazarus-group-allegedly-behind-ronin-bridge-hack"
    );
    assert_eq!(
        items[1].published, 1_653_956_100,
        "dc:date with +02:00 is 00:15 UTC"
    );
}

#[test]
fn rss2_items_without_a_usable_time_title_or_url_are_rejected() {
    let parsed = parse_feed(&fixture("rss2.xml"), "cointelegraph.com").unwrap();
    assert_eq!(
        reasons(&parsed),
        [
            RejectReason::NoTime, // no pubDate
            RejectReason::NoTime, // pubDate "sometime yesterday": no time, never "now"
            RejectReason::NoTitle,
            RejectReason::NoUrl,  // a guid that is not a link
            RejectReason::BadUrl, // relative link
        ]
    );
}

#[test]
fn rss1_uses_dc_date() {
    let parsed = parse_feed(&fixture("rss1.rdf"), "cryptonews.com").unwrap();
    let items = kept(&parsed);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].published, 1_635_347_820, "2021-10-27T15:17:00Z");
    assert!(
        items[0]
            .title
            .starts_with("Cream Finance Suffers Another Exploit")
    );
    assert_eq!(reasons(&parsed), [RejectReason::NoTime]);
}

#[test]
fn atom_prefers_published_and_falls_back_to_updated() {
    let parsed = parse_feed(&fixture("atom.xml"), "cryptopotato.com").unwrap();
    let items = kept(&parsed);
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].published, 1_654_117_500,
        "published, not the later updated"
    );
    assert_eq!(
        items[0].url, "https://cryptopotato.com/solana-suffers-5th-outage-in-2022-sol-dives/",
        "the alternate link, not the enclosure"
    );
    assert_eq!(items[0].summary, "The Solana network halted again.");
    assert_eq!(
        items[1].published, 1_645_698_600,
        "only updated: never earlier than publication"
    );
    assert_eq!(
        items[1].summary, "Cardano keeps growing.",
        "content when there is no summary"
    );
}

#[test]
fn documents_that_are_not_feeds_are_errors() {
    let html = b"<!DOCTYPE html><html><body><h1>Just a moment...</h1></body></html>";
    let mut truncated = fixture("rss2.xml");
    truncated.truncate(900);
    for bytes in [
        &html[..],
        b"",
        b"{\"not\": \"a feed\"}",
        b"\x00\x01garbage",
        &truncated[..],
    ] {
        match parse_feed(bytes, "x.com") {
            Err(FeedError::Parse(_)) => {}
            other => panic!(
                "{:?}: expected a parse error, got {other:?}",
                String::from_utf8_lossy(bytes)
            ),
        }
    }
}
