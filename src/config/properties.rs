//! The key layer: which keys exist, where each value came from (file line or environment
//! variable), and the value syntaxes shared by all settings.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use java_properties::{LineContent, PropertiesIter};

use super::ConfigError;

const PREFIX: &str = "doorstep.";
const ENTRYSTORE_PREFIX: &str = "entrystore.";

/// Keys that take one value, named without the prefix.
const SCALARS: &[&str] = &[
    "base-url",
    "base-path",
    "database.url",
    "templates.dir",
    "auth.signup",
    "auth.signup.email.subject",
    "auth.signup.email.template",
    "auth.signup.whitelist.subdomains",
    "auth.signup.whitelist.public",
    "auth.signup.confirm.ttl",
    "auth.signup.confirm.on-get",
    "auth.signup.names",
    "auth.signup.flow",
    "auth.username",
    "auth.signup.login-on-confirm",
    "auth.signup.approval",
    "auth.invitation.ttl",
    "auth.links.signup",
    "auth.links.password-reset",
    "auth.links.email-change",
    "auth.links.invitation",
    "auth.email.from",
    "auth.password.min-length",
    "auth.password.max-length",
    "auth.password-reset",
    "auth.password-reset.subject",
    "auth.password-reset.email.template",
    "auth.password-reset.ttl",
    "auth.password-reset.two-step",
    "auth.session.ttl",
    "auth.app-passwords",
    "auth.code",
    "auth.code.length",
    "auth.code.attempts",
    "auth.code.ttl",
    "auth.code.daily-failures",
    "auth.recaptcha",
    "auth.recaptcha.public-key",
    "auth.recaptcha.private-key",
    "auth.recaptcha.provider",
    "auth.recaptcha.verify-url",
    "auth.recaptcha.min-score",
    "auth.captcha.image",
    "auth.captcha.pow",
    "auth.captcha.pow.max-number",
    "ratelimit.ip",
    "ratelimit.email",
    "ratelimit.mail",
    "mail.transport",
    "mail.dir",
    "smtp.host",
    "smtp.port",
    "smtp.security",
    "smtp.username",
    "smtp.password",
    "metrics",
    "metrics.token",
    "server.max-connections",
    "compat.nextcloud",
    "compat.nextcloud.cloud-url",
    "compat.cadmium",
    "webhook.secret",
    "compat.ald",
    "compat.dspace",
    "compat.dspace.ui-url",
    "ui.name",
    "ui.logo",
    "ui.css",
    "i18n.dir",
    "i18n.default",
];

/// Keys that take a list: the bare key and/or `key.1`, `key.2`, …
const LISTS: &[&str] = &[
    "auth.signup.whitelist",
    "auth.approval.notify",
    "auth.permitted.redirects",
    "auth.email.bcc",
    "auth.username.reserved",
    "cors.origins",
    "trusted-proxies",
    "webhook.url",
];

/// Keys of the design that this version does not offer: any value is refused, since an
/// operator who sets one expects it to take effect. (Rate limits live in the shared database,
/// so `ratelimit.redis` is not needed for several instances to agree.)
const UNAVAILABLE_KEYS: &[&str] = &["ratelimit.redis"];

const UNAVAILABLE: &str = "is not available in this version of doorstep";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    One,
    List,
}

fn known_keys() -> impl Iterator<Item = (&'static str, Shape)> {
    let later = UNAVAILABLE_KEYS.iter().map(|&name| (name, Shape::One));
    SCALARS
        .iter()
        .map(|&name| (name, Shape::One))
        .chain(LISTS.iter().map(|&name| (name, Shape::List)))
        .chain(later)
}

