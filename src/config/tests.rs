#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;

use secrecy::ExposeSecret;

use super::*;

const FILE: &str = "doorstep.properties";

fn parse(text: &str) -> Result<Settings, ConfigError> {
    Settings::parse(FILE, text, &|_| None)
}

fn parse_env(text: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::parse(FILE, text, &|name| vars.get(name).cloned())
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

#[test]
fn defaults() {
    let d = Settings::defaults();
    assert_eq!(d.base_url.as_str(), "http://127.0.0.1:8000/");
    assert_eq!(d.base_path, "");
    assert_eq!(d.database_url, "sqlite://var/doorstep.db?mode=rwc");
    assert_eq!(d.templates_dir, None);
    assert!(!d.signup.enabled);
    assert_eq!(d.signup.subject, None);
    assert_eq!(d.signup.template, None);
    assert!(d.signup.whitelist.is_empty());
    assert!(!d.signup.whitelist_subdomains);
    assert!(d.signup.whitelist_public);
    assert_eq!(d.signup.confirm_ttl, Duration::from_secs(86_400));
    assert!(!d.signup.confirm_on_get);
    assert!(d.email.from.is_none() && d.email.bcc.is_empty());
    assert!(d.permitted_redirects.is_empty());
    assert!(d.cors_origins.is_empty());
    assert_eq!((d.password.min_length, d.password.max_length), (10, 1024));
    assert!(matches!(d.mail, MailTransport::File(ref dir) if dir == Path::new("var/mail")));
    assert_eq!(d.max_connections, 1024);
}

#[test]
fn max_connections_is_a_count_from_one() {
    let count = |text: &str| parse(&format!("doorstep.server.max-connections={text}"));
    assert_eq!(count("64").unwrap().max_connections, 64);
    assert_eq!(
        parse_env("", &[("DOORSTEP_SERVER_MAX_CONNECTIONS", "2048")])
            .unwrap()
            .max_connections,
        2048
    );
    for bad in ["0", "-1", "lots", "1000001"] {
        let message = count(bad).unwrap_err().to_string();
        assert!(
            message.starts_with("doorstep.properties:1: doorstep.server.max-connections: "),
            "{bad}: {message}"
        );
    }
}

#[test]
fn empty_file_and_comments_give_the_defaults() {
    let text = "# a comment\n! another\n\nunrelated.key = 1\n";
    assert_eq!(
        format!("{:?}", parse(text).unwrap()),
        format!("{:?}", Settings::defaults())
    );
}

#[test]
fn values_of_each_type() {
    let s = parse(
        "doorstep.base-url = https://reg.example.org/\n\
         doorstep.base-path = /store/\n\
         doorstep.database.url = postgres://u:p@db/doorstep\n\
         doorstep.auth.signup = ON\n\
         doorstep.auth.signup.email.subject = Welcome to Example\n\
         doorstep.auth.signup.whitelist.subdomains: true\n\
         doorstep.auth.signup.whitelist.public = off\n\
         doorstep.auth.signup.confirm.ttl = 15m\n\
         doorstep.auth.signup.confirm.on-get = on\n\
         doorstep.auth.email.from = Example Registration <noreply@example.org>\n\
         doorstep.auth.email.bcc = audit@example.org, \"Doe, Jane\" <jane@example.org>\n\
         doorstep.auth.password.min-length = 12\n\
         doorstep.auth.password.max-length = 64\n\
         doorstep.mail.transport = log\n",
    )
    .unwrap();
    assert_eq!(s.base_url.as_str(), "https://reg.example.org/");
    assert_eq!(s.base_path, "/store");
    assert_eq!(s.database_url, "postgres://u:p@db/doorstep");
    assert!(s.signup.enabled);
    assert_eq!(s.signup.subject.as_deref(), Some("Welcome to Example"));
    assert!(s.signup.whitelist_subdomains);
    assert!(!s.signup.whitelist_public);
    assert_eq!(s.signup.confirm_ttl, Duration::from_secs(900));
    assert!(s.signup.confirm_on_get);
    let from = s.email.from.unwrap();
    assert_eq!(from.name.as_deref(), Some("Example Registration"));
    assert_eq!(from.email.to_string(), "noreply@example.org");
    let bcc: Vec<String> = s.email.bcc.iter().map(|m| m.email.to_string()).collect();
    assert_eq!(bcc, ["audit@example.org", "jane@example.org"]);
    assert_eq!(s.email.bcc[1].name.as_deref(), Some("Doe, Jane"));
    assert_eq!((s.password.min_length, s.password.max_length), (12, 64));
    assert!(matches!(s.mail, MailTransport::Log));
}

#[test]
fn base_path_normalization() {
    let path = |text: &str| {
        parse(&format!("doorstep.base-path={text}"))
            .unwrap()
            .base_path
    };
    assert_eq!(path(""), "");
    assert_eq!(path("/"), "");
    assert_eq!(path("store"), "/store");
    assert_eq!(path("/a/b/"), "/a/b");
    for bad in ["/a//b", "/a b", "/a?x", "/../x", "/a#b"] {
        assert!(
            parse(&format!("doorstep.base-path={bad}")).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn invalid_values_are_refused() {
    for (text, expected) in [
        (
            "doorstep.base-url=ftp://x.org",
            "is not an http or https URL",
        ),
        (
            "doorstep.base-url=http://x.org/?a=1",
            "must not contain a query or fragment",
        ),
        (
            "doorstep.base-url=localhost:8000",
            "is not an http or https URL",
        ),
        ("doorstep.base-url=nonsense", "is not a URL"),
        ("doorstep.database.url=mysql://x/y", "is not a database URL"),
        (
            "doorstep.auth.signup=yes",
            "\"yes\" is not a sign-up mode (use on, off or invite-only)",
        ),
        (
            "doorstep.auth.signup.confirm.ttl=0h",
            "must be longer than zero",
        ),
        (
            "doorstep.auth.password.min-length=0",
            "must be between 1 and 4096",
        ),
        (
            "doorstep.auth.password.max-length=5000",
            "must be between 1 and 4096",
        ),
        (
            "doorstep.auth.password.max-length=8",
            "max-length (8) is less than min-length (10)",
        ),
        (
            "doorstep.auth.password.min-length=ten",
            "\"ten\" is not a whole number",
        ),
        ("doorstep.auth.email.from=nobody", "is not an email address"),
        (
            "doorstep.auth.email.bcc=a@x.org; b@x.org",
            "is not a comma-separated list",
        ),
        (
            "doorstep.auth.signup.email.subject=Hi\\nBcc: x@evil.org",
            "must be a single line",
        ),
        (
            "doorstep.mail.transport=carrier-pigeon",
            "is not a mail transport",
        ),
    ] {
        let message = error(text);
        assert!(message.contains(expected), "{text}: {message}");
    }
}

#[test]
fn error_names_file_line_and_key() {
    assert_eq!(
        error("# comment\n\ndoorstep.auth.signup.confirm.ttl = 24x\n"),
        "doorstep.properties:3: doorstep.auth.signup.confirm.ttl: \
         \"24x\" is not a duration (use e.g. 90s, 15m, 24h or 7d)"
    );
    assert_eq!(
        error("entrystore.auth.signup = maybe"),
        "doorstep.properties:1: entrystore.auth.signup: \"maybe\" is not a sign-up mode (use on, \
         off or invite-only)"
    );
    assert_eq!(
        error("doorstep.auth.signup = on"),
        "doorstep.properties: doorstep.auth.email.from: required when doorstep.auth.signup is on"
    );
}

#[test]
fn syntax_errors_of_the_properties_format() {
    assert_eq!(
        error("doorstep.auth.signup.email.subject = \\u12\n"),
        "doorstep.properties:1: Malformed \\uxxxx encoding: not enough digits."
    );
}

#[test]
fn utf8_escapes_and_continuations() {
    let s = parse(
        "doorstep.auth.signup.email.subject = Willkommen bei Bücher \\u2014 \\\n    \
         jetzt bestätigen\n",
    )
    .unwrap();
    assert_eq!(
        s.signup.subject.as_deref(),
        Some("Willkommen bei Bücher — jetzt bestätigen")
    );
}

#[test]
fn entrystore_prefix() {
    let s = parse(
        "entrystore.auth.signup=on\n\
         entrystore.auth.email.from=reg@example.org\n\
         entrystore.auth.signup.whitelist.1=example.org\n\
         entrystore.auth.signup.whitelist.2=example.com\n",
    )
    .unwrap();
    assert!(s.signup.enabled);
    assert_eq!(s.email.from.unwrap().email.to_string(), "reg@example.org");
    assert_eq!(s.signup.whitelist, ["example.org", "example.com"]);
}

#[test]
fn doorstep_prefix_wins() {
    for text in [
        "doorstep.auth.signup.confirm.ttl=1h\nentrystore.auth.signup.confirm.ttl=2h\n",
        "entrystore.auth.signup.confirm.ttl=2h\ndoorstep.auth.signup.confirm.ttl=1h\n",
    ] {
        assert_eq!(
            parse(text).unwrap().signup.confirm_ttl,
            Duration::from_secs(3600)
        );
    }
    let s = parse(
        "entrystore.auth.signup.whitelist.1=a.org\n\
         entrystore.auth.signup.whitelist.2=b.org\n\
         doorstep.auth.signup.whitelist=c.org\n",
    )
    .unwrap();
    assert_eq!(s.signup.whitelist, ["c.org"]);
    // An empty doorstep value deliberately unsets the entrystore one.
    let s = parse("entrystore.auth.signup=on\ndoorstep.auth.signup=\n").unwrap();
    assert!(!s.signup.enabled);
}

#[test]
fn later_keys_in_the_same_file_override_earlier_ones() {
    let s = parse("doorstep.auth.signup.confirm.ttl=1h\ndoorstep.auth.signup.confirm.ttl=2h\n");
    assert_eq!(s.unwrap().signup.confirm_ttl, Duration::from_secs(7200));
}

#[test]
fn list_forms() {
    let whitelist = |text: &str| parse(text).unwrap().signup.whitelist;
    assert_eq!(
        whitelist("doorstep.auth.signup.whitelist = a.org, b.org ,,c.org"),
        ["a.org", "b.org", "c.org"]
    );
    assert_eq!(
        whitelist(
            "doorstep.auth.signup.whitelist.2 = b.org\n\
             doorstep.auth.signup.whitelist.1 = a.org\n\
             doorstep.auth.signup.whitelist.3 = c.org, d.org\n"
        ),
        ["a.org", "b.org", "c.org", "d.org"]
    );
    assert_eq!(
        whitelist(
            "doorstep.auth.signup.whitelist.1 = b.org\n\
             doorstep.auth.signup.whitelist = a.org\n\
             doorstep.auth.signup.whitelist.subdomains = on\n"
        ),
        ["a.org", "b.org"]
    );
    assert_eq!(
        whitelist("doorstep.auth.signup.whitelist = a.org, A.org"),
        ["a.org"]
    );
}

#[test]
fn list_gap_is_an_error() {
    assert_eq!(
        error(
            "doorstep.auth.signup.whitelist.1=a.org\n\
             doorstep.auth.signup.whitelist.2=b.org\n\
             doorstep.auth.signup.whitelist.4=d.org\n"
        ),
        "doorstep.properties:3: doorstep.auth.signup.whitelist.4: list entries must be \
         numbered 1, 2, 3… without gaps (doorstep.auth.signup.whitelist.3 is missing)"
    );
    assert!(
        error("entrystore.auth.permitted.redirects.2=https://a.org")
            .contains("(entrystore.auth.permitted.redirects.1 is missing)")
    );
    assert!(error("doorstep.auth.signup.whitelist.0=a.org").contains("numbered 1, 2, 3…"));
    assert!(error("doorstep.auth.signup.whitelist.01=a.org").contains("numbered 1, 2, 3…"));
}

#[test]
fn environment_overrides() {
    let text = "doorstep.auth.signup.confirm.ttl=1h\n\
                doorstep.auth.signup.whitelist.1=a.org\n\
                doorstep.auth.email.from=a@a.org\n";
    let s = parse_env(
        text,
        &[
            ("DOORSTEP_AUTH_SIGNUP", "on"),
            ("DOORSTEP_AUTH_SIGNUP_CONFIRM_TTL", " 2d "),
            ("DOORSTEP_AUTH_SIGNUP_CONFIRM_ON_GET", "true"),
            ("DOORSTEP_AUTH_SIGNUP_WHITELIST", "b.org,c.org"),
            ("DOORSTEP_BASE_PATH", "/x"),
        ],
    )
    .unwrap();
    assert!(s.signup.enabled && s.signup.confirm_on_get);
    assert_eq!(s.signup.confirm_ttl, Duration::from_secs(2 * 86_400));
    assert_eq!(s.signup.whitelist, ["b.org", "c.org"]);
    assert_eq!(s.base_path, "/x");

    // An empty variable unsets, and overrides an entrystore key too.
    let s = parse_env(
        "entrystore.auth.email.from=a@a.org",
        &[("DOORSTEP_AUTH_EMAIL_FROM", "")],
    );
    assert!(s.unwrap().email.from.is_none());
}

#[test]
fn environment_error_names_the_variable() {
    let e = parse_env("", &[("DOORSTEP_AUTH_SIGNUP_CONFIRM_TTL", "24x")]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "environment DOORSTEP_AUTH_SIGNUP_CONFIRM_TTL: doorstep.auth.signup.confirm.ttl: \
         \"24x\" is not a duration (use e.g. 90s, 15m, 24h or 7d)"
    );
}

#[test]
fn environment_override_replaces_a_list_with_a_gap() {
    let text = "doorstep.auth.signup.whitelist.2=b.org";
    let s = parse_env(text, &[("DOORSTEP_AUTH_SIGNUP_WHITELIST", "a.org")]).unwrap();
    assert_eq!(s.signup.whitelist, ["a.org"]);
}

#[test]
fn only_known_keys_are_looked_up_in_the_environment() {
    let asked = RefCell::new(Vec::new());
    Settings::parse(FILE, "", &|name| {
        asked.borrow_mut().push(name.to_owned());
        None
    })
    .unwrap();
    let asked = asked.into_inner();
    assert!(asked.iter().all(|name| name.starts_with("DOORSTEP_")));
    assert!(asked.contains(&"DOORSTEP_AUTH_SIGNUP_CONFIRM_ON_GET".to_owned()));
    assert!(asked.contains(&"DOORSTEP_AUTH_PERMITTED_REDIRECTS".to_owned()));
    assert!(!asked.contains(&"DOORSTEP_CONFIG".to_owned()));
}

#[test]
fn unknown_keys() {
    assert_eq!(
        error("doorstep.base-url=http://a.org\ndoorstep.auth.sigunp = on\n"),
        "doorstep.properties:2: doorstep.auth.sigunp: unknown key; did you mean doorstep.auth.signup?"
    );
    assert_eq!(
        error("doorstep.frobnicate.everything = yes"),
        "doorstep.properties:1: doorstep.frobnicate.everything: unknown key"
    );
    assert!(error("Doorstep.auth.signup=on").contains("did you mean doorstep.auth.signup?"));
    assert!(error("doorstep.auth.signup.1=on").contains("unknown key"));
}

#[test]
fn unknown_entrystore_and_foreign_keys_are_ignored() {
    let s = parse(
        "entrystore.rdfstore.type=native\n\
         entrystore.auth.sigunp=on\n\
         entrystore.auth.signup.whitelist.subdomains.1=x\n\
         log4j.rootLogger=INFO\n\
         doorstepper.x=1\n",
    );
    assert!(s.is_ok());
}

#[test]
fn captcha_limits_and_proxies() {
    let accepted = "doorstep.auth.recaptcha=off\n\
                    doorstep.auth.recaptcha.public-key=pk\n\
                    doorstep.auth.recaptcha.private-key=sk\n\
                    entrystore.auth.captcha.image=false\n\
                    doorstep.ratelimit.ip=\n";
    let s = parse(accepted).unwrap();
    assert!(s.captcha.remote.is_none() && !s.captcha.image);
    assert_eq!(s.limits.ip, RateLimits::default().ip);

    let s = parse(
        "entrystore.auth.recaptcha=on\n\
         entrystore.auth.recaptcha.public-key=site\n\
         entrystore.auth.recaptcha.private-key=secret\n\
         doorstep.auth.recaptcha.provider=turnstile\n\
         doorstep.auth.recaptcha.min-score=0.7\n\
         doorstep.auth.captcha.image=on\n\
         doorstep.ratelimit.ip=5/m\n\
         doorstep.ratelimit.email=2/h\n\
         doorstep.ratelimit.mail=100/1d\n\
         doorstep.trusted-proxies.1=10.0.0.0/8\n\
         doorstep.trusted-proxies.2=fd00::/8\n",
    )
    .unwrap();
    let remote = s.captcha.remote.unwrap();
    assert_eq!(remote.provider, Provider::Turnstile);
    assert_eq!(remote.private_key.expose_secret(), "secret");
    assert_eq!(remote.min_score, 0.7);
    assert_eq!(
        remote.verify_url.as_str(),
        Provider::Turnstile.default_verify_url()
    );
    assert!(s.captcha.image);
    assert_eq!(s.limits.ip.count, 5);
    assert_eq!(s.limits.mail.period.as_secs(), 86_400);
    assert_eq!(s.trusted_proxies.len(), 2);

    // Turning the remote captcha on without its keys is refused, not silently unprotected.
    let missing = error("doorstep.auth.recaptcha=on\ndoorstep.auth.recaptcha.public-key=pk\n");
    assert!(
        missing.contains("doorstep.auth.recaptcha.private-key"),
        "{missing}"
    );
    assert!(
        missing.contains("required when doorstep.auth.recaptcha is on"),
        "{missing}"
    );
    assert!(error("doorstep.ratelimit.ip=lots").contains("is not a rate"));
    assert!(error("doorstep.trusted-proxies=10.0.0.0/99").contains("not an address range"));
    assert!(error("doorstep.auth.recaptcha=maybe").contains("is not a switch"));
    assert_eq!(
        error("doorstep.ratelimit.redis=redis://x"),
        "doorstep.properties:1: doorstep.ratelimit.redis: is not available in this version of doorstep"
    );
}

#[test]
fn signup_needs_a_sender() {
    assert_eq!(
        error("entrystore.auth.signup=on"),
        "doorstep.properties: doorstep.auth.email.from: required when entrystore.auth.signup is on"
    );
    assert!(parse("doorstep.auth.signup=on\ndoorstep.auth.email.from=a@b").is_ok());
}

#[test]
fn mail_transports() {
    let mail = |text: &str| parse(text).unwrap().mail;
    assert!(
        matches!(mail("doorstep.mail.dir=/tmp/m"), MailTransport::File(d) if d == Path::new("/tmp/m"))
    );
    assert!(
        matches!(mail("doorstep.mail.transport=FILE"), MailTransport::File(d) if d == Path::new("var/mail"))
    );

    let smtp = |text: &str| match mail(&format!(
        "doorstep.mail.transport=smtp\ndoorstep.smtp.host=mx.example.org\n{text}"
    )) {
        MailTransport::Smtp(smtp) => smtp,
        other => panic!("{other:?}"),
    };
    let credentials = |s: &Smtp| {
        let (user, password) = s.credentials.as_ref()?;
        Some((user.clone(), password.expose_secret().to_owned()))
    };
    let s = smtp("");
    assert_eq!(
        (s.host.as_str(), s.port, s.security.clone(), credentials(&s)),
        ("mx.example.org", 587, SmtpSecurity::StartTls, None)
    );
    assert_eq!(smtp("doorstep.smtp.security=tls").port, 465);
    assert_eq!(smtp("doorstep.smtp.security=none").port, 25);
    assert_eq!(
        smtp("doorstep.smtp.security=none\ndoorstep.smtp.port=2525").port,
        2525
    );
    let s = smtp("doorstep.smtp.username=u\ndoorstep.smtp.password= p w ");
    assert_eq!(credentials(&s), Some(("u".to_owned(), "p w".to_owned())));

    assert_eq!(
        error("doorstep.mail.transport=smtp"),
        "doorstep.properties: doorstep.smtp.host: required when doorstep.mail.transport is smtp"
    );
    let smtp_error = |text: &str| {
        error(&format!(
            "doorstep.mail.transport=smtp\ndoorstep.smtp.host=mx\n{text}"
        ))
    };
    assert_eq!(
        smtp_error("doorstep.smtp.username=u"),
        "doorstep.properties: doorstep.smtp.password: required when doorstep.smtp.username is set"
    );
    assert_eq!(
        smtp_error("entrystore.smtp.password=p"),
        "doorstep.properties: doorstep.smtp.username: required when entrystore.smtp.password is set"
    );
    assert!(smtp_error("doorstep.smtp.host=mx:25").contains("is not a host name"));
    assert_eq!(smtp("doorstep.smtp.host=::1").host, "::1");
    assert!(smtp_error("doorstep.smtp.port=0").contains("is not a port number (1-65535)"));
    assert!(smtp_error("doorstep.smtp.port=70000").contains("is not a port number (1-65535)"));
    assert!(smtp_error("doorstep.smtp.security=ssl").contains("is not an SMTP security"));
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let s = parse(
        "doorstep.mail.transport=smtp\n\
         doorstep.smtp.host=mx.example.org\n\
         doorstep.smtp.username=mailer\n\
         doorstep.smtp.password=smtp-pw-9f3c1\n\
         doorstep.auth.recaptcha=on\n\
         doorstep.auth.recaptcha.public-key=site-key-4b8d\n\
         doorstep.auth.recaptcha.private-key=captcha-key-7e2a4\n",
    )
    .unwrap();
    let printed = format!("{s:?}");
    // The neighbours are printed, so the secrets are missing by redaction, not by omission.
    assert!(printed.contains("mailer"), "{printed}");
    assert!(printed.contains("site-key-4b8d"), "{printed}");
    assert!(!printed.contains("smtp-pw-9f3c1"), "{printed}");
    assert!(!printed.contains("captcha-key-7e2a4"), "{printed}");
    let pretty = format!("{s:#?}");
    assert!(!pretty.contains("smtp-pw-9f3c1") && !pretty.contains("captcha-key-7e2a4"));
}

#[test]
fn template_file_is_read() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "<p>Hello __NAME__, confirm: __CONFIRMATION_LINK__</p>"
    )
    .unwrap();
    let text = format!(
        "doorstep.auth.signup.email.template={}",
        file.path().display()
    );
    let s = parse(&text).unwrap();
    assert_eq!(
        s.signup.template.as_deref(),
        Some("<p>Hello __NAME__, confirm: __CONFIRMATION_LINK__</p>")
    );

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.html");
    let message = error(&format!(
        "\ndoorstep.auth.signup.email.template={}",
        missing.display()
    ));
    assert!(
        message.starts_with(&format!(
            "doorstep.properties:2: doorstep.auth.signup.email.template: cannot read \"{}\": ",
            missing.display()
        )),
        "{message}"
    );
}

#[test]
fn templates_dir_must_be_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let s = parse(&format!("doorstep.templates.dir={}", dir.path().display())).unwrap();
    assert_eq!(s.templates_dir.as_deref(), Some(dir.path()));
    let s = parse_env(
        "",
        &[("DOORSTEP_TEMPLATES_DIR", &dir.path().display().to_string())],
    );
    assert_eq!(s.unwrap().templates_dir.as_deref(), Some(dir.path()));

    let missing = dir.path().join("missing");
    let message = error(&format!("\ndoorstep.templates.dir={}", missing.display()));
    let expected = format!(
        "doorstep.properties:2: doorstep.templates.dir: cannot open the directory \"{}\": ",
        missing.display()
    );
    assert!(message.starts_with(&expected), "{message}");

    let file = dir.path().join("file.html.tera");
    std::fs::write(&file, "").unwrap();
    assert_eq!(
        error(&format!("doorstep.templates.dir={}", file.display())),
        format!(
            "doorstep.properties:1: doorstep.templates.dir: \"{}\" is not a directory",
            file.display()
        )
    );
}

#[test]
fn load_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.properties");
    std::fs::write(&path, "doorstep.auth.signup.whitelist=Bücher.example\n").unwrap();
    let s = Settings::load(&path, &|_| None).unwrap();
    assert_eq!(s.signup.whitelist, ["xn--bcher-kva.example"]);

    std::fs::write(&path, "doorstep.auth.signup.confirm.ttl=24x\n").unwrap();
    let e = Settings::load(&path, &|_| None).unwrap_err();
    assert_eq!(e.origin, path.display().to_string());
    assert_eq!(e.line, Some(1));
    assert_eq!(e.key.as_deref(), Some("doorstep.auth.signup.confirm.ttl"));
}

