use super::*;

fn kraken() -> CoinMapper {
    CoinMapper::new(&[
        ("XBT", "USD"),
        ("ETH", "USD"),
        ("ETH", "XBT"),
        ("SOL", "EUR"),
        ("XDG", "USD"),
        ("BCH", "USD"),
        ("ONE", "USD"),
        ("GAS", "USD"),
        ("USDT", "USD"),
        ("FLOKI", "USD"),
    ])
}

fn ids(coins: &[CoinId]) -> Vec<&str> {
    coins.iter().map(CoinId::as_str).collect()
}

#[test]
fn exchange_codes_become_one_id_per_coin() {
    let m = kraken();
    assert_eq!(m.coin_of_base("XBT"), Some(CoinId::canonical("BTC")));
    assert_eq!(m.coin_of_base("XXBT"), m.coin_of_base("XBT"));
    assert_eq!(
        m.coin_of_base("xdg").map(|c| c.to_string()),
        Some("DOGE".into())
    );
    assert_eq!(
        m.coin_of_base("DOGE").map(|c| c.to_string()),
        Some("DOGE".into())
    );
    assert_eq!(
        m.coin_of_base("FLOKI").map(|c| c.to_string()),
        Some("FLOKI".into())
    );
    assert_eq!(m.coin_of_base("ADA"), None, "not listed on this exchange");
    assert_eq!(m.coin_of_base("USD"), None, "fiat is not a coin");
    let binance = CoinMapper::new(&[("BTC", "USDT"), ("MATIC", "USDT")]);
    assert_eq!(binance.coin_of_base("BTC"), kraken().coin_of_base("XBT"));
    assert_eq!(binance.coin_of_base("POL"), binance.coin_of_base("MATIC"));
    assert_eq!(
        binance.coin_of_base("USDT"),
        None,
        "a stablecoin quote is not listed"
    );
}

#[test]
fn names_and_tickers_map_to_listed_coins_once_each() {
    let m = kraken();
    let found = m.mentions(
        "Bitcoin and ether rally as XBT, BTC and ETH holders cheer",
        "Dogecoin and XDG follow; Cardano (ADA) is not listed here.",
    );
    assert_eq!(ids(&found), ["BTC", "ETH", "DOGE"]);
}

#[test]
fn tickers_are_case_sensitive_and_whole_words() {
    let m = kraken();
    assert!(
        m.mentions("Sol is the sun; btc lowercase; BTCUSD; ETH2 merge", "")
            .is_empty()
    );
    assert_eq!(
        ids(&m.mentions("BTC/USD and ETH-based tokens", "")),
        ["BTC", "ETH"]
    );
}

#[test]
fn wordlike_tickers_need_a_cashtag() {
    let m = kraken();
    assert!(m.mentions("ONE GAS STATION FOR ALL", "").is_empty());
    assert_eq!(
        ids(&m.mentions("$ONE pumps while $gas lags", "")),
        ["ONE", "GAS"]
    );
}

#[test]
fn longer_names_win_and_ambiguous_names_need_a_capital() {
    let m = kraken();
    assert_eq!(ids(&m.mentions("Bitcoin Cash forks again", "")), ["BCH"]);
    let m = CoinMapper::new(&[("XLM", "USD"), ("AVAX", "USD"), ("XRP", "USD")]);
    assert!(
        m.mentions(
            "a stellar quarter and an avalanche of orders",
            "ripple effects"
        )
        .is_empty()
    );
    assert_eq!(
        ids(&m.mentions(
            "Stellar partners with MoneyGram",
            "Ripple wins; Avalanche too"
        )),
        ["XLM", "XRP", "AVAX"]
    );
}
