//! Who may sign up, with what, and where we may send them afterwards.

use url::Url;

use crate::config::{RedirectRule, Signup};
use crate::error::Error;

/// Domain lists match the whole domain, or a subdomain at a label boundary when enabled:
/// `evil-example.com` never matches `example.com`.
pub fn is_email_domain_allowed(signup: &Signup, domain: &str) -> bool {
    signup.whitelist.is_empty()
        || signup.whitelist.iter().any(|allowed| {
            domain == allowed
                || (signup.whitelist_subdomains
                    && domain
                        .strip_suffix(allowed.as_str())
                        .is_some_and(|head| head.ends_with('.')))
        })
}

/// Checks a `urlsuccess`/`urlfailure` value against the permitted targets.
///
/// Parsed as an absolute URL and matched by `RedirectRule::permits`, so `javascript:`,
/// `//evil`, `good@evil` and other ports never pass; an open redirect would let a phishing
/// mail borrow our domain.
pub fn permitted_redirect(
    rules: &[RedirectRule],
    field: &'static str,
    value: &str,
) -> Result<Option<Url>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    // The URL parser silently drops tabs and newlines; refuse them instead of guessing.
    if value.chars().any(char::is_control) {
        return Err(Error::RedirectNotAllowed(field));
    }
    let url = Url::parse(value).map_err(|_| Error::RedirectNotAllowed(field))?;
    if rules.iter().any(|rule| rule.permits(&url)) {
        Ok(Some(url))
    } else {
        Err(Error::RedirectNotAllowed(field))
    }
}

/// A person's name as given: required, bounded, and free of control characters, since it
/// goes into a mail header (a CR or LF there would let it add headers).
pub fn check_name(value: &str) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        Err("required")
    } else if value.chars().count() > 100 {
        Err("too_long")
    } else if value.chars().any(char::is_control) {
        Err("invalid_characters")
    } else {
        Ok(value.to_owned())
    }
}

/// A redirect target as stored with a sign-up or reset request (checked when it was stored).
pub fn stored_url(stored: Option<String>) -> Option<Url> {
    stored.and_then(|url| Url::parse(&url).ok())
}

/// Appends `error=<code>` to a failure target, keeping its own query.
pub fn failure_target(url_failure: &Url, code: &str) -> Url {
    let mut target = url_failure.clone();
    target.query_pairs_mut().append_pair("error", code);
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signup(whitelist: &[&str], subdomains: bool) -> Signup {
        let mut settings = crate::config::Settings::defaults().signup;
        settings.whitelist = whitelist.iter().map(|d| d.to_string()).collect();
        settings.whitelist_subdomains = subdomains;
        settings
    }

    #[test]
    fn domains_match_whole_labels_only() {
        let exact = signup(&["example.com"], false);
        assert!(is_email_domain_allowed(&exact, "example.com"));
        assert!(!is_email_domain_allowed(&exact, "evil-example.com"));
        assert!(!is_email_domain_allowed(&exact, "mail.example.com"));
        assert!(!is_email_domain_allowed(&exact, "example.com.evil"));

        let subs = signup(&["example.com"], true);
        assert!(is_email_domain_allowed(&subs, "mail.example.com"));
        assert!(!is_email_domain_allowed(&subs, "evil-example.com"));
        assert!(!is_email_domain_allowed(&subs, "mailexample.com"));
        assert!(is_email_domain_allowed(&signup(&[], false), "anything.org"));
    }

    #[test]
    fn failure_target_keeps_existing_query() {
        let url = Url::parse("https://app.example/fail?lang=en").unwrap();
        assert_eq!(
            failure_target(&url, "token_expired").as_str(),
            "https://app.example/fail?lang=en&error=token_expired"
        );
    }
}
