//! What Java writes and the properties reader does not read on its own.

/// Replaces each `\uD8xx\uDCxx` pair of escapes with the character it encodes.
///
/// Java's `Properties.store` escapes a character beyond the BMP (an emoji in a mail subject)
/// as its two UTF-16 halves, and the reader refuses each half alone as an invalid character.
/// An escaped backslash (`\\uD83D`) is left alone, and a lone half still fails to read.
pub(super) fn join_surrogate_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(c) = surrogate_pair(rest) {
            out.push(c);
            rest = &rest[12..];
            continue;
        }
        // A backslash and what it escapes (possibly another backslash) go through together.
        let escaped = rest[1..].chars().next().map_or(0, char::len_utf8);
        out.push_str(&rest[..1 + escaped]);
        rest = &rest[1 + escaped..];
    }
    out.push_str(rest);
    out
}

/// The character of `\uHHHH\uLLLL` at the start of `text`, when those are its two halves.
fn surrogate_pair(text: &str) -> Option<char> {
    let unit = |escape: &str| {
        let hex = escape.strip_prefix("\\u")?;
        let hex = hex.get(..4)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    };
    let high = unit(text).filter(|unit| (0xD800..0xDC00).contains(unit))?;
    let low = unit(text.get(6..)?).filter(|unit| (0xDC00..0xE000).contains(unit))?;
    char::decode_utf16([high, low]).next()?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_become_characters_and_everything_else_stays() {
        let join = join_surrogate_escapes;
        assert_eq!(join("a=\\uD83D\\uDC4B!"), "a=👋!");
        assert_eq!(join("a=\\ud83d\\udc4b"), "a=👋");
        assert_eq!(join("a=\\\\uD83D\\uDC4B"), "a=\\\\uD83D\\uDC4B");
        assert_eq!(join("a=\\uD83D"), "a=\\uD83D");
        assert_eq!(join("a=\\u2B97\\uD83E\\uDE60"), "a=\\u2B97🩠");
        assert_eq!(join("a=\\uDC4B\\uD83D"), "a=\\uDC4B\\uD83D");
        assert_eq!(join("a=\\u00e9\\t\\\n  b\\"), "a=\\u00e9\\t\\\n  b\\");
        assert_eq!(join("ä=\\é\\uD83D\\uDC4"), "ä=\\é\\uD83D\\uDC4");
    }
}
