//! One-time codes (`doorstep.auth.code.*`): the digits mailed beside confirmation and reset
//! links.

use std::time::Duration;

use super::ConfigError;
use super::properties::{Source, Value};

/// Codes shorter than this are guessed too easily; longer ones are no longer typed comfortably
/// (and fit a `u64` of digits either way).
const LENGTHS: std::ops::RangeInclusive<usize> = 4..=12;
const MOST_ATTEMPTS: usize = 100;
const MOST_DAILY_FAILURES: usize = 10_000;

/// How codes are made and how many wrong tries they take.
#[derive(Debug, Clone)]
pub struct Codes {
    /// `doorstep.auth.code`: mails carry a code and the confirm routes take one.
    pub enabled: bool,
    /// Digits in a code.
    pub length: usize,
    /// Wrong tries before a code is used up (its link still works).
    pub attempts: u32,
    /// How long a code works; never longer than its flow's link.
    pub ttl: Duration,
    /// Wrong codes accepted per address typed per day, whatever new codes are mailed.
    pub daily_failures: u32,
}

impl Default for Codes {
    fn default() -> Self {
        Codes {
            enabled: true,
            length: 6,
            attempts: 5,
            ttl: Duration::from_secs(15 * 60),
            daily_failures: 20,
        }
    }
}

pub(super) fn codes(source: &Source, defaults: &Codes) -> Result<Codes, ConfigError> {
    let count = |name: &str, most: usize, default: u32| -> Result<u32, ConfigError> {
        let parsed = source.parsed(name, |value: &Value| {
            let count = value.number()?;
            if (1..=most).contains(&count) {
                Ok(u32::try_from(count).unwrap_or(u32::MAX))
            } else {
                Err(value.error(format!("must be between 1 and {most}")))
            }
        })?;
        Ok(parsed.unwrap_or(default))
    };
    let length = source.parsed("auth.code.length", |value| {
        let length = value.number()?;
        if LENGTHS.contains(&length) {
            Ok(length)
        } else {
            Err(value.error(format!(
                "must be between {} and {} digits",
                LENGTHS.start(),
                LENGTHS.end()
            )))
        }
    })?;
    Ok(Codes {
        enabled: source
            .parsed("auth.code", Value::switch)?
            .unwrap_or(defaults.enabled),
        length: length.unwrap_or(defaults.length),
        attempts: count("auth.code.attempts", MOST_ATTEMPTS, defaults.attempts)?,
        ttl: source
            .parsed("auth.code.ttl", Value::duration)?
            .unwrap_or(defaults.ttl),
        daily_failures: count(
            "auth.code.daily-failures",
            MOST_DAILY_FAILURES,
            defaults.daily_failures,
        )?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::super::Settings;

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse("doorstep.properties", text, &|name| {
            (name == "DOORSTEP_AUTH_CODE_TTL").then(|| "10m".to_owned())
        })
        .map_err(|err| err.to_string())
    }

    #[test]
    fn defaults_and_values() {
        let defaults = Settings::parse("f", "", &|_| None).unwrap();
        let codes = defaults.codes;
        assert!(codes.enabled);
        assert_eq!((codes.length, codes.attempts), (6, 5));
        assert_eq!(codes.ttl.as_secs(), 15 * 60);
        assert_eq!(codes.daily_failures, 20);
        assert!(!defaults.signup.login_on_confirm);

        let set = parse(
            "doorstep.auth.code=off\ndoorstep.auth.code.length=8\n\
             doorstep.auth.code.attempts=3\ndoorstep.auth.code.daily-failures=50\n\
             doorstep.auth.signup.login-on-confirm=on",
        )
        .unwrap();
        assert!(!set.codes.enabled);
        assert_eq!((set.codes.length, set.codes.attempts), (8, 3));
        assert_eq!(set.codes.ttl.as_secs(), 600, "from the environment");
        assert_eq!(set.codes.daily_failures, 50);
        assert!(set.signup.login_on_confirm);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for (text, message) in [
            (
                "doorstep.auth.code.length=3",
                "doorstep.properties:1: doorstep.auth.code.length: must be between 4 and 12 digits",
            ),
            (
                "doorstep.auth.code.length=13",
                "doorstep.properties:1: doorstep.auth.code.length: must be between 4 and 12 digits",
            ),
            (
                "doorstep.auth.code.attempts=0",
                "doorstep.properties:1: doorstep.auth.code.attempts: must be between 1 and 100",
            ),
            (
                "doorstep.auth.code.daily-failures=many",
                "doorstep.properties:1: doorstep.auth.code.daily-failures: \"many\" is not a whole number",
            ),
            (
                "doorstep.auth.code=maybe",
                "doorstep.properties:1: doorstep.auth.code: \"maybe\" is not a switch (use on or off)",
            ),
            (
                "doorstep.auth.signup.login-on-confirm=yes",
                "doorstep.properties:1: doorstep.auth.signup.login-on-confirm: \"yes\" is not a switch (use on or off)",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err(), message);
        }
    }
}
