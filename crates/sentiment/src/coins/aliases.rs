//! The built-in knowledge: which exchange codes are the same coin, what the majors are
//! called in prose, and which tickers are too much like ordinary words to trust bare.

/// One coin: its canonical id, every ticker it trades under, and its names in prose
/// (lowercase; several words for multi-word names).
pub(super) struct Alias {
    pub id: &'static str,
    pub tickers: &'static [&'static str],
    pub names: &'static [&'static str],
}

const fn alias(
    id: &'static str,
    tickers: &'static [&'static str],
    names: &'static [&'static str],
) -> Alias {
    Alias { id, tickers, names }
}

/// About 40 majors. Multi-word names beat their prefixes ("bitcoin cash" is BCH, not BTC).
pub(super) const ALIASES: &[Alias] = &[
    alias("BTC", &["BTC", "XBT"], &["bitcoin"]),
    alias("ETH", &["ETH"], &["ethereum", "ether"]),
    alias("SOL", &["SOL"], &["solana"]),
    alias("XRP", &["XRP"], &["ripple"]),
    alias("ADA", &["ADA"], &["cardano"]),
    alias("DOGE", &["DOGE", "XDG"], &["dogecoin"]),
    alias("DOT", &["DOT"], &["polkadot"]),
    alias("LTC", &["LTC"], &["litecoin"]),
    alias("LINK", &["LINK"], &["chainlink"]),
    alias("AVAX", &["AVAX"], &["avalanche"]),
    alias("POL", &["POL", "MATIC"], &["polygon"]),
    alias("TRX", &["TRX"], &["tron"]),
    alias("SHIB", &["SHIB"], &["shiba inu"]),
    alias("BNB", &["BNB"], &["binance coin"]),
    alias("TON", &["TON"], &["toncoin"]),
    alias("UNI", &["UNI"], &["uniswap"]),
    alias("XLM", &["XLM"], &["stellar"]),
    alias("BCH", &["BCH"], &["bitcoin cash"]),
    alias("BSV", &["BSV"], &["bitcoin sv"]),
    alias("ETC", &["ETC"], &["ethereum classic"]),
    alias("ATOM", &["ATOM"], &["cosmos"]),
    alias("XMR", &["XMR"], &["monero"]),
    alias("XTZ", &["XTZ"], &["tezos"]),
    alias("ALGO", &["ALGO"], &["algorand"]),
    alias("NEAR", &["NEAR"], &["near protocol"]),
    alias("FIL", &["FIL"], &["filecoin"]),
    alias("AAVE", &["AAVE"], &["aave"]),
    alias("APE", &["APE"], &["apecoin"]),
    alias("SAND", &["SAND"], &["the sandbox"]),
    alias("MANA", &["MANA"], &["decentraland"]),
    alias("FTM", &["FTM"], &["fantom"]),
    alias("VET", &["VET"], &["vechain"]),
    alias("EGLD", &["EGLD"], &["elrond", "multiversx"]),
    alias("CHZ", &["CHZ"], &["chiliz"]),
    alias("FTT", &["FTT"], &["ftx token"]),
    alias("ICP", &["ICP"], &["internet computer"]),
    alias("HBAR", &["HBAR"], &["hedera"]),
    alias("ARB", &["ARB"], &["arbitrum"]),
    alias("APT", &["APT"], &["aptos"]),
    alias("ZEC", &["ZEC"], &["zcash"]),
    alias("USDT", &["USDT"], &["tether"]),
];

/// Names that are also ordinary words ("a stellar quarter", "an avalanche of sell
/// orders"): they count only when capitalised, as a proper noun is.
pub(super) const CAPITALISED_ONLY: &[&str] = &[
    "ripple",
    "avalanche",
    "polygon",
    "tron",
    "stellar",
    "cosmos",
    "the sandbox",
];

/// Kraken's legacy four-letter asset codes, as its REST API still returns them.
pub(super) const KRAKEN_LEGACY: &[(&str, &str)] = &[
    ("XXBT", "BTC"),
    ("XETH", "ETH"),
    ("XXDG", "DOGE"),
    ("XLTC", "LTC"),
    ("XXRP", "XRP"),
    ("XXLM", "XLM"),
    ("XXMR", "XMR"),
    ("XZEC", "ZEC"),
    ("XETC", "ETC"),
];

/// Quote currencies that are not coins: news about "USD" is not about a tradeable asset.
pub(super) const FIAT: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "KRW", "TRY", "BRL", "ZUSD", "ZEUR", "ZGBP",
    "ZJPY", "ZCAD", "ZAUD",
];

/// Stablecoins: a coin when listed as a base, but not picked up from quote currencies.
pub(super) const STABLE: &[&str] = &["USDT", "USDC", "DAI", "BUSD", "TUSD", "FDUSD", "PYUSD"];

/// Tickers that are English words or everyday acronyms in capitals ("ONE", "GAS", "SEC"):
/// bare they are too often prose, so only the cashtag (`$ONE`) or the coin's name counts.
/// Tickers of one or two characters are treated the same way.
pub(super) const WORDLIKE_TICKERS: &[&str] = &[
    "ACE", "ACT", "AI", "ALL", "ALPINE", "AND", "ANT", "ANY", "API", "APE", "ARK", "ATH", "BAND",
    "BAR", "BETA", "BLUR", "BOND", "BURGER", "CAKE", "CAT", "CEO", "CITY", "COS", "DAO", "DATA",
    "DOG", "DOGS", "EDGE", "ETF", "EU", "FAN", "FED", "FLOW", "FOR", "FORTH", "FUN", "GAME", "GAS",
    "GMT", "GOLD", "HARD", "HIGH", "HOT", "IPO", "IRS", "KEY", "KYC", "LEVER", "LIVE", "LOOM",
    "MAGIC", "MASK", "MEME", "MOVE", "NEAR", "NFT", "NOT", "OMG", "ONE", "OTC", "PEOPLE", "POWER",
    "PUMP", "RARE", "REAL", "SAFE", "SAGA", "SAND", "SEC", "SUN", "SUPER", "THE", "TOKEN", "TRUMP",
    "TVL", "USA", "WEB", "WELL", "WIN", "WING",
];
