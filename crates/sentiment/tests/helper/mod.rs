//! Paths to the shared real data (read in place, never copied), the news replay loaded
//! once, and a scripted HTTP stub.

pub mod stub;

use std::path::PathBuf;
use std::sync::OnceLock;

use cst_sentiment::{NewsItem, NewsReplay};

/// `/work/shared/data/<rel>`, found from this crate's directory.
pub fn shared_data(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

pub fn news_path() -> PathBuf {
    shared_data("news/cryptonews-2021-10_2022-07.csv")
}

/// The real news file, loaded with default settings, shared by all tests.
pub fn news() -> &'static NewsReplay {
    static NEWS: OnceLock<NewsReplay> = OnceLock::new();
    NEWS.get_or_init(|| NewsReplay::load(&news_path()).expect("news file loads"))
}

/// The one item with this exact (cleaned) title.
pub fn titled(title: &str) -> &'static NewsItem {
    let mut found = news().items().iter().filter(|i| i.title == title);
    let item = found
        .next()
        .unwrap_or_else(|| panic!("no item titled {title:?}"));
    assert!(found.next().is_none(), "several items titled {title:?}");
    item
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = cst_testkit::fixture(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
