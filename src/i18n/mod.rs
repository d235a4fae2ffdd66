//! Which language a person reads: chosen per request (`?lang=`, the `doorstep_lang` cookie,
//! `Accept-Language`), and stored with their sign-up and account so that every mail to them
//! is in it, whoever causes the mail. The words themselves are Fluent strings (`strings`),
//! one file per language, the same keys for pages, mails and JSON `message`s.

mod strings;

pub use strings::{Strings, missing};

/// The languages doorstep speaks, the default first.
pub const LANGUAGES: [&str; 4] = ["en", "de", "sv", "fr"];

/// The default language.
pub const DEFAULT: &str = LANGUAGES[0];

/// One of [`LANGUAGES`] for a tag like `de`, `de-CH` or `SV_se`; `None` for any other.
pub fn known(tag: &str) -> Option<&'static str> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LANGUAGES
        .iter()
        .copied()
        .find(|&language| language == primary)
}

/// The language of a request: an explicit `?lang=` first, then the `doorstep_lang` cookie
/// (set by the pages' language switch), then the best of `Accept-Language`, else `default`
/// (`doorstep.i18n.default`).
pub fn negotiate(
    query: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
    default: &'static str,
) -> &'static str {
    query
        .and_then(known)
        .or_else(|| cookie.and_then(known))
        .or_else(|| accept_language.and_then(best_accepted))
        .unwrap_or(default)
}

/// The known language `Accept-Language` weighs highest (RFC 9110, 12.5.4); on equal weights the
/// one listed first. `q=0` means "not this one".
fn best_accepted(header: &str) -> Option<&'static str> {
    let mut best: Option<(&'static str, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let Some(language) = parts.next().and_then(known) else {
            continue;
        };
        let weight = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if weight > 0.0 && best.is_none_or(|(_, top)| weight > top) {
            best = Some((language, weight));
        }
    }
    best.map(|(language, _)| language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_matched_by_their_primary_language() {
        assert_eq!(known("de"), Some("de"));
        assert_eq!(known("de-CH"), Some("de"));
        assert_eq!(known(" SV_se "), Some("sv"));
        assert_eq!(known("fr-CA"), Some("fr"));
        assert_eq!(known("nl"), None);
        assert_eq!(known(""), None);
    }

    #[test]
    fn the_query_wins_then_the_cookie_then_the_header() {
        let header = Some("fr;q=0.9, de");
        assert_eq!(negotiate(Some("sv"), Some("de"), header, "en"), "sv");
        assert_eq!(negotiate(Some("xx"), Some("de"), header, "en"), "de");
        assert_eq!(negotiate(None, None, header, "en"), "de");
        assert_eq!(negotiate(None, Some("klingon"), Some("fr"), "en"), "fr");
        assert_eq!(negotiate(None, None, None, "en"), "en");
        assert_eq!(negotiate(None, None, Some("nl"), "sv"), "sv");
    }

    #[test]
    fn accept_language_is_weighed() {
        assert_eq!(best_accepted("nl, fr;q=0.8, de;q=0.9"), Some("de"));
        assert_eq!(best_accepted("sv-SE, en;q=0.5"), Some("sv"));
        assert_eq!(best_accepted("de;q=0, fr;q=0.1"), Some("fr"));
        assert_eq!(best_accepted("de, fr"), Some("de"));
        assert_eq!(best_accepted("*, nl"), None);
        assert_eq!(best_accepted("de;q=abc"), Some("de"));
    }
}
