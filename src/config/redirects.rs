//! Redirect policy: which targets a `redirect` parameter may send the browser to
//! (`doorstep.auth.permitted.redirects`).

use url::Url;

/// One permitted redirect target: `scheme://host[:port][/path-prefix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRule {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// Without a trailing `/`; empty permits every path.
    pub path_prefix: String,
}

impl RedirectRule {
    /// Parses `scheme://host[:port][/path-prefix]`; the error says what is wrong with `text`.
    pub fn parse(text: &str) -> Result<RedirectRule, String> {
        let text = text.trim();
        let url = Url::parse(text).map_err(|e| {
            format!("{text:?} is not a URL ({e}); use scheme://host[:port][/path-prefix]")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "{text:?}: only http and https targets can be permitted"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{text:?} must not contain a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("{text:?} must not contain a query or fragment"));
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(format!("{text:?} has no host"));
        };
        Ok(RedirectRule {
            scheme: url.scheme().to_owned(),
            host: host.to_owned(),
            port,
            path_prefix: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// Whether `target` has exactly this scheme, host and port, no user info, and a plain
    /// path under the prefix at a `/` boundary (`/welcome` permits `/welcome/x`, not
    /// `/welcomeevil`).
    pub fn permits(&self, target: &Url) -> bool {
        let under_prefix = match target.path().strip_prefix(self.path_prefix.as_str()) {
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        };
        target.scheme() == self.scheme
            && target.host_str() == Some(self.host.as_str())
            && target.port_or_known_default() == Some(self.port)
            && target.username().is_empty()
            && target.password().is_none()
            && under_prefix
            && is_plain_path(target.path())
    }
}

/// Whether a path means the same to whoever decodes it: no backslash, no control character
/// and no `.` or `..` segment, also once percent-decoded. The URL parser resolves
/// `/welcome/../admin` itself, but leaves `/welcome/..%2Fadmin` and `/welcome/%5C..`, which
/// some servers behind a permitted prefix decode and resolve to a path outside it.
fn is_plain_path(path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    !decoded.contains('\\')
        && !decoded.chars().any(char::is_control)
        && !decoded
            .split('/')
            .any(|segment| segment == "." || segment == "..")
}
