//! doorstep's configuration: one `.properties` file plus environment overrides, validated
//! into [`Settings`] before anything starts.
//!
//! The key layer lives in `properties`, single-value parsers in `values`; each section of
//! [`Settings`] is parsed in the file of its concern (`auth`, `cors`, `mail`, `protection`,
//! `redirects`), and `defaults` holds what applies when a key is unset.

mod approval;
mod auth;
mod codes;
mod cors;
mod defaults;
mod dspace;
mod escapes;
mod flow;
mod links;
mod mail;
mod metrics;
mod nextcloud;
mod properties;
#[cfg(test)]
mod proptests;
mod protection;
mod redirects;
#[cfg(test)]
mod tests;
mod ui;
mod usernames;
mod values;
mod webhooks;

pub use approval::{Approval, ApprovalMode};
pub use auth::{PasswordReset, PasswordRules, Signup, SignupMode};
pub use codes::Codes;
pub use cors::Origin;
pub use dspace::DSpace;
pub use flow::SignupFlow;
pub use links::{LinkTemplate, LinkTemplates};
pub use mail::{Email, MailTransport, Smtp, SmtpSecurity};
pub use metrics::Metrics;
pub use nextcloud::Nextcloud;
pub use properties::check_environment;
pub use protection::{Cidr, Provider, Rate, RateLimits, RemoteCaptcha};
pub use redirects::RedirectRule;
pub use ui::{Languages, Ui};
pub use usernames::{UsernameMode, Usernames};
pub use webhooks::{Webhooks, signing_key};

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use properties::{Source, Value};
use values::{base_path, base_url, database_url, directory, each_item};

/// Everything doorstep reads from its configuration, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: Url,
    /// `""` or `/x/y`: a leading slash and no trailing one.
    pub base_path: String,
    pub database_url: String,
    /// Templates that replace or add to the shipped ones (`doorstep.templates.dir`).
    pub templates_dir: Option<PathBuf>,
    pub signup: Signup,
    /// Which new accounts wait for an admin, and who is told (`doorstep.auth.signup.approval`).
    pub approval: Approval,
    pub reset: PasswordReset,
    /// Whether sign-up takes a username, and which names are reserved (`doorstep.auth.username`).
    pub usernames: Usernames,
    /// The one-time codes mailed beside links (`doorstep.auth.code.*`).
    pub codes: Codes,
    /// How long a sign-in lasts (`doorstep.auth.session.ttl`).
    pub session_ttl: Duration,
    /// Whether accounts may hold app passwords (`doorstep.auth.app-passwords`).
    pub app_passwords: bool,
    pub captcha: Captcha,
    pub limits: RateLimits,
    /// Proxies whose `X-Forwarded-For` is believed (`doorstep.trusted-proxies`).
    pub trusted_proxies: Vec<Cidr>,
    pub email: Email,
    pub permitted_redirects: Vec<RedirectRule>,
    /// The front-end's pages that mailed links lead to (`doorstep.auth.links.*`), each a
    /// permitted redirect target.
    pub links: LinkTemplates,
    /// Front-end origins that may call the JSON API from a browser, with credentials
    /// (`doorstep.cors.origins`); no two alike.
    pub cors_origins: Vec<Origin>,
    pub password: PasswordRules,
    pub mail: MailTransport,
    /// `GET /metrics` (`doorstep.metrics.*`).
    pub metrics: Metrics,
    /// Connections one process serves at once (`doorstep.server.max-connections`); more wait
    /// in the kernel's queue until one closes.
    pub max_connections: usize,
    /// Nextcloud's registration APIs (`doorstep.compat.nextcloud.*`).
    pub nextcloud: Nextcloud,
    /// Cadmium's in-band registration at `POST /cadmium` (`doorstep.compat.cadmium`).
    pub cadmium: bool,
    /// Where account events are posted, signed (`doorstep.webhook.*`).
    pub webhooks: Webhooks,
    /// ALD's registration API at `/users/register` (`doorstep.compat.ald`).
    pub ald: bool,
    /// DSpace 7's eperson registrations API (`doorstep.compat.dspace.*`).
    pub dspace: DSpace,
    /// The product's name, logo and extra stylesheet on pages and in mail (`doorstep.ui.*`).
    pub ui: Ui,
    /// The default language and the operator's strings (`doorstep.i18n.*`).
    pub languages: Languages,
}

