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
pub fn check_name(value: &str, required: bool) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() && required {
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

    mod redirects {
        use percent_encoding::percent_decode_str;
        use proptest::prelude::*;
        use proptest::sample::select;

        use super::*;

        fn rules() -> Vec<RedirectRule> {
            [
                "https://app.example.com/welcome",
                "http://localhost:3000/",
                "https://app.example.com:8443/a/b",
            ]
            .into_iter()
            .map(|rule| RedirectRule::parse(rule).unwrap())
            .collect()
        }

        /// Targets assembled from the pieces open-redirect tricks are made of.
        fn tricky_target() -> impl Strategy<Value = String> {
            let schemes = [
                "https:",
                "http:",
                "HTTPS:",
                "javascript:",
                "",
                "data:",
                "ftp:",
            ];
            let slashes = ["//", "/", "\\\\", "///", "/\\", ""];
            let hosts = [
                "app.example.com",
                "APP.Example.COM",
                "localhost",
                "evil.example",
                "app.example.com.evil.example",
                "app.example.com@evil.example",
                "evil.example@app.example.com",
                "user:pw@app.example.com",
                "app.example.com%2eevil.example",
                "app.example.com%40evil.example",
                "app.example.com\\@evil.example",
                "[::1]",
                "127.0.0.1",
            ];
            let ports = ["", ":443", ":80", ":3000", ":8443", ":0443", ":"];
            let pieces = [
                "/",
                "welcome",
                "welcomeevil",
                "a",
                "b",
                "..",
                ".",
                "%2e",
                "%2e%2e",
                "%2E%2E",
                ".%2e",
                "%2f",
                "%2F",
                "%5c",
                "%5C",
                "\\",
                "@",
                "evil.example",
                "//",
                "%00",
                "%09",
                "x",
                ";",
                "%252e%252e",
                "?",
                "#",
                "?next=//evil.example",
                "%",
                "%zz",
                "..%2f",
                "%2e%2e%5c",
            ];
            let assembled = (
                select(schemes.to_vec()),
                select(slashes.to_vec()),
                select(hosts.to_vec()),
                select(ports.to_vec()),
            )
                .prop_map(|(scheme, slashes, host, port)| format!("{scheme}{slashes}{host}{port}"));
            // Mostly a permitted start, so that the path tricks get tried where they matter.
            let permitted = select(vec![
                "https://app.example.com/welcome",
                "https://APP.example.com:443/welcome/",
                "http://localhost:3000",
                "https://app.example.com:8443/a/b",
            ])
            .prop_map(str::to_owned);
            (
                prop_oneof![3 => permitted, 1 => assembled],
                prop::collection::vec(select(pieces.to_vec()), 0..8),
            )
                .prop_map(|(start, path)| format!("{start}{}", path.concat()))
        }

        /// What a browser, and the server behind the target, would make of an accepted URL.
        fn assert_safe(rules: &[RedirectRule], url: &Url) -> Result<(), TestCaseError> {
            prop_assert_eq!(&Url::parse(url.as_str()).unwrap(), url);
            prop_assert!(url.username().is_empty() && url.password().is_none());
            let rule = rules.iter().find(|rule| {
                url.scheme() == rule.scheme
                    && url.host_str() == Some(rule.host.as_str())
                    && url.port_or_known_default() == Some(rule.port)
            });
            prop_assert!(rule.is_some(), "{url} matches no rule's origin");
            let prefix = &rule.unwrap().path_prefix;
            let decoded = percent_decode_str(url.path()).decode_utf8_lossy();
            prop_assert!(
                decoded == prefix.as_str() || decoded.starts_with(&format!("{prefix}/")),
                "{url}: {decoded} is not under {prefix}"
            );
            prop_assert!(!decoded.contains('\\'), "{url}: backslash in {decoded}");
            prop_assert!(
                !decoded
                    .split('/')
                    .any(|segment| segment == "." || segment == ".."),
                "{url}: dot segment in {decoded}"
            );
            prop_assert!(!decoded.chars().any(char::is_control), "{url}: {decoded}");
            Ok(())
        }

        proptest! {
            #[test]
            fn accepted_targets_stay_where_the_rules_say(target in tricky_target()) {
                if let Ok(Some(url)) = permitted_redirect(&rules(), "urlsuccess", &target) {
                    assert_safe(&rules(), &url)?;
                }
            }

            #[test]
            fn accepted_arbitrary_text_stays_where_the_rules_say(
                target in "(https?://(app\\.example\\.com|localhost:3000)/)?\\PC{0,40}"
            ) {
                if let Ok(Some(url)) = permitted_redirect(&rules(), "urlsuccess", &target) {
                    assert_safe(&rules(), &url)?;
                }
            }
        }
    }

    #[test]
    fn encoded_dot_segments_and_backslashes_are_refused() {
        let rules = [RedirectRule::parse("https://app.example.com/welcome").unwrap()];
        for target in [
            "https://APP.example.com:443/welcome/%5c",
            "https://app.example.com/welcome/..%2fadmin",
            "https://app.example.com/welcome/..%2Fadmin",
            "https://app.example.com/welcome/%2e%2e%5cadmin",
            "https://app.example.com/welcome/%252e%252e/%2e%2e%2fadmin",
            "https://app.example.com/welcome/%00",
        ] {
            assert!(
                permitted_redirect(&rules, "urlsuccess", target).is_err(),
                "{target} was accepted"
            );
        }
        for target in [
            "https://app.example.com/welcome/a%2Fb",
            "https://app.example.com/welcome/.well",
            "https://app.example.com/welcome/x/../y?next=%2e%2e",
        ] {
            assert!(
                permitted_redirect(&rules, "urlsuccess", target).is_ok(),
                "{target} was refused"
            );
        }
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
