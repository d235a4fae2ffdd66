//! doorstep's configuration: one `.properties` file plus environment overrides, validated
//! into [`Settings`] before anything starts.

mod properties;
mod protection;
#[cfg(test)]
mod tests;
mod values;

pub use protection::{Cidr, Provider, Rate, RateLimits, RemoteCaptcha};

use std::fmt;
use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use url::Url;

use properties::{Source, Value};
use values::{
    base_path, base_url, database_url, each_item, mailbox, mailboxes, one_line, read_template,
    whitelist,
};

const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8000";
const DEFAULT_DATABASE_URL: &str = "sqlite://var/doorstep.db?mode=rwc";
const DEFAULT_MAIL_DIR: &str = "var/mail";
const MAX_PASSWORD_LENGTH: usize = 4096;

/// Everything doorstep reads from its configuration, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: Url,
    /// `""` or `/x/y`: a leading slash and no trailing one.
    pub base_path: String,
    pub database_url: String,
    pub signup: Signup,
    pub reset: PasswordReset,
    /// How long a sign-in lasts (`doorstep.auth.session.ttl`).
    pub session_ttl: Duration,
    pub captcha: Captcha,
    pub limits: RateLimits,
    /// Proxies whose `X-Forwarded-For` is believed (`doorstep.trusted-proxies`).
    pub trusted_proxies: Vec<Cidr>,
    pub email: Email,
    pub permitted_redirects: Vec<RedirectRule>,
    pub password: PasswordRules,
    pub mail: MailTransport,
}

/// Sign-up settings (`doorstep.auth.signup.*`).
#[derive(Debug, Clone)]
pub struct Signup {
    pub enabled: bool,
    pub subject: Option<String>,
    /// The content of the template file, read at load time.
    pub template: Option<String>,
    /// Lower-case ASCII domains (IDNA in punycode); empty means any domain.
    pub whitelist: Vec<String>,
    pub whitelist_subdomains: bool,
    pub whitelist_public: bool,
    pub confirm_ttl: Duration,
    pub confirm_on_get: bool,
}

/// Which challenges sign-up and reset forms carry.
#[derive(Debug, Clone, Default)]
pub struct Captcha {
    /// `doorstep.auth.recaptcha`: a remote service (reCAPTCHA, hCaptcha, Turnstile).
    pub remote: Option<RemoteCaptcha>,
    /// `doorstep.auth.captcha.image`: doorstep's own PNG challenge.
    pub image: bool,
}

/// Password reset settings (`doorstep.auth.password-reset.*`).
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub enabled: bool,
    pub subject: Option<String>,
    /// The content of the template file, read at load time.
    pub template: Option<String>,
    pub ttl: Duration,
    /// EntryStore's variant: the new password comes with the request and is applied when the
    /// link is confirmed. Whoever sends the request chooses the password, so it is off by default.
    pub two_step: bool,
}

/// Addresses on outgoing mail (`doorstep.auth.email.*`).
#[derive(Debug, Clone)]
pub struct Email {
    pub from: Option<Mailbox>,
    pub bcc: Vec<Mailbox>,
}

/// One permitted redirect target: `scheme://host[:port][/path-prefix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRule {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// Without a trailing `/`; empty permits every path.
    pub path_prefix: String,
}

/// Password length limits (`doorstep.auth.password.*`).
#[derive(Debug, Clone)]
pub struct PasswordRules {
    pub min_length: usize,
    pub max_length: usize,
}

/// How mail leaves doorstep (`doorstep.mail.transport`).
#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp(Smtp),
    /// `.eml` files in this directory.
    File(PathBuf),
    Log,
}

