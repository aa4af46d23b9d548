//! Fetching several feeds from a loopback stub: each feed succeeds or fails on its own.

use std::time::Duration;

use cst_sentiment::{FeedClient, FeedConfig, FeedError};

use crate::helper::fixture;
use crate::helper::stub::{Reply, Stub};

fn client(timeout: Duration, max_bytes: usize) -> FeedClient {
    FeedClient::new(FeedConfig { timeout, max_bytes }).expect("client builds")
}

#[tokio::test]
async fn a_failing_feed_is_reported_and_the_others_still_processed() {
    let good = Stub::start(vec![Reply::ok(fixture("rss2.xml"))]).await;
    let atom = Stub::start(vec![Reply::ok(fixture("atom.xml"))]).await;
    let missing = Stub::start(vec![Reply::status(404, "not found")]).await;
    let html = Stub::start(vec![Reply::ok("<html><body>blocked</body></html>")]).await;
    let slow = Stub::start(vec![
        Reply::ok(fixture("rss1.rdf")).after(Duration::from_secs(30)),
    ])
    .await;
    let urls = [
        format!("{}/rss", good.base_url),
        format!("{}/missing", missing.base_url),
        format!("{}/feed", html.base_url),
        format!("{}/slow", slow.base_url),
        "not a url".to_owned(),
        format!("{}/atom", atom.base_url),
    ];
    let reports = client(Duration::from_millis(300), 1 << 20)
        .fetch_all(&urls)
        .await;
    assert_eq!(
        reports.iter().map(|r| r.url.as_str()).collect::<Vec<_>>(),
        urls.iter().map(String::as_str).collect::<Vec<_>>()
    );

    let good_items = reports[0].outcome.as_ref().expect("good feed");
    assert_eq!(good_items.iter().filter(|r| r.is_ok()).count(), 2);
    assert_eq!(good_items.len(), 7, "rejections are reported per item");
    let source = &good_items[0].as_ref().unwrap().source;
    assert_eq!(source, "127.0.0.1", "items are named after the feed's host");
    assert!(
        matches!(reports[1].outcome, Err(FeedError::Http { status: 404, .. })),
        "{:?}",
        reports[1].outcome
    );
    assert!(
        matches!(reports[2].outcome, Err(FeedError::Parse(_))),
        "{:?}",
        reports[2].outcome
    );
    match &reports[3].outcome {
        Err(FeedError::Timeout { after, .. }) => assert_eq!(*after, Duration::from_millis(300)),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(matches!(
        reports[4].outcome,
        Err(FeedError::InvalidUrl { .. })
    ));
    assert_eq!(reports[5].outcome.as_ref().expect("atom feed").len(), 2);
    assert_eq!(
        (good.count(), missing.count(), html.count(), atom.count()),
        (1, 1, 1, 1)
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = Stub::start(vec![Reply::ok(fixture("rss2.xml"))]).await;
    let limit = 1_000;
    let err = client(Duration::from_secs(5), limit)
        .fetch(&format!("{}/rss", big.base_url))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FeedError::TooLarge { limit: 1_000, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_host_is_a_transport_error() {
    let url = cst_testkit::http::refused_url("/rss");
    let err = client(Duration::from_secs(5), 1 << 20)
        .fetch(&url)
        .await
        .unwrap_err();
    assert!(matches!(err, FeedError::Transport { .. }), "{err}");
    assert!(err.to_string().contains("check the network"), "{err}");
}

#[test]
fn the_default_feeds_are_the_well_known_outlets() {
    let hosts: Vec<_> = cst_sentiment::DEFAULT_FEEDS
        .iter()
        .map(|u| u.split('/').nth(2).unwrap_or_default())
        .collect();
    assert_eq!(
        hosts,
        [
            "www.coindesk.com",
            "cointelegraph.com",
            "decrypt.co",
            "bitcoinmagazine.com"
        ]
    );
    assert!(
        cst_sentiment::DEFAULT_FEEDS
            .iter()
            .all(|u| u.starts_with("https://"))
    );
}