#[test]
fn load_refuses_a_missing_or_non_utf8_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.properties");
    let e = Settings::load(&path, &|_| None).unwrap_err();
    assert_eq!(e.key, None);
    assert_eq!(e.line, None);
    assert!(e.message.starts_with("cannot read: "), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read: ", path.display()))
    );

    std::fs::write(
        &path,
        b"# ok\ndoorstep.auth.signup.email.subject=B\xfccher\n",
    )
    .unwrap();
    let e = Settings::load(&path, &|_| None).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("UTF-8"));
}

#[test]
fn whitelist_domains_are_normalized() {
    let whitelist = |text: &str| {
        parse(&format!("doorstep.auth.signup.whitelist={text}")).map(|s| s.signup.whitelist)
    };
    assert_eq!(
        whitelist("Bücher.example").unwrap(),
        ["xn--bcher-kva.example"]
    );
    assert_eq!(whitelist("EXAMPLE.org").unwrap(), ["example.org"]);
    assert_eq!(whitelist(".example.org").unwrap(), ["example.org"]);
    assert_eq!(
        whitelist("xn--bcher-kva.example").unwrap(),
        ["xn--bcher-kva.example"]
    );
    for bad in [
        "localhost",
        "a..b",
        "example.org.",
        "-a.org",
        "a-.org",
        "a_b.org",
        "a b.org",
        "1.2.3.4",
        "[::1]",
        "user@example.org",
        "example.org:25",
        "*.example.org",
    ] {
        let e = whitelist(bad).unwrap_err();
        assert!(e.message.contains("is not a domain name"), "{bad}: {e}");
    }
    let long_label = "a".repeat(64);
    assert!(whitelist(&format!("{long_label}.org")).is_err());
}

