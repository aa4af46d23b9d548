//! Text clean-up and word splitting shared by coin matching and the lexicon.
//!
//! Scraped news carries mojibake (the replay CSV has `\x9c`, `\u200b` and `\r\n` written
//! out as text, and `Ã¶` pairs) and typographic punctuation. Left alone, `\x9cBitcoin` is not the word "Bitcoin" and
//! `hasn’t` is not a negation, so every item's text goes through [`clean`] once.

/// Repairs double-encoded UTF-8 and literal `\xNN`, `\uNNNN`, `\r`, `\n` escapes, turns typographic quotes,
/// dashes and odd spaces into ASCII, and collapses whitespace.
pub fn clean(raw: &str) -> String {
    let units = units(raw);
    let mut repaired = String::with_capacity(raw.len());
    let mut i = 0;
    while i < units.len() {
        match (units[i], units.get(i + 1)) {
            // A UTF-8 lead byte read as Latin-1 followed by its continuation: `Ã¶` → `ö`.
            (Unit::Char(c @ '\u{c2}'..='\u{df}'), Some(&next)) if next.continuation().is_some() => {
                let lead = u32::from(c) & 0x1f;
                let cont = next.continuation().map_or(0, |b| u32::from(b) & 0x3f);
                repaired.extend(char::from_u32((lead << 6) | cont));
                i += 2;
                continue;
            }
            // `Â` whose continuation got lost: it was almost always a no-break space.
            (Unit::Char('\u{c2}'), _) => repaired.push(' '),
            // A lone escaped byte is the tail of `E2 80 xx` (quotes, dashes) whose head was
            // dropped; `\xa0` alone is the tail of a no-break space.
            (Unit::Escaped(0xa0), _) => repaired.push(' '),
            (Unit::Escaped(b @ 0x80..=0xbf), _) => {
                repaired.extend(char::from_u32(0x2000 + u32::from(b) - 0x80));
            }
            (Unit::Escaped(_), _) => repaired.push(' '),
            (Unit::Char(c), _) => repaired.push(c),
        }
        i += 1;
    }
    let mut out = String::with_capacity(repaired.len());
    for c in repaired.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            c if c.is_whitespace() || ('\u{2000}'..='\u{200a}').contains(&c) => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Char(char),
    /// A literal four-character `\xNN` in the text.
    Escaped(u8),
}

impl Unit {
    /// The byte this unit stands for when it is a UTF-8 continuation byte.
    fn continuation(self) -> Option<u8> {
        match self {
            Unit::Escaped(b @ 0x80..=0xbf) => Some(b),
            Unit::Char(c @ '\u{80}'..='\u{bf}') => u8::try_from(u32::from(c)).ok(),
            _ => None,
        }
    }
}

fn units(raw: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let escaped = rest
            .strip_prefix("\\x")
            .and_then(|hex| hex.get(..2))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|b| *b >= 0x80);
        let unicode = rest
            .strip_prefix("\\u")
            .and_then(|hex| hex.get(..4))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        let control = ["\\r", "\\n", "\\t"].iter().any(|e| rest.starts_with(e));
        let (unit, len) = match (escaped, unicode) {
            (Some(b), _) => (Unit::Escaped(b), 4),
            (None, Some(u)) => (Unit::Char(u), 6),
            (None, None) if control => (Unit::Char(' '), 2),
            (None, None) => (Unit::Char(c), c.len_utf8()),
        };
        units.push(unit);
        rest = &rest[len..];
    }
    units
}

/// A word of cleaned text, in its original case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Written as a cashtag (`$SOL`): an explicit ticker even when it is also a word.
    pub cashtag: bool,
}

/// Splits into words: runs of letters and digits, keeping inner apostrophes (`hasn't`)
/// and dropping a possessive `'s` (`Bitcoin's` → `Bitcoin`).
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            let inner_apostrophe = c == '\''
                && text[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if c.is_alphanumeric() || inner_apostrophe {
                end = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let word = word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("'S"))
            .unwrap_or(word);
        let cashtag = start > 0 && bytes[start - 1] == b'$';
        out.push(Token {
            text: word,
            cashtag,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_replay_files_mojibake() {
        assert_eq!(
            clean(r"become \x9caÂ\xa0metaverseÂ\xa0company,\x9dÂ\xa0 Facebook"),
            "become \"a metaverse company,\" Facebook"
        );
        assert_eq!(clean("Deutsche BÃ¶rse"), "Deutsche Börse");
        assert_eq!(clean(r"PaweÅ\x82 and Ã\x89ric"), "Paweł and Éric");
        assert_eq!(clean(r"ETF \x93 Analyst"), "ETF - Analyst");
        assert_eq!(clean("Risks RemainÂ"), "Risks Remain");
        assert_eq!(clean("It hasn’t  halted…"), "It hasn't halted...");
        assert_eq!(
            clean(r"custody operati\u200b\u200bons"),
            "custody operations"
        );
        assert_eq!(
            clean(r"resistance.\nEthereum crash.\r\n"),
            "resistance. Ethereum crash."
        );
    }

    #[test]
    fn leaves_clean_text_and_real_accents_alone() {
        let text = "Telefónica weighs BTC, ETH and café payments";
        assert_eq!(clean(text), text);
        assert_eq!(clean(r"a \x41 b"), r"a \x41 b");
    }

    #[test]
    fn splits_words_and_cashtags() {
        let words: Vec<_> = tokens("Bitcoin's $ONE rally hasn't stopped; BTC/USD-based")
            .into_iter()
            .map(|t| (t.text, t.cashtag))
            .collect();
        assert_eq!(
            words,
            [
                ("Bitcoin", false),
                ("ONE", true),
                ("rally", false),
                ("hasn't", false),
                ("stopped", false),
                ("BTC", false),
                ("USD", false),
                ("based", false)
            ]
        );
    }
}
