//! Coin mentions on real news items, with the pair lists of the real data sets.

use cst_sentiment::{CoinId, CoinMapper};

use crate::helper::{shared_data, titled};

/// The 33 majors of `ohlcv-1h/binance-2021-2022/`, the market the news file overlaps, as
/// (base, quote) from the file names.
fn binance_2021() -> Vec<(String, String)> {
    let dir = shared_data("ohlcv-1h/binance-2021-2022");
    let mut pairs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let (base, quote) = name.strip_suffix(".csv")?.split_once('-')?;
            Some((base.to_owned(), quote.to_owned()))
        })
        .collect();
    pairs.sort();
    assert_eq!(pairs.len(), 33);
    pairs
}

fn mapper(pairs: &[(String, String)]) -> CoinMapper {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(b, q)| (b.as_str(), q.as_str()))
        .collect();
    CoinMapper::new(&refs)
}

fn mentions(m: &CoinMapper, title: &str) -> Vec<String> {
    let item = titled(title);
    m.mentions(&item.title, &item.summary)
        .iter()
        .map(CoinId::to_string)
        .collect()
}

#[test]
fn real_titles_map_to_the_right_coins() {
    let m = mapper(&binance_2021());
    let cases: &[(&str, &[&str])] = &[
        (
            "TRON DAO Reserve Withdraws 2.5 Billion TRX From Binance to Safeguard USDD Peg",
            &["TRX"],
        ),
        (
            "Mastercard Partners With Immutable X, The Sandbox for NFT Purchases Without Crypto",
            &["SAND"],
        ),
        (
            "Near Protocol raises $150M to promote Web3 adoption",
            &["NEAR", "ETH"],
        ),
        (
            "MoneyGram to Partner With Stellar to Provide Stablecoin Remittances",
            &["XLM"],
        ),
        // "hovering near USD 1,800" in the summary is not NEAR.
        (
            "Bitcoin and Ethereum Fluctuate in a Range, LINK and XTZ Outperform",
            &["BTC", "ETH", "LINK", "XTZ"],
        ),
        // The longer name wins: "Bitcoin Cash" is BCH, the later "Bitcoin" is BTC.
        (
            "No flexing for Bitcoin Cash users as BCH loses 98% against Bitcoin",
            &["BCH", "BTC"],
        ),
        (
            "US Food Chain Giant Shake Shack Offers Bitcoin Cashback",
            &["BTC"],
        ),
        (
            "Polygon price risks 50% drop as MATIC paints inverted cup and handle pattern",
            &["POL"],
        ),
        (
            "Binance Resumes DOGE Withdrawals, Says 'No Shade Intended'",
            &["DOGE"],
        ),
    ];
    for (title, expected) in cases {
        assert_eq!(mentions(&m, title), *expected, "{title}");
    }
}

#[test]
fn unrelated_real_titles_map_to_no_coin() {
    let m = mapper(&binance_2021());
    for title in [
        "Facebook To Add 10,000 Jobs In EU For Metaverse Project",
        "French Central Bank's Blockchain Bond Trial Brings First Results",
        "Kanye West says no to NFTs",
        // Tether is a stablecoin quote on Binance, not a listed coin.
        "Crypto Market Sentiment Steps into Positive Zone, Led by Tether",
    ] {
        assert!(
            mentions(&m, title).is_empty(),
            "{title}: {:?}",
            mentions(&m, title)
        );
    }
}

#[test]
fn kraken_and_binance_codes_give_the_same_coins() {
    let kraken = CoinMapper::new(&[
        ("XBT", "USD"),
        ("ETH", "USD"),
        ("XDG", "USD"),
        ("SOL", "EUR"),
    ]);
    let binance = mapper(&binance_2021());
    let title = "Roger Ver Embraces Dogecoin After Bitcoin Cash Loses 50% Against Bitcoin";
    assert_eq!(
        mentions(&kraken, title),
        ["DOGE", "BTC"],
        "BCH is not listed on this Kraken list"
    );
    assert_eq!(mentions(&binance, title), ["DOGE", "BCH", "BTC"]);
    assert_eq!(kraken.coin_of_base("XDG"), binance.coin_of_base("DOGE"));
    assert_eq!(kraken.coin_of_base("XBT"), binance.coin_of_base("BTC"));
}

#[test]
fn about_half_the_real_items_name_a_listed_coin() {
    let m = mapper(&binance_2021());
    let items = crate::helper::news().items();
    let with_coin = items
        .iter()
        .filter(|i| !m.mentions(&i.title, &i.summary).is_empty())
        .count();
    let share = with_coin as f64 / items.len() as f64;
    assert!(
        (0.35..0.65).contains(&share),
        "{with_coin} of {}",
        items.len()
    );
}
