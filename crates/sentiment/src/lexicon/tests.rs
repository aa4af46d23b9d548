use super::*;

#[test]
fn no_terms_is_exactly_zero() {
    let lex = Lexicon::default();
    assert_eq!(lex.score("What is a blockchain oracle?"), 0.0);
    assert_eq!(lex.score(""), 0.0);
}

#[test]
fn direction_strength_and_bounds() {
    let lex = Lexicon::default();
    let one = lex.score("Bitcoin surges");
    let two = lex.score("Bitcoin surges to an all-time high");
    assert!(one > 0.0 && two > one && two < 1.0, "{one} {two}");
    assert!(lex.score("Exchange hacked, funds stolen") < -0.5);
    let many = "crash ".repeat(200);
    let floor = lex.score(&many);
    assert!((-1.0..-0.99).contains(&floor), "{floor}");
}

#[test]
fn phrases_beat_their_words() {
    let lex = Lexicon::with_terms(&[("high", -1.0), ("all time high", 1.0)]);
    assert!(lex.score("an all-time high") > 0.0);
    assert!(lex.score("fees are high") < 0.0);
}

#[test]
fn negation_flips_the_next_term_within_the_window() {
    let lex = Lexicon::default();
    assert!(lex.score("the ETF was approved") > 0.0);
    assert!(lex.score("the ETF was not approved") < 0.0);
    assert!(lex.score("Bitcoin fails to recover") < 0.0);
    assert!(lex.score("it hasn't crashed") > 0.0);
    assert!(
        lex.score("no one knew why it would eventually crash") < 0.0,
        "outside window"
    );
    assert!(
        lex.score("not a crash, then a rally") > 0.0,
        "only the next term flips"
    );
}

#[test]
fn summary_counts_less_than_title() {
    let lex = Lexicon::default();
    let title = lex.score_item("Token surges", "");
    let summary = lex.score_item("Token news", "Token surges");
    assert!(title > summary && summary > 0.0);
    assert_eq!(lex.score_item("Weekly recap", "Nothing to see"), 0.0);
}

#[test]
fn non_finite_weights_are_ignored() {
    let lex = Lexicon::with_terms(&[("moon", f64::NAN), ("rally", 1.0)]);
    assert_eq!(lex.score("moon"), 0.0);
    assert!(lex.score("moon rally").is_finite());
}