/// The most `doorstep.server.max-connections` may be: far beyond what one process should hold.
const MAX_CONNECTIONS_LIMIT: usize = 1_000_000;

/// Which challenges sign-up and reset forms carry.
#[derive(Debug, Clone, Default)]
pub struct Captcha {
    /// `doorstep.auth.recaptcha`: a remote service (reCAPTCHA, hCaptcha, Turnstile).
    pub remote: Option<RemoteCaptcha>,
    /// `doorstep.auth.captcha.image`: doorstep's own PNG challenge.
    pub image: bool,
    /// `doorstep.auth.captcha.pow`: the proof-of-work challenge, with its
    /// `doorstep.auth.captcha.pow.max-number` (the cost).
    pub pow: Option<u64>,
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
        let signup = auth::signup(&source, &defaults.signup)?;
        let approval = approval::approval(&source, &signup.whitelist)?;
        let permitted_redirects =
            each_item(source.list("auth.permitted.redirects"), RedirectRule::parse)?;
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
            templates_dir: source.parsed("templates.dir", directory)?,
            signup,
            approval,
            reset: auth::password_reset(&source, &defaults.reset)?,
            usernames: usernames::usernames(&source, &defaults.usernames)?,
            codes: codes::codes(&source, &defaults.codes)?,
            session_ttl: source
                .parsed("auth.session.ttl", Value::duration)?
                .unwrap_or(defaults.session_ttl),
            app_passwords: source
                .parsed("auth.app-passwords", Value::switch)?
                .unwrap_or(defaults.app_passwords),
            captcha: Captcha {
                remote: protection::remote_captcha(&source)?,
                image: source
                    .parsed("auth.captcha.image", Value::switch)?
                    .unwrap_or(false),
                pow: protection::proof_of_work(&source)?,
            },
            limits: protection::rate_limits(&source)?,
            trusted_proxies: protection::trusted_proxies(&source)?,
            email: mail::email(&source)?,
            links: links::link_templates(&source, &permitted_redirects)?,
            dspace: dspace::dspace(&source, &defaults.dspace, &permitted_redirects)?,
            permitted_redirects,
            cors_origins: cors_origins(&source)?,
            password: auth::password(&source, &defaults.password)?,
            mail: mail::mail(&source)?,
            metrics: metrics::metrics(&source, &defaults.metrics)?,
            max_connections: source
                .parsed("server.max-connections", max_connections)?
                .unwrap_or(defaults.max_connections),
            nextcloud: nextcloud::nextcloud(&source, &defaults.nextcloud)?,
            cadmium: source
                .parsed("compat.cadmium", Value::switch)?
                .unwrap_or(defaults.cadmium),
            webhooks: webhooks::webhooks(&source)?,
            ald: source
                .parsed("compat.ald", Value::switch)?
                .unwrap_or(defaults.ald),
            ui: ui::ui(&source, &defaults.ui)?,
            languages: ui::languages(&source)?,
        };
        nextcloud::check(&source, &settings)?;
        dspace::check(&source, &settings)?;
        for (name, on) in [
            ("auth.signup", settings.signup.enabled),
            ("auth.password-reset", settings.reset.enabled),
            // Approving and rejecting mail the account's owner.
            (
                "auth.signup.approval",
                settings.approval.mode != ApprovalMode::Off,
            ),
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
}

fn cors_origins(source: &Source) -> Result<Vec<Origin>, ConfigError> {
    let mut origins = each_item(source.list("cors.origins"), Origin::parse)?;
    let mut seen = std::collections::HashSet::new();
    origins.retain(|origin| seen.insert(origin.clone()));
    Ok(origins)
}

fn max_connections(value: &Value) -> Result<usize, ConfigError> {
    let count = value.number()?;
    if (1..=MAX_CONNECTIONS_LIMIT).contains(&count) {
        Ok(count)
    } else {
        Err(value.error(format!("must be between 1 and {MAX_CONNECTIONS_LIMIT}")))
    }
}
