//! Kraken's documented API-Sign vector (docs.kraken.com spot-rest-auth; NOTES.md).

use cst_exchange::{Credentials, ExchangeError, api_sign};

const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
const NONCE: u64 = 1_616_492_376_594;
const POST: &str =
    "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
const PATH: &str = "/0/private/AddOrder";
const EXPECTED: &str =
    "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==";

#[test]
fn api_sign_matches_the_documented_vector() {
    assert_eq!(api_sign(SECRET, PATH, NONCE, POST).unwrap(), EXPECTED);
}

#[test]
fn credentials_sign_the_same_and_hide_both_halves() {
    let creds = Credentials::new("my-public-key", SECRET).unwrap();
    assert_eq!(creds.sign(PATH, NONCE, POST).unwrap(), EXPECTED);
    assert_eq!(creds.key(), "my-public-key");
    let shown = format!("{creds:?} {creds:#?}");
    assert!(shown.contains("hidden"), "{shown}");
    assert!(
        !shown.contains("my-public-key") && !shown.contains("kQH5"),
        "{shown}"
    );
}

#[test]
fn a_secret_that_is_not_base64_is_refused() {
    assert!(matches!(
        api_sign("not base64!", PATH, NONCE, POST),
        Err(ExchangeError::InvalidSecret)
    ));
    assert!(matches!(
        Credentials::new("k", "%%%"),
        Err(ExchangeError::InvalidSecret)
    ));
}
