//! Link templates (`doorstep.auth.links.*`): a front-end's own pages that the links in mails
//! lead to, with the token where the operator wrote `{token}`.

use std::fmt;

use url::Url;

use super::ConfigError;
use super::properties::Source;
use super::redirects::RedirectRule;

/// What an operator writes where the token goes.
pub const PLACEHOLDER: &str = "{token}";

/// Stands in for the token while a template is checked: capital letters, which the URL parser
/// keeps as they are in a path, query or fragment, and lower-cases in a host (where no token
/// may stand, so it is not found there).
const STAND_IN: &str = "DOORSTEPTOKENSTANDIN";

const EXAMPLE: &str = "e.g. https://app.example.com/verify?t={token}";

/// One page that receives a mailed token: the URL around the token, as the URL parser writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplate {
    before: String,
    after: String,
}

/// The templates of each kind of mailed link; `None` leaves that link on doorstep's own page.
#[derive(Debug, Clone, Default)]
pub struct LinkTemplates {
    /// `doorstep.auth.links.signup`: the sign-up confirmation mail.
    pub signup: Option<LinkTemplate>,
    /// `doorstep.auth.links.password-reset`: the reset mail.
    pub password_reset: Option<LinkTemplate>,
    /// `doorstep.auth.links.email-change`: the mail that confirms a new address.
    pub email_change: Option<LinkTemplate>,
    /// `doorstep.auth.links.invitation`: the invitation mail.
    pub invitation: Option<LinkTemplate>,
}

impl LinkTemplate {
    /// Parses a URL holding `{token}` once, in its path, query or fragment; the page must be a
    /// permitted redirect target, since a mailed link sends the person there as a redirect
    /// would. The error says what is wrong with `text`.
    pub fn parse(text: &str, permitted: &[RedirectRule]) -> Result<LinkTemplate, String> {
        let text = text.trim();
        if text.matches(PLACEHOLDER).count() != 1 {
            return Err(format!(
                "{text:?} must contain {PLACEHOLDER} exactly once, where the token goes ({EXAMPLE})"
            ));
        }
        let sample = text.replace(PLACEHOLDER, STAND_IN);
        let url =
            Url::parse(&sample).map_err(|e| format!("{text:?} is not a URL ({e}); {EXAMPLE}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "{text:?}: only http and https pages can receive links"
            ));
        }
        let written = url.as_str();
        let (before, after) = match written.split_once(STAND_IN) {
            Some((before, after)) if !after.contains(STAND_IN) => (before, after),
            _ => {
                return Err(format!(
                    "{text:?}: {PLACEHOLDER} must stand in the path, query or fragment ({EXAMPLE})"
                ));
            }
        };
        if !permitted.iter().any(|rule| rule.permits(&url)) {
            return Err(format!(
                "{text:?} is not a permitted redirect target: add its scheme://host[:port][/path-prefix] \
                 to doorstep.auth.permitted.redirects"
            ));
        }
        Ok(LinkTemplate {
            before: before.to_owned(),
            after: after.to_owned(),
        })
    }

    /// The URL before the token and after it.
    pub fn around(&self) -> (&str, &str) {
        (&self.before, &self.after)
    }
}

/// The template as a URL with `{token}` in it (as the discovery document shows it).
impl fmt::Display for LinkTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{PLACEHOLDER}{}", self.before, self.after)
    }
}

/// Reads the four templates; each is checked against the permitted redirect targets.
pub(super) fn link_templates(
    source: &Source,
    permitted: &[RedirectRule],
) -> Result<LinkTemplates, ConfigError> {
    let template = |name: &str| {
        source.parsed(name, |value| {
            LinkTemplate::parse(&value.text, permitted).map_err(|message| value.error(message))
        })
    };
    Ok(LinkTemplates {
        signup: template("auth.links.signup")?,
        password_reset: template("auth.links.password-reset")?,
        email_change: template("auth.links.email-change")?,
        invitation: template("auth.links.invitation")?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn permitted() -> Vec<RedirectRule> {
        vec![RedirectRule::parse("https://app.example/welcome").unwrap()]
    }

    fn parse(text: &str) -> Result<String, String> {
        LinkTemplate::parse(text, &permitted()).map(|template| template.to_string())
    }

    #[test]
    fn the_token_may_stand_in_path_query_or_fragment() {
        for text in [
            "https://app.example/welcome/verify?t={token}",
            "https://app.example/welcome/{token}",
            "https://app.example/welcome/#/verify/{token}",
            "https://app.example/welcome?next=%2Fhome&t={token}&x=1",
        ] {
            assert_eq!(parse(text).unwrap(), text);
        }
    }

    #[test]
    fn templates_are_kept_as_the_url_parser_writes_them() {
        assert_eq!(
            parse(" HTTPS://App.Example:443/welcome?t={token} ").unwrap(),
            "https://app.example/welcome?t={token}"
        );
        let template = LinkTemplate::parse("https://app.example/welcome?t={token}#x", &permitted());
        let template = template.unwrap();
        assert_eq!(template.around(), ("https://app.example/welcome?t=", "#x"));
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        for (text, wrong) in [
            (
                "https://app.example/welcome",
                "must contain {token} exactly once",
            ),
            (
                "https://app.example/welcome/{token}?t={token}",
                "exactly once",
            ),
            ("https://app.example/welcome?t={TOKEN}", "exactly once"),
            ("app.example/welcome?t={token}", "is not a URL"),
            ("https://app.example:{token}/welcome", "is not a URL"),
            ("ftp://app.example/welcome?t={token}", "only http and https"),
            ("{token}://app.example/welcome", "only http and https"),
            ("javascript:alert({token})", "only http and https"),
            (
                "https://{token}.app.example/welcome",
                "must stand in the path, query or fragment",
            ),
            (
                "https://app.example/welcome/{token}/../x",
                "must stand in the path",
            ),
            (
                "https://app.example/welcomeevil?t={token}",
                "not a permitted redirect target",
            ),
            (
                "http://app.example/welcome?t={token}",
                "not a permitted redirect target",
            ),
            (
                "https://app.example:8443/welcome?t={token}",
                "not a permitted redirect target",
            ),
            (
                "https://{token}@app.example/welcome",
                "not a permitted redirect target",
            ),
            (
                "https://other.example/welcome?t={token}",
                "not a permitted redirect target",
            ),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(wrong), "{text}: {error}");
        }
        let none = LinkTemplate::parse("https://app.example/welcome?t={token}", &[]);
        assert!(
            none.unwrap_err()
                .contains("doorstep.auth.permitted.redirects")
        );
    }
}
