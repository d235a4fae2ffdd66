//! Account settings: sign-up, password reset and password length (`doorstep.auth.signup.*`,
//! `doorstep.auth.password-reset.*`, `doorstep.auth.password.*`).

use std::time::Duration;

use super::ConfigError;
use super::flow::{SignupFlow, flow};
use super::properties::{Source, Value};
use super::values::{one_line, read_template, whitelist};

/// The highest `max-length` (and `min-length`) an operator may set.
const MAX_PASSWORD_LENGTH: usize = 4096;

/// Sign-up settings (`doorstep.auth.signup.*`).
#[derive(Debug, Clone)]
pub struct Signup {
    /// Sign-up is open (`doorstep.auth.signup` = `on` or `invite-only`).
    pub enabled: bool,
    /// `doorstep.auth.signup=invite-only`: a sign-up needs an invitation link or a
    /// registration token. Kept beside `enabled` (rather than replacing it) so every check of
    /// whether sign-up is open at all reads as before.
    pub invite_only: bool,
    /// `doorstep.auth.invitation.ttl`: how long an invitation link works.
    pub invitation_ttl: Duration,
    pub subject: Option<String>,
    /// The content of the template file, read at load time.
    pub template: Option<String>,
    /// Lower-case ASCII domains (IDNA in punycode); empty means any domain.
    pub whitelist: Vec<String>,
    pub whitelist_subdomains: bool,
    pub whitelist_public: bool,
    pub confirm_ttl: Duration,
    pub confirm_on_get: bool,
    /// `doorstep.auth.signup.names`: whether `firstname` and `lastname` must be given.
    pub names_required: bool,
    /// `doorstep.auth.signup.login-on-confirm`: the client that started a sign-up is signed in
    /// when it confirms, as if it had asked with `login`.
    pub login_on_confirm: bool,
    /// `doorstep.auth.signup.flow`: details-first (one request) or email-first (the address,
    /// then the details once it is proven).
    pub flow: SignupFlow,
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

/// Password length limits (`doorstep.auth.password.*`).
#[derive(Debug, Clone)]
pub struct PasswordRules {
    pub min_length: usize,
    pub max_length: usize,
}

pub(super) fn signup(source: &Source, defaults: &Signup) -> Result<Signup, ConfigError> {
    let switch = |name, default| Ok(source.parsed(name, Value::switch)?.unwrap_or(default));
    let mode = source
        .parsed("auth.signup", signup_mode)?
        .unwrap_or(if defaults.enabled {
            SignupMode::On
        } else {
            SignupMode::Off
        });
    Ok(Signup {
        enabled: mode != SignupMode::Off,
        invite_only: mode == SignupMode::InviteOnly,
        invitation_ttl: source
            .parsed("auth.invitation.ttl", Value::duration)?
            .unwrap_or(defaults.invitation_ttl),
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
        names_required: source
            .parsed("auth.signup.names", |v| {
                match v.text.to_ascii_lowercase().as_str() {
                    "required" => Ok(true),
                    "optional" => Ok(false),
                    _ => Err(v.error(format!(
                        "{:?} is not a names mode (use required or optional)",
                        v.text
                    ))),
                }
            })?
            .unwrap_or(defaults.names_required),
        login_on_confirm: switch("auth.signup.login-on-confirm", defaults.login_on_confirm)?,
        flow: source
            .parsed("auth.signup.flow", flow)?
            .unwrap_or(defaults.flow),
    })
}

/// Who may sign up (`doorstep.auth.signup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    Off,
    On,
    /// Only with an invitation link or a registration token.
    InviteOnly,
}

impl SignupMode {
    /// The mode as the configuration and the discovery document spell it.
    pub fn name(self) -> &'static str {
        match self {
            SignupMode::Off => "off",
            SignupMode::On => "on",
            SignupMode::InviteOnly => "invite-only",
        }
    }
}

impl Signup {
    /// The mode the switches say.
    pub fn mode(&self) -> SignupMode {
        match (self.enabled, self.invite_only) {
            (false, _) => SignupMode::Off,
            (true, false) => SignupMode::On,
            (true, true) => SignupMode::InviteOnly,
        }
    }
}

/// `on`/`off` (also `true`/`false`, as every switch) or `invite-only`.
fn signup_mode(value: &Value) -> Result<SignupMode, ConfigError> {
    match value.text.to_ascii_lowercase().as_str() {
        "invite-only" => Ok(SignupMode::InviteOnly),
        _ => match value.switch() {
            Ok(true) => Ok(SignupMode::On),
            Ok(false) => Ok(SignupMode::Off),
            Err(_) => Err(value.error(format!(
                "{:?} is not a sign-up mode (use on, off or invite-only)",
                value.text
            ))),
        },
    }
}

pub(super) fn password_reset(
    source: &Source,
    defaults: &PasswordReset,
) -> Result<PasswordReset, ConfigError> {
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

pub(super) fn password(
    source: &Source,
    defaults: &PasswordRules,
) -> Result<PasswordRules, ConfigError> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use std::time::Duration;

    use super::super::Settings;
    use super::SignupMode;

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse("doorstep.properties", text, &|_| None).map_err(|err| err.to_string())
    }

    const FROM: &str = "doorstep.auth.email.from=a@example.com\n";

    #[test]
    fn sign_up_is_a_mode_and_the_switch_words_keep_working() {
        for (value, mode) in [
            ("on", SignupMode::On),
            ("TRUE", SignupMode::On),
            ("off", SignupMode::Off),
            ("false", SignupMode::Off),
            ("Invite-Only", SignupMode::InviteOnly),
        ] {
            let settings = parse(&format!("{FROM}doorstep.auth.signup={value}")).unwrap();
            assert_eq!(settings.signup.mode(), mode, "{value}");
            assert_eq!(settings.signup.enabled, mode != SignupMode::Off);
        }
        assert_eq!(parse("").unwrap().signup.mode(), SignupMode::Off);
        assert_eq!(SignupMode::InviteOnly.name(), "invite-only");
        assert_eq!(
            parse("doorstep.auth.signup=invites").unwrap_err(),
            "doorstep.properties:1: doorstep.auth.signup: \"invites\" is not a sign-up mode \
             (use on, off or invite-only)"
        );
        // Invite-only sends mail like `on` does.
        assert!(parse("doorstep.auth.signup=invite-only").is_err());
    }

    #[test]
    fn invitations_last_a_week_unless_configured() {
        let default = parse("").unwrap();
        assert_eq!(
            default.signup.invitation_ttl,
            Duration::from_secs(7 * 86_400)
        );
        let set = parse("doorstep.auth.invitation.ttl=36h").unwrap();
        assert_eq!(set.signup.invitation_ttl, Duration::from_secs(36 * 3600));
    }
}