/// An SMTP relay (`doorstep.smtp.*`).
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password.
    pub credentials: Option<(String, String)>,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// A configuration problem; its `Display` is the one-line message for the operator.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    /// The file path as given, or `environment VAR`.
    pub origin: String,
    pub line: Option<usize>,
    /// The key as the operator wrote it.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": {key}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Settings {
    /// Reads a properties file, applies environment overrides from `env`, validates.
    pub fn load(
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let origin = path.display().to_string();
        let error = |line, message| ConfigError {
            origin: origin.clone(),
            line,
            key: None,
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| error(None, format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let message = "is not UTF-8 text (save the file as UTF-8)".to_owned();
            error(Some(line), message)
        })?;
        Self::parse(&origin, &text, env)
    }

    /// Same from text already in memory; `origin` names it in errors (e.g. the file path).
    pub fn parse(
        origin: &str,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let source = Source::read(origin, text, env)?;
        let defaults = Settings::defaults();
        let settings = Settings {
            base_url: source
                .parsed("base-url", base_url)?
                .unwrap_or(defaults.base_url),
            base_path: source
                .parsed("base-path", base_path)?
                .unwrap_or(defaults.base_path),
            database_url: source
                .parsed("database.url", database_url)?
                .unwrap_or(defaults.database_url),
            signup: signup(&source, &defaults.signup)?,
            reset: password_reset(&source, &defaults.reset)?,
            session_ttl: source
                .parsed("auth.session.ttl", Value::duration)?
                .unwrap_or(defaults.session_ttl),
            captcha: Captcha {
                remote: protection::remote_captcha(&source)?,
                image: source
                    .parsed("auth.captcha.image", Value::switch)?
                    .unwrap_or(false),
            },
            limits: protection::rate_limits(&source)?,
            trusted_proxies: protection::trusted_proxies(&source)?,
            email: Email {
                from: source.parsed("auth.email.from", mailbox)?,
                bcc: mailboxes(source.list("auth.email.bcc"))?,
            },
            permitted_redirects: each_item(
                source.list("auth.permitted.redirects"),
                RedirectRule::parse,
            )?,
            password: password(&source, &defaults.password)?,
            mail: mail(&source)?,
        };
        for (name, on) in [
            ("auth.signup", settings.signup.enabled),
            ("auth.password-reset", settings.reset.enabled),
        ] {
            if on && settings.email.from.is_none() {
                let switch = source
                    .get(name)
                    .map_or(format!("doorstep.{name}"), |v| v.key.clone());
                return Err(
                    source.missing("auth.email.from", format!("required when {switch} is on"))
                );
            }
        }
        Ok(settings)
    }

    /// The built-in defaults with no file and no environment (used by tests as a starting point).
    pub fn defaults() -> Settings {
        Settings {
            // Cannot fail: a constant, and the `defaults` test parses it.
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap_or_else(|e| unreachable!("{e}")),
            base_path: String::new(),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            signup: Signup {
                enabled: false,
                subject: None,
                template: None,
                whitelist: Vec::new(),
                whitelist_subdomains: false,
                whitelist_public: true,
                confirm_ttl: Duration::from_secs(24 * 60 * 60),
                confirm_on_get: false,
            },
            reset: PasswordReset {
                enabled: false,
                subject: None,
                template: None,
                ttl: Duration::from_secs(60 * 60),
                two_step: false,
            },
            session_ttl: Duration::from_secs(14 * 24 * 60 * 60),
            captcha: Captcha::default(),
            limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            email: Email {
                from: None,
                bcc: Vec::new(),
            },
            permitted_redirects: Vec::new(),
            password: PasswordRules {
                min_length: 10,
                max_length: 1024,
            },
            mail: MailTransport::File(PathBuf::from(DEFAULT_MAIL_DIR)),
        }
    }
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

    /// Whether `target` has exactly this scheme, host and port, no user info, and a path
    /// under the prefix at a `/` boundary (`/welcome` permits `/welcome/x`, not `/welcomeevil`).
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
    }
}

fn signup(source: &Source, defaults: &Signup) -> Result<Signup, ConfigError> {
    let switch = |name, default| Ok(source.parsed(name, Value::switch)?.unwrap_or(default));
    Ok(Signup {
        enabled: switch("auth.signup", defaults.enabled)?,
        subject: source.parsed("auth.signup.email.subject", one_line)?,
        template: source.parsed("auth.signup.email.template", read_template)?,
        whitelist: whitelist(source.list("auth.signup.whitelist"))?,
        whitelist_subdomains: switch(
            "auth.signup.whitelist.subdomains",
            defaults.whitelist_subdomains,
        )?,
        whitelist_public: switch("auth.signup.whitelist.public", defaults.whitelist_public)?,
        confirm_ttl: source
            .parsed("auth.signup.confirm.ttl", Value::duration)?
            .unwrap_or(defaults.confirm_ttl),
        confirm_on_get: switch("auth.signup.confirm.on-get", defaults.confirm_on_get)?,
    })
}

