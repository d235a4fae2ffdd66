//! Redirect rules and the `urlsuccess`/`urlfailure` check. The input is a permitted entry,
//! a newline, then a target; the target is also checked against a fixed set of entries.
//! An accepted target must mean, to a browser and to the server behind it, a URL on the
//! rule's origin under its path prefix.
#![no_main]

use doorstep::accounts::policy::permitted_redirect;
use doorstep::config::RedirectRule;
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use url::Url;

const FIXED: &[&str] = &[
    "https://app.example.com/welcome",
    "http://localhost:3000/",
    "https://app.example.com:8443/a/b",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (rule, target) = text.split_once('\n').unwrap_or(("", text));
    let mut rules: Vec<RedirectRule> = FIXED
        .iter()
        .map(|rule| RedirectRule::parse(rule).expect("a fixed rule parses"))
        .collect();
    if let Ok(rule) = RedirectRule::parse(rule) {
        rules.push(rule);
    }
    for field in ["urlsuccess", "urlfailure"] {
        if let Ok(Some(url)) = permitted_redirect(&rules, field, target) {
            assert_safe(&rules, &url);
        }
    }
});

fn assert_safe(rules: &[RedirectRule], url: &Url) {
    let again = Url::parse(url.as_str()).expect("an accepted URL parses again");
    assert_eq!(&again, url);
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{url}"
    );
    let decoded = percent_decode_str(url.path()).decode_utf8_lossy();
    assert!(!decoded.contains('\\'), "{url}");
    assert!(!decoded.chars().any(char::is_control), "{url}");
    assert!(
        !decoded
            .split('/')
            .any(|segment| segment == "." || segment == ".."),
        "{url}"
    );
    let under_some_rule = rules.iter().any(|rule| {
        let rest = url.path().strip_prefix(rule.path_prefix.as_str());
        url.scheme() == rule.scheme
            && url.host_str() == Some(rule.host.as_str())
            && url.port_or_known_default() == Some(rule.port)
            && rest.is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    assert!(under_some_rule, "{url} is under no rule");
}
