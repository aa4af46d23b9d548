//! The lexicon on real titles whose tone is unambiguous.

use cst_sentiment::Lexicon;

use crate::helper::titled;

fn title_score(title: &str) -> f64 {
    Lexicon::default().score(&titled(title).title)
}

#[test]
fn clearly_bullish_titles_score_positive() {
    for title in [
        "Bitcoin Hits All-Time High on Record US Inflation Figures",
        "Unique Cardano (ADA) Wallets Surge to Record High Above 3 Million",
        "Bitcoin Taps $40K, Surging 6% in Less Than Two Hours",
        "Mexican Senator Aims to Introduce Bitcoin Legal Tender Bill",
        "Bitcoin and Ethereum Try to Recover, Smaller Altcoins Rally",
    ] {
        let s = title_score(title);
        assert!(s > 0.3, "{title}: {s}");
    }
}

#[test]
fn clearly_bearish_titles_score_negative() {
    for title in [
        "North Korean Lazarus Group allegedly behind Ronin Bridge hack",
        "Over $80 Million Stolen From DeFi Lender Rari Capital",
        "Cream Finance Suffers Another Exploit as Attacker Runs Away With USD 100M+",
        "80,000 Bitcoin millionaires wiped out in the great crypto crash of 2022",
        "Crypto Bloodbath Impact: DeFi TVL Sinks to Lowest Levels Since June 2021",
        "Bitcoin Funds See Largest Outflows on Record 'By a Wide Margin' - CoinShares",
    ] {
        let s = title_score(title);
        assert!(s < -0.3, "{title}: {s}");
    }
}

#[test]
fn negated_real_titles_flip() {
    let not_a_concern = "A US Fed Governor Argues That Stablecoins Scaling Fast is Not a Concern";
    assert!(title_score(not_a_concern) > 0.0);
    assert!(Lexicon::default().score("Stablecoins Scaling Fast is a Concern") < 0.0);
    let fail = "Bitcoin and Ethereum Fail to Recover, NEAR and ZEC Turn Green";
    assert!(title_score(fail) < 0.0);
    let not_bear = "Willy Woo: 'Peak fear' but on-chain metrics say it's not a bear market";
    assert!(title_score(not_bear) > 0.0);
}

#[test]
fn titles_without_evidence_score_exactly_zero() {
    for title in [
        "What is ApeCoin and how does it work?",
        "Kanye West says no to NFTs",
    ] {
        assert_eq!(title_score(title), 0.0, "{title}");
    }
}

#[test]
fn every_real_item_scores_within_bounds() {
    let lex = Lexicon::default();
    for item in crate::helper::news().items() {
        let s = lex.score_item(&item.title, &item.summary);
        assert!((-1.0..=1.0).contains(&s), "{}: {s}", item.title);
    }
}