fn password_reset(source: &Source, defaults: &PasswordReset) -> Result<PasswordReset, ConfigError> {
    let switch = |name, default| Ok(source.parsed(name, Value::switch)?.unwrap_or(default));
    Ok(PasswordReset {
        enabled: switch("auth.password-reset", defaults.enabled)?,
        subject: source.parsed("auth.password-reset.subject", one_line)?,
        template: source.parsed("auth.password-reset.email.template", read_template)?,
        ttl: source
            .parsed("auth.password-reset.ttl", Value::duration)?
            .unwrap_or(defaults.ttl),
        two_step: switch("auth.password-reset.two-step", defaults.two_step)?,
    })
}

fn password(source: &Source, defaults: &PasswordRules) -> Result<PasswordRules, ConfigError> {
    const MIN: &str = "auth.password.min-length";
    const MAX: &str = "auth.password.max-length";
    let length = |value: &Value| {
        let length = value.number()?;
        if (1..=MAX_PASSWORD_LENGTH).contains(&length) {
            Ok(length)
        } else {
            Err(value.error(format!("must be between 1 and {MAX_PASSWORD_LENGTH}")))
        }
    };
    let rules = PasswordRules {
        min_length: source.parsed(MIN, length)?.unwrap_or(defaults.min_length),
        max_length: source.parsed(MAX, length)?.unwrap_or(defaults.max_length),
    };
    if rules.max_length < rules.min_length {
        let message = format!(
            "max-length ({}) is less than min-length ({})",
            rules.max_length, rules.min_length
        );
        return Err(match source.get(MAX).or(source.get(MIN)) {
            Some(value) => value.error(message),
            None => source.missing(MAX, message),
        });
    }
    Ok(rules)
}

fn mail(source: &Source) -> Result<MailTransport, ConfigError> {
    let Some(transport) = source.get("mail.transport") else {
        return Ok(MailTransport::File(mail_dir(source)));
    };
    match transport.text.to_ascii_lowercase().as_str() {
        "smtp" => smtp(source, transport).map(MailTransport::Smtp),
        "file" => Ok(MailTransport::File(mail_dir(source))),
        "log" => Ok(MailTransport::Log),
        _ => Err(transport.error(format!(
            "{:?} is not a mail transport (use smtp, file or log)",
            transport.text
        ))),
    }
}

fn mail_dir(source: &Source) -> PathBuf {
    PathBuf::from(
        source
            .get("mail.dir")
            .map_or(DEFAULT_MAIL_DIR, |v| v.text.as_str()),
    )
}

fn smtp(source: &Source, transport: &Value) -> Result<Smtp, ConfigError> {
    let host = source.get("smtp.host").ok_or_else(|| {
        source.missing(
            "smtp.host",
            format!("required when {} is smtp", transport.key),
        )
    })?;
    let ipv6 = host.text.parse::<Ipv6Addr>().is_ok();
    if host
        .text
        .contains(|c: char| c.is_whitespace() || "/@".contains(c) || (c == ':' && !ipv6))
    {
        return Err(host.error(format!(
            "{:?} is not a host name (the port goes in doorstep.smtp.port)",
            host.text
        )));
    }
    let security = source.parsed("smtp.security", |v| {
        match v.text.to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            "none" => Ok(SmtpSecurity::None),
            _ => Err(v.error(format!(
                "{:?} is not an SMTP security (use starttls, tls or none)",
                v.text
            ))),
        }
    })?;
    let security = security.unwrap_or(SmtpSecurity::StartTls);
    let default_port = match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    };
    let port = source.parsed("smtp.port", |v| match v.text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(v.error(format!("{:?} is not a port number (1-65535)", v.text))),
    })?;
    let credentials = match (source.get("smtp.username"), source.get("smtp.password")) {
        (Some(user), Some(password)) => Some((user.text.clone(), password.text.clone())),
        (None, None) => None,
        (Some(user), None) => {
            return Err(source.missing(
                "smtp.password",
                format!("required when {} is set", user.key),
            ));
        }
        (None, Some(password)) => {
            return Err(source.missing(
                "smtp.username",
                format!("required when {} is set", password.key),
            ));
        }
    };
    Ok(Smtp {
        host: host.text.clone(),
        port: port.unwrap_or(default_port),
        security,
        credentials,
    })
}