/// What a key (without prefix) refers to.
enum Key {
    One(&'static str),
    Bare(&'static str),
    /// A numbered list entry; 0 stands for a number that is not 1, 2, 3… (`0`, `01`).
    Item(&'static str, usize),
}

fn classify(name: &str) -> Option<Key> {
    if let Some((known, shape)) = known_keys().find(|(known, _)| *known == name) {
        return Some(match shape {
            Shape::One => Key::One(known),
            Shape::List => Key::Bare(known),
        });
    }
    let (base, number) = name.rsplit_once('.')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (list, _) = known_keys().find(|&(known, shape)| known == base && shape == Shape::List)?;
    let number = match number.parse() {
        Ok(n) if !number.starts_with('0') => n,
        _ => 0,
    };
    Some(Key::Item(list, number))
}

/// The environment variable that overrides a key: `auth.signup.confirm.on-get` →
/// `DOORSTEP_AUTH_SIGNUP_CONFIRM_ON_GET`.
fn env_var(name: &str) -> String {
    format!(
        "DOORSTEP_{}",
        name.to_ascii_uppercase().replace(['.', '-'], "_")
    )
}

/// Variables of the process itself, not settings: the file to read and how to log.
const PROCESS_VARIABLES: &[&str] = &["DOORSTEP_CONFIG", "DOORSTEP_LOG", "DOORSTEP_LOG_FORMAT"];

/// Refuses a `DOORSTEP_*` variable that overrides no key, as an unknown key in the file is
/// refused: `DOORSTEP_AUTH_SIGNUPP=off` would otherwise leave sign-up on without a word.
pub fn check_environment<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), ConfigError> {
    let settings: Vec<String> = known_keys().map(|(name, _)| env_var(name)).collect();
    let known = || {
        settings
            .iter()
            .map(String::as_str)
            .chain(PROCESS_VARIABLES.iter().copied())
    };
    for name in names {
        let ours = name.starts_with("DOORSTEP_") && !name.starts_with("DOORSTEP_TEST_");
        if !ours || known().any(|known| known == name) {
            continue;
        }
        let nearest = known()
            .map(|known| (edit_distance(name, known), known))
            .min_by_key(|&(distance, _)| distance);
        let message = match nearest {
            Some((distance, known)) if distance <= 3 => {
                format!("unknown variable; did you mean {known}?")
            }
            _ => "unknown variable: no setting has this name".to_owned(),
        };
        return Err(ConfigError {
            origin: "environment".to_owned(),
            line: None,
            key: Some(name.to_owned()),
            message,
        });
    }
    Ok(())
}

fn unknown_key(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    let nearest = known_keys()
        .map(|(known, _)| (edit_distance(&name, known), known))
        .min_by_key(|&(distance, _)| distance);
    match nearest {
        Some((distance, known)) if distance <= 3 => {
            format!("unknown key; did you mean {PREFIX}{known}?")
        }
        _ => "unknown key".to_owned(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// A value as the operator wrote it, and where: enough to name it in an error.
#[derive(Debug, Clone)]
pub(super) struct Value {
    /// Trimmed.
    pub(super) text: String,
    /// The key as written, e.g. with the `entrystore.` prefix.
    pub(super) key: String,
    origin: String,
    line: Option<usize>,
}

impl Value {
    /// An error about this value.
    pub(super) fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            origin: self.origin.clone(),
            line: self.line,
            key: Some(self.key.clone()),
            message: message.into(),
        }
    }

    /// `on`/`off`, also `true`/`false`.
    pub(super) fn switch(&self) -> Result<bool, ConfigError> {
        match self.text.to_ascii_lowercase().as_str() {
            "on" | "true" => Ok(true),
            "off" | "false" => Ok(false),
            _ => Err(self.error(format!("{:?} is not a switch (use on or off)", self.text))),
        }
    }

    /// A whole number of seconds, minutes, hours or days: `90s`, `15m`, `24h`, `7d`.
    pub(super) fn duration(&self) -> Result<Duration, ConfigError> {
        let invalid = || {
            self.error(format!(
                "{:?} is not a duration (use e.g. 90s, 15m, 24h or 7d)",
                self.text
            ))
        };
        let split = self
            .text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (digits, unit) = self.text.split_at(split);
        let unit_seconds: u64 = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 60 * 60,
            "d" => 24 * 60 * 60,
            _ => return Err(invalid()),
        };
        let count: u64 = digits.parse().map_err(|_| invalid())?;
        if count == 0 {
            return Err(self.error("must be longer than zero"));
        }
        // Lifetimes beyond a year are a typo, and would overflow date arithmetic if huge.
        const YEAR: u64 = 365 * 24 * 60 * 60;
        match count.checked_mul(unit_seconds) {
            Some(seconds) if seconds <= YEAR => Ok(Duration::from_secs(seconds)),
            _ => Err(self.error("must be at most 365d")),
        }
    }

    /// A decimal whole number.
    pub(super) fn number(&self) -> Result<usize, ConfigError> {
        self.text
            .parse()
            .map_err(|_| self.error(format!("{:?} is not a whole number", self.text)))
    }

    /// The comma-separated items, trimmed, without empty ones.
    pub(super) fn items(&self) -> impl Iterator<Item = &str> {
        self.text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
    }
}

/// The values one prefix (`doorstep.` or `entrystore.`) sets in the file.
#[derive(Default)]
struct Layer {
    scalars: HashMap<&'static str, Value>,
    bare: HashMap<&'static str, Value>,
    numbered: HashMap<&'static str, BTreeMap<usize, Value>>,
}

impl Layer {
    fn has_list(&self, name: &str) -> bool {
        self.bare.contains_key(name) || self.numbered.contains_key(name)
    }

    /// The bare value first, then `name.1`, `name.2`, …; an entry after a gap is an error
    /// because the operator lost the entry that fills it.
    fn list(&self, name: &str) -> Result<Vec<Value>, ConfigError> {
        let mut values: Vec<Value> = self.bare.get(name).cloned().into_iter().collect();
        for (expected, (&number, value)) in (1..).zip(self.numbered.get(name).into_iter().flatten())
        {
            if number == expected {
                values.push(value.clone());
                continue;
            }
            let rule = "list entries must be numbered 1, 2, 3… without gaps";
            return Err(value.error(if number == 0 {
                rule.to_owned()
            } else {
                let base = value.key.rsplit_once('.').map_or("", |(base, _)| base);
                format!("{rule} ({base}.{expected} is missing)")
            }));
        }
        Ok(values)
    }
}

/// The merged values of one configuration: the file's, then the environment's overrides.
pub(super) struct Source {
    origin: String,
    scalars: HashMap<&'static str, Value>,
    lists: HashMap<&'static str, Vec<Value>>,
}

impl Source {
    /// Reads the properties `text`, merges the prefixes and applies overrides from `env`.
    pub(super) fn read(
        origin: &str,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Source, ConfigError> {
        let [mut doorstep, mut entrystore] = read_layers(origin, text)?;
        let mut source = Source {
            origin: origin.to_owned(),
            scalars: HashMap::new(),
            lists: HashMap::new(),
        };
        for (name, shape) in known_keys() {
            let var = env_var(name);
            let from_env = env(&var).map(|text| Value {
                text: text.trim().to_owned(),
                key: format!("{PREFIX}{name}"),
                origin: format!("environment {var}"),
                line: None,
            });
            match shape {
                Shape::One => {
                    let value = from_env
                        .or_else(|| doorstep.scalars.remove(name))
                        .or_else(|| entrystore.scalars.remove(name));
                    if let Some(value) = value {
                        source.scalars.insert(name, value);
                    }
                }
                Shape::List => {
                    let values = match from_env {
                        Some(value) => vec![value],
                        None if doorstep.has_list(name) => doorstep.list(name)?,
                        None => entrystore.list(name)?,
                    };
                    source.lists.insert(name, values);
                }
            }
        }
        source.refuse_later()?;
        Ok(source)
    }

    /// The value of a one-value key, `None` when unset or empty.
    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.scalars
            .get(name)
            .filter(|value| !value.text.is_empty())
    }

    /// `parse` applied to the value of `name` when it is set.
    pub(super) fn parsed<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&Value) -> Result<T, ConfigError>,
    ) -> Result<Option<T>, ConfigError> {
        self.get(name).map(parse).transpose()
    }