#[test]
fn redirect_rules_parse() {
    let rule = RedirectRule::parse("HTTPS://App.Example.org/welcome/").unwrap();
    assert_eq!(
        rule,
        RedirectRule {
            scheme: "https".into(),
            host: "app.example.org".into(),
            port: 443,
            path_prefix: "/welcome".into(),
        }
    );
    assert_eq!(RedirectRule::parse("http://a.org:8080").unwrap().port, 8080);
    assert_eq!(
        RedirectRule::parse("http://a.org/").unwrap().path_prefix,
        ""
    );
    for bad in [
        "ftp://a.org",
        "javascript:alert(1)",
        "//a.org",
        "a.org",
        "http://user@a.org",
        "http://u:p@a.org",
        "http://a.org/?x=1",
        "http://a.org/#f",
    ] {
        assert!(RedirectRule::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn redirect_rules_from_the_file() {
    let s = parse(
        "doorstep.auth.permitted.redirects = https://a.org/welcome, http://localhost:3000\n\
         doorstep.auth.permitted.redirects.1 = https://b.org\n",
    )
    .unwrap();
    let hosts: Vec<&str> = s
        .permitted_redirects
        .iter()
        .map(|r| r.host.as_str())
        .collect();
    assert_eq!(hosts, ["a.org", "localhost", "b.org"]);
    assert!(
        error("doorstep.auth.permitted.redirects.1 = https://u@a.org").starts_with(
            "doorstep.properties:1: doorstep.auth.permitted.redirects.1: \"https://u@a.org\""
        )
    );
}

#[test]
fn cors_origins_are_origins_only() {
    let origin = |text: &str| Origin::parse(text).map(|origin| origin.to_string());
    assert_eq!(
        origin("https://app.example.org").unwrap(),
        "https://app.example.org"
    );
    assert_eq!(
        origin(" HTTPS://App.Example.org:443 ").unwrap(),
        "https://app.example.org"
    );
    assert_eq!(
        origin("http://localhost:3000").unwrap(),
        "http://localhost:3000"
    );
    assert_eq!(
        origin("https://bücher.example").unwrap(),
        "https://xn--bcher-kva.example"
    );
    for (bad, says) in [
        ("https://app.example.org/", "no path, trailing slash"),
        ("https://app.example.org/app", "no path, trailing slash"),
        ("https://app.example.org?x=1", "no path, trailing slash"),
        ("https://app.example.org#top", "no path, trailing slash"),
        ("https://*.example.org", "wildcards are not allowed"),
        ("*", "wildcards are not allowed"),
        ("null", "is not an origin"),
        ("app.example.org", "is not an origin"),
        ("https:app.example.org", "is not an origin"),
        ("ftp://app.example.org", "only http and https"),
        ("https://u:p@app.example.org", "user name or password"),
    ] {
        let message = origin(bad).unwrap_err();
        assert!(message.contains(says), "{bad}: {message}");
    }
}

#[test]
fn cors_origins_from_the_file() {
    let s = parse(
        "doorstep.cors.origins = https://app.example.org, http://localhost:3000\n\
         doorstep.cors.origins.1 = https://APP.example.org:443\n\
         doorstep.cors.origins.2 = https://admin.example.org\n",
    )
    .unwrap();
    let origins: Vec<&str> = s.cors_origins.iter().map(Origin::as_str).collect();
    assert_eq!(
        origins,
        [
            "https://app.example.org",
            "http://localhost:3000",
            "https://admin.example.org"
        ]
    );
    let from_env = parse_env(
        "",
        &[("DOORSTEP_CORS_ORIGINS", "https://a.org,https://b.org")],
    );
    assert_eq!(from_env.unwrap().cors_origins.len(), 2);
    assert_eq!(
        error("doorstep.cors.origins.1 = https://app.example.org/"),
        "doorstep.properties:1: doorstep.cors.origins.1: \"https://app.example.org/\" must be an \
         origin only: no path, trailing slash, query or fragment (use scheme://host[:port], e.g. \
         https://app.example.com)"
    );
    assert!(
        error("entrystore.cors.origins = https://*.example.org")
            .starts_with("doorstep.properties:1: entrystore.cors.origins: ")
    );
    assert!(
        parse_env("", &[("DOORSTEP_CORS_ORIGINS", "null")])
            .unwrap_err()
            .to_string()
            .starts_with("environment DOORSTEP_CORS_ORIGINS: ")
    );
}

#[test]
fn redirect_rule_permits() {
    let rule = RedirectRule::parse("https://app.example.org/welcome").unwrap();
    for ok in [
        "https://app.example.org/welcome",
        "https://app.example.org/welcome/",
        "https://app.example.org/welcome/x?y=1#z",
        "https://APP.example.org:443/welcome/x",
        "https://app.example.org/x/../welcome/x",
    ] {
        assert!(rule.permits(&url(ok)), "{ok}");
    }
    for refused in [
        "https://app.example.org/welcomeevil",
        "https://app.example.org/",
        "https://app.example.org/Welcome",
        "https://app.example.org/welcome/../admin",
        "http://app.example.org/welcome",
        "https://app.example.org:8443/welcome",
        "https://other.example.org/welcome",
        "https://app.example.org.evil/welcome",
        "https://evil.org/app.example.org/welcome",
        "https://user@app.example.org/welcome",
        "https://app.example.org@evil.org/welcome",
        "javascript:alert(1)",
    ] {
        assert!(!rule.permits(&url(refused)), "{refused}");
    }

    let any_path = RedirectRule::parse("http://localhost:3000").unwrap();
    assert!(any_path.permits(&url("http://localhost:3000/")));
    assert!(any_path.permits(&url("http://localhost:3000/a/b")));
    assert!(!any_path.permits(&url("http://localhost/a")));
    assert!(!any_path.permits(&url("http://localhost:3001/a")));

    let default_port = RedirectRule::parse("http://a.org:80/").unwrap();
    assert!(default_port.permits(&url("http://a.org/x")));
}

#[test]
fn password_reset_and_sessions() {
    let s = parse(
        "doorstep.auth.password-reset=on\n\
         doorstep.auth.email.from=a@example.com\n\
         entrystore.auth.password-reset.subject=Reset your password\n\
         doorstep.auth.password-reset.ttl=30m\n\
         doorstep.auth.password-reset.two-step=on\n\
         doorstep.auth.session.ttl=1d\n",
    )
    .unwrap();
    assert!(s.reset.enabled && s.reset.two_step);
    assert_eq!(s.reset.subject.as_deref(), Some("Reset your password"));
    assert_eq!(s.reset.ttl.as_secs(), 1800);
    assert_eq!(s.session_ttl.as_secs(), 86_400);
    let defaults = Settings::defaults();
    assert!(!defaults.reset.enabled && !defaults.reset.two_step);
    assert_eq!(defaults.reset.ttl.as_secs(), 3600);

    let err = parse("doorstep.auth.password-reset=on\n").unwrap_err();
    assert!(
        err.to_string().contains("doorstep.auth.email.from"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("doorstep.auth.password-reset is on"),
        "{err}"
    );
}

#[test]
fn metrics_switch_and_token() {
    let defaults = Settings::defaults();
    assert!(defaults.metrics.enabled && defaults.metrics.token.is_none());
    let text = "doorstep.metrics=off\ndoorstep.metrics.token=0123456789abcdef-_.~\n";
    let s = parse(text).unwrap();
    assert!(!s.metrics.enabled);
    let token = s.metrics.token.as_ref().unwrap();
    assert_eq!(token.expose_secret(), "0123456789abcdef-_.~");
    assert!(
        !format!("{s:?}").contains("0123456789abcdef"),
        "Debug hides it"
    );
    let s = parse_env(text, &[("DOORSTEP_METRICS", "on")]).unwrap();
    assert!(s.metrics.enabled);
    for (value, expected) in [
        ("short", "must be at least 16 characters"),
        (
            "with a space in it, long enough",
            "printable ASCII without spaces",
        ),
        ("päivää-päivää-päivää", "printable ASCII without spaces"),
    ] {
        let message = error(&format!("doorstep.metrics.token={value}"));
        assert!(message.contains(expected), "{value}: {message}");
        assert!(message.starts_with("doorstep.properties:1: doorstep.metrics.token: "));
        assert!(
            !message.contains(value),
            "the message repeats the secret: {message}"
        );
    }
    assert!(error("doorstep.metrics=maybe").contains("is not a switch"));
}

#[test]
fn names_are_required_unless_the_operator_says_optional() {
    assert!(parse("").unwrap().signup.names_required);
    let optional = parse("doorstep.auth.signup.names=Optional").unwrap();
    assert!(!optional.signup.names_required);
    assert!(
        parse("doorstep.auth.signup.names=required")
            .unwrap()
            .signup
            .names_required
    );
    assert_eq!(
        error("doorstep.auth.signup.names=maybe"),
        "doorstep.properties:1: doorstep.auth.signup.names: \"maybe\" is not a names mode (use required or optional)"
    );
}

#[test]
fn the_proof_of_work_is_off_until_asked_and_its_cost_bounded() {
    assert_eq!(parse("").unwrap().captcha.pow, None);
    let on = parse("doorstep.auth.captcha.pow=on\n").unwrap();
    assert_eq!(on.captcha.pow, Some(100_000));
    let dear = parse("doorstep.auth.captcha.pow=on\ndoorstep.auth.captcha.pow.max-number=250000\n");
    assert_eq!(dear.unwrap().captcha.pow, Some(250_000));
    // The cost alone does not switch it on.
    let off = parse("doorstep.auth.captcha.pow.max-number=5000\n").unwrap();
    assert_eq!(off.captcha.pow, None);
    for bad in ["10", "20000000", "lots"] {
        let message = error(&format!(
            "doorstep.auth.captcha.pow=on\ndoorstep.auth.captcha.pow.max-number={bad}\n"
        ));
        assert!(
            message.contains("doorstep.auth.captcha.pow.max-number"),
            "{message}"
        );
    }
}

#[test]
fn usernames_are_off_until_asked_for_and_some_names_are_reserved() {
    let d = parse("").unwrap().usernames;
    assert_eq!(d.mode, UsernameMode::Off);
    assert_eq!(d.reserved.len(), 13);
    assert!(d.reserved.iter().any(|name| name == "postmaster"));
    for (text, mode) in [
        ("optional", UsernameMode::Optional),
        ("Required", UsernameMode::Required),
        ("off", UsernameMode::Off),
    ] {
        let s = parse(&format!("doorstep.auth.username={text}")).unwrap();
        assert_eq!(s.usernames.mode, mode, "{text}");
    }
    assert_eq!(
        error("doorstep.auth.username=maybe"),
        "doorstep.properties:1: doorstep.auth.username: \"maybe\" is not a username mode (use off, optional or required)"
    );
    let s = parse_env(
        "doorstep.auth.username.reserved.1=Staff\ndoorstep.auth.username.reserved.2=team, ops\n",
        &[("DOORSTEP_AUTH_USERNAME", "required")],
    )
    .unwrap();
    assert_eq!(s.usernames.mode, UsernameMode::Required);
    assert_eq!(s.usernames.reserved, ["staff", "team", "ops"]);
    assert_eq!(
        error("doorstep.auth.username.reserved=no reply"),
        "doorstep.properties:1: doorstep.auth.username.reserved: \"no reply\" is not a username (use letters, digits, '.', '_' and '-')"
    );
    assert!(
        error("doorstep.auth.username.reserved.2=x").contains("reserved.1 is missing"),
        "{}",
        error("doorstep.auth.username.reserved.2=x")
    );
}

#[test]
fn app_passwords_are_on_unless_switched_off() {
    assert!(parse("").unwrap().app_passwords);
    assert!(
        !parse("doorstep.auth.app-passwords=off\n")
            .unwrap()
            .app_passwords
    );
    let env = parse_env("", &[("DOORSTEP_AUTH_APP_PASSWORDS", "false")]).unwrap();
    assert!(!env.app_passwords);
    let err = parse("doorstep.auth.app-passwords=sometimes\n").unwrap_err();
    assert!(
        err.to_string().contains("doorstep.auth.app-passwords"),
        "{err}"
    );
}

#[test]
fn the_nextcloud_apis_are_off_until_asked_for_and_need_usernames_and_app_passwords() {
    let d = parse("").unwrap();
    assert!(!d.nextcloud.enabled);
    assert_eq!(
        d.nextcloud.cloud_url(&d.base_url),
        "http://127.0.0.1:8000",
        "base-url, without its slash"
    );
    let on = parse(
        "doorstep.compat.nextcloud=on\ndoorstep.auth.username=optional\n\
         doorstep.compat.nextcloud.cloud-url=https://cloud.example.com/nc/\n",
    )
    .unwrap();
    assert!(on.nextcloud.enabled);
    assert_eq!(
        on.nextcloud.cloud_url(&on.base_url),
        "https://cloud.example.com/nc"
    );
    let env = parse_env(
        "doorstep.auth.username=required\n",
        &[("DOORSTEP_COMPAT_NEXTCLOUD", "true")],
    )
    .unwrap();
    assert!(env.nextcloud.enabled);
    assert_eq!(
        error("doorstep.compat.nextcloud=on\n"),
        "doorstep.properties:1: doorstep.compat.nextcloud: needs doorstep.auth.username \
         optional or required: Nextcloud clients sign in with the username they chose and the \
         app password their status read hands out"
    );
    assert!(
        error("doorstep.compat.nextcloud=on\ndoorstep.auth.username=optional\ndoorstep.auth.app-passwords=off\n")
            .contains("needs doorstep.auth.app-passwords on")
    );
    assert!(
        error("doorstep.compat.nextcloud=maybe\n").contains("is not a switch"),
        "{}",
        error("doorstep.compat.nextcloud=maybe\n")
    );
    assert!(
        error("doorstep.compat.nextcloud.cloud-url=ftp://cloud.example.com\n")
            .contains("is not an http or https URL")
    );
    // Off, the URL alone is harmless: nothing hands it out.
    assert!(parse("doorstep.compat.nextcloud.cloud-url=https://cloud.example.com\n").is_ok());
}

#[test]
fn the_dspace_api_is_off_until_asked_for_and_needs_its_ui_as_a_permitted_target() {
    let d = parse("").unwrap();
    assert!(!d.dspace.enabled);
    assert!(d.dspace.register.is_none() && d.dspace.forgot.is_none());
    let on = parse(
        "doorstep.compat.dspace=on\ndoorstep.compat.dspace.ui-url=https://repo.example/ui/\n\
         doorstep.auth.permitted.redirects=https://repo.example/ui\n",
    )
    .unwrap();
    assert!(on.dspace.enabled);
    let shown = |template: &Option<LinkTemplate>| template.as_ref().unwrap().to_string();
    assert_eq!(
        shown(&on.dspace.register),
        "https://repo.example/ui/register/{token}"
    );
    assert_eq!(
        shown(&on.dspace.forgot),
        "https://repo.example/ui/forgot/{token}"
    );
    assert_eq!(
        error("doorstep.compat.dspace=on\n"),
        "doorstep.properties:1: doorstep.compat.dspace: needs doorstep.compat.dspace.ui-url: \
         the DSpace UI whose /register/<token> and /forgot/<token> pages the mails link to"
    );
    let unlisted = error("doorstep.compat.dspace.ui-url=https://repo.example\n");
    assert!(
        unlisted.contains("doorstep.compat.dspace.ui-url")
            && unlisted.contains("not a permitted redirect target"),
        "{unlisted}"
    );
    assert!(
        error("doorstep.compat.dspace.ui-url=ftp://repo.example\n")
            .contains("is not an http or https URL")
    );
}

#[test]
fn branding_and_languages() {
    let s = parse("").unwrap();
    assert_eq!(s.ui.name, "doorstep");
    assert_eq!((s.ui.logo, s.ui.css), (None, None));
    assert_eq!(s.languages.default, "en");
    let s = parse(
        "doorstep.ui.name=Example Cloud\ndoorstep.ui.logo=/static/logo.svg\n\
         doorstep.ui.css=https://cdn.example/theme.css\ndoorstep.i18n.default=de-CH\n",
    )
    .unwrap();
    assert_eq!(s.ui.name, "Example Cloud");
    assert_eq!(s.ui.logo.as_deref(), Some("/static/logo.svg"));
    assert_eq!(s.ui.css.as_deref(), Some("https://cdn.example/theme.css"));
    assert_eq!(s.languages.default, "de");
    for (text, says) in [
        ("doorstep.ui.logo=javascript:alert(1)", "neither a path"),
        ("doorstep.ui.css=//evil.example/x.css", "neither a path"),
        ("doorstep.i18n.default=nl", "not a language doorstep speaks"),
        (
            "doorstep.i18n.dir=/nonexistent/strings",
            "cannot open the directory",
        ),
    ] {
        let err = error(text);
        assert!(err.contains(says), "{text}: {err}");
    }
}
