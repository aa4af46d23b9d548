//! What it takes to trade live: explicit configuration with keys, a reachable exchange that
//! knows the key, funds that cover the books, and books of the live kind.

use cst_config::TradeMode;
use cst_testkit::kraken::Stub;
use cst_trade::{
    Account, Step,
    books::{connect_live, load_account, to_record},
};

use crate::common::*;

const KEY: &str = "stub-key";
const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

fn live_config(base_url: &str, secret: &str) -> cst_config::Config {
    config(&format!(
        "[collector]\nquotes = [\"USDT\"]\n[portfolio]\nmode = \"live\"\n\
         [portfolio.live]\nbase_url = \"{base_url}\"\napi_key = \"{KEY}\"\napi_secret = \"{secret}\"\n"
    ))
}

#[test]
fn live_mode_needs_both_keys_and_never_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let home = cst_config::Home::new(dir.path());
    std::fs::write(
        dir.path().join("config.toml"),
        "[portfolio]\nmode = \"live\"\n[portfolio.live]\napi_key = \"k\"\n",
    )
    .unwrap();
    let err = cst_config::load(&home, None).unwrap_err().to_string();
    assert!(
        err.contains("needs portfolio.live.api_key and portfolio.live.api_secret"),
        "{err}"
    );

    let c = live_config("http://127.0.0.1:9", SECRET);
    assert_eq!(c.portfolio.mode, TradeMode::Live);
    let shown = format!("{c:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains(KEY),
        "keys leaked into Debug"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_reads_the_pairs_and_refuses_an_account_the_exchange_cannot_cover() {
    let stub = Stub::empty(KEY, SECRET).await;
    stub.serve_public(
        "AssetPairs",
        std::fs::read(cst_testkit::shared("data/kraken-api/http_asset_pairs.json")).unwrap(),
    );
    stub.fund("USDT", 500.0);
    let c = live_config(&stub.base_url, SECRET);
    let books = Account::new(c.portfolio.starting_cash_usd);
    let err = connect_live(&c, &books).await.unwrap_err().to_string();
    assert_eq!(
        err,
        "the exchange holds 500.00 in USDT but the live books need 10000.00 of cash: fund the \
         account or lower portfolio.starting_cash_usd (before the first live hour)"
    );
    stub.fund("USDT", 9_500.0);
    let venue = connect_live(&c, &books).await.unwrap();
    let shown = format!("{venue:?}");
    assert!(
        shown.contains("XBT/USDT") && shown.contains("XBTUSDT"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET), "the secret leaked into Debug");

    // A key the exchange does not accept stops the start with the reason.
    let other = "c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1zdHViJ3M=";
    let err = connect_live(&live_config(&stub.base_url, other), &books)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid signature"), "{err}");
    let err = connect_live(&live_config(&stub.base_url, "not base64!"), &books)
        .await
        .unwrap_err();
    assert!(
        err.is_config(),
        "a secret that is not base64 is a configuration error"
    );
    let err = err.to_string();
    assert!(err.contains("portfolio.live.api_secret"), "{err}");
}

#[test]
fn paper_books_are_never_continued_as_live_ones_nor_the_reverse() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = cst_store::Store::open(&dir.path().join("cst.db")).unwrap();
    let paper = config("");
    let live = live_config("http://127.0.0.1:9", SECRET);
    // A fresh home starts the kind its mode says.
    assert!(load_account(&store, &live).unwrap().live);
    assert!(!load_account(&store, &paper).unwrap().live);

    let step = Step {
        t: JUNE_10,
        stepped: true,
        ..Step::default()
    };
    let books = Account::new(10_000.0);
    store
        .record_portfolio_hour(&to_record(&step, &books).unwrap())
        .unwrap();
    let err = load_account(&store, &live).unwrap_err();
    assert!(err.is_config());
    let err = err.to_string();
    assert!(
        err.contains("holds paper books") && err.contains("use another --home for live trading"),
        "{err}"
    );
    assert!(!load_account(&store, &paper).unwrap().live);
}