    /// The values of a list key in order; each may hold several comma-separated items.
    pub(super) fn list(&self, name: &str) -> &[Value] {
        self.lists.get(name).map_or(&[], Vec::as_slice)
    }

    /// An error about a key that is not set.
    pub(super) fn missing(&self, name: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            origin: self.origin.clone(),
            line: None,
            key: Some(format!("{PREFIX}{name}")),
            message: message.into(),
        }
    }

    fn refuse_later(&self) -> Result<(), ConfigError> {
        match UNAVAILABLE_KEYS.iter().find_map(|name| self.get(name)) {
            Some(value) => Err(value.error(UNAVAILABLE)),
            None => Ok(()),
        }
    }
}

/// The file's values by prefix: `[doorstep, entrystore]`.
fn read_layers(origin: &str, text: &str) -> Result<[Layer; 2], ConfigError> {
    let mut layers: [Layer; 2] = Default::default();
    let text = super::escapes::join_surrogate_escapes(text);
    for line in PropertiesIter::new_with_encoding(text.as_bytes(), encoding_rs::UTF_8) {
        let line = line.map_err(|e| {
            let message = e.to_string();
            // The crate appends " (line_number = n)"; the line is reported our way.
            let message = message.split(" (line_number").next().unwrap_or_default();
            ConfigError {
                origin: origin.to_owned(),
                line: e.line_number(),
                key: None,
                message: message.to_owned(),
            }
        })?;
        let number = line.line_number();
        let LineContent::KVPair(key, text) = line.consume_content() else {
            continue;
        };
        let value = || Value {
            text: text.trim().to_owned(),
            key: key.clone(),
            origin: origin.to_owned(),
            line: Some(number),
        };
        let (layer, name) = if let Some(name) = key.strip_prefix(PREFIX) {
            (&mut layers[0], name)
        } else if let Some(name) = key.strip_prefix(ENTRYSTORE_PREFIX) {
            (&mut layers[1], name)
        } else if key
            .get(..PREFIX.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(PREFIX))
        {
            return Err(value().error(unknown_key(&key[PREFIX.len()..])));
        } else {
            continue;
        };
        match classify(name) {
            Some(Key::One(name)) => {
                layer.scalars.insert(name, value());
            }
            Some(Key::Bare(name)) => {
                layer.bare.insert(name, value());
            }
            Some(Key::Item(name, number)) => {
                let items = layer.numbered.entry(name).or_default();
                items.insert(number, value());
            }
            // EntryStore's own keys share its file: only doorstep's namespace is checked.
            None if key.starts_with(ENTRYSTORE_PREFIX) => {}
            None => return Err(value().error(unknown_key(name))),
        }
    }
    Ok(layers)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names() {
        assert_eq!(env_var("auth.signup"), "DOORSTEP_AUTH_SIGNUP");
        assert_eq!(
            env_var("auth.signup.confirm.on-get"),
            "DOORSTEP_AUTH_SIGNUP_CONFIRM_ON_GET"
        );
        assert_eq!(env_var("base-url"), "DOORSTEP_BASE_URL");
    }

    #[test]
    fn env_var_names_are_distinct() {
        let mut vars: Vec<String> = known_keys().map(|(name, _)| env_var(name)).collect();
        let count = vars.len();
        vars.sort();
        vars.dedup();
        assert_eq!(vars.len(), count);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("auth.sigunp", "auth.signup"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            unknown_key("auth.signup.whitelist.subdomain"),
            "unknown key; did you mean doorstep.auth.signup.whitelist.subdomains?"
        );
        assert_eq!(
            unknown_key("Auth.Signup"),
            "unknown key; did you mean doorstep.auth.signup?"
        );
        assert_eq!(unknown_key("completely.different"), "unknown key");
    }

    #[test]
    fn classification() {
        assert!(matches!(
            classify("auth.signup"),
            Some(Key::One("auth.signup"))
        ));
        assert!(matches!(
            classify("auth.signup.whitelist"),
            Some(Key::Bare("auth.signup.whitelist"))
        ));
        assert!(matches!(
            classify("auth.signup.whitelist.12"),
            Some(Key::Item("auth.signup.whitelist", 12))
        ));
        assert!(matches!(
            classify("auth.signup.whitelist.01"),
            Some(Key::Item(_, 0))
        ));
        assert!(matches!(
            classify("trusted-proxies.1"),
            Some(Key::Item("trusted-proxies", 1))
        ));
        assert!(classify("auth.signup.1").is_none());
        assert!(classify("auth.signup.whitelist.").is_none());
        assert!(classify("auth.signup.whitelist.x").is_none());
    }

    fn value(text: &str) -> Value {
        Value {
            text: text.to_owned(),
            key: "doorstep.k".to_owned(),
            origin: "f".to_owned(),
            line: Some(1),
        }
    }

    #[test]
    fn switches() {
        for (text, expected) in [
            ("on", true),
            ("ON", true),
            ("true", true),
            ("Off", false),
            ("false", false),
        ] {
            assert_eq!(value(text).switch().unwrap(), expected, "{text}");
        }
        assert_eq!(
            value("yes").switch().unwrap_err().to_string(),
            "f:1: doorstep.k: \"yes\" is not a switch (use on or off)"
        );
    }

    #[test]
    fn durations() {
        let secs = |text| value(text).duration().unwrap().as_secs();
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("15m"), 900);
        assert_eq!(secs("24h"), 86_400);
        assert_eq!(secs("7d"), 604_800);
        assert!(value("366d").duration().is_err());
        assert!(value("99999999999999999d").duration().is_err());
        for bad in [
            "24x",
            "24",
            "h",
            "1.5h",
            "-1h",
            "+1h",
            "1 h",
            "99999999999999999999d",
            "1hh",
        ] {
            let message = value(bad).duration().unwrap_err().message;
            assert!(
                message.ends_with("is not a duration (use e.g. 90s, 15m, 24h or 7d)"),
                "{bad}"
            );
        }
        assert_eq!(
            value("0s").duration().unwrap_err().message,
            "must be longer than zero"
        );
    }

    #[test]
    fn numbers_and_items() {
        assert_eq!(value("12").number().unwrap(), 12);
        assert_eq!(
            value("x").number().unwrap_err().message,
            "\"x\" is not a whole number"
        );
        assert_eq!(
            value(" a, b ,,c,").items().collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }
}
