//! Front-end origins allowed to call the JSON API from a browser (`doorstep.cors.origins`).

use std::fmt;

use url::Url;

/// One listed origin, held as browsers send it in `Origin`: `scheme://host[:port]`, the host
/// lower-case (IDNA in punycode) and the scheme's default port left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

const USAGE: &str = "use scheme://host[:port], e.g. https://app.example.com";

impl Origin {
    /// Parses `scheme://host[:port]`; the error says what is wrong with `text`.
    ///
    /// Nothing but an origin is taken: a path or trailing slash would suggest a narrower grant
    /// than CORS can give (browsers send no path in `Origin`), and a wildcard would hand the
    /// signed-in session to every site that matches it.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let text = text.trim();
        if text.contains('*') {
            return Err(format!(
                "{text:?}: wildcards are not allowed, list each origin ({USAGE})"
            ));
        }
        let url =
            Url::parse(text).map_err(|e| format!("{text:?} is not an origin ({e}); {USAGE}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "{text:?}: only http and https origins can be listed"
            ));
        }
        let Some((_, authority)) = text.split_once("://") else {
            return Err(format!("{text:?} is not an origin; {USAGE}"));
        };
        if authority.contains(['/', '?', '#']) {
            return Err(format!(
                "{text:?} must be an origin only: no path, trailing slash, query or fragment \
                 ({USAGE})"
            ));
        }
        if authority.contains('@') {
            return Err(format!("{text:?} must not contain a user name or password"));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }

    /// The origin of `url` (its scheme, host and port), as a browser would send it.
    pub fn of(url: &Url) -> Origin {
        Origin(url.origin().ascii_serialization())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
