//! Feed descriptions are often HTML (`<p>`, `<img>`, `&amp;`); the lexicon and coin
//! matcher need the words, so tags are dropped and common entities decoded.

/// Text content of an HTML fragment: tags removed (as a space), entities decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let tag = rest.starts_with('<')
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if rest.starts_with('<') && !tag {
            out.push('<');
            rest = &rest[1..];
        } else if tag {
            match rest.find('>') {
                Some(end) => {
                    out.push(' ');
                    rest = &rest[end + 1..];
                }
                None => {
                    // An unterminated tag: nothing after it is text.
                    rest = "";
                }
            }
        } else {
            match entity(rest) {
                Some((decoded, len)) => {
                    out.push(decoded);
                    rest = &rest[len..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character for an entity at the start of `s` and the entity's length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(..12).unwrap_or(s).find(';')?;
    let name = &s[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "hellip" => '\u{2026}',
        "mdash" => '\u{2014}',
        "ndash" => '\u{2013}',
        "rsquo" | "lsquo" => '\'',
        "rdquo" | "ldquo" => '"',
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn strips_tags_and_decodes_entities() {
        assert_eq!(
            to_text("<p>Bitcoin &amp; Ether <b>rally</b>&#8230; &#x24;SOL&nbsp;up</p>"),
            " Bitcoin & Ether  rally \u{2026} $SOL up "
        );
        assert_eq!(to_text("AT&T < 5 & more"), "AT&T < 5 & more");
        assert_eq!(to_text("cut <a href=\"x"), "cut ");
        assert_eq!(to_text("plain"), "plain");
    }
}
