//! Usernames (`doorstep.auth.username`, `doorstep.auth.username.reserved[.n]`).

use super::ConfigError;
use super::properties::{Source, Value};
use super::values::each_item;

/// Names nobody may take when the operator lists none: they look like the service speaking.
pub const DEFAULT_RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "postmaster",
    "hostmaster",
    "webmaster",
    "abuse",
    "support",
    "security",
    "noreply",
    "system",
    "api",
    "www",
];

/// Whether sign-up takes a `username`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsernameMode {
    Off,
    Optional,
    Required,
}

impl UsernameMode {
    /// The mode as the configuration and the discovery document spell it.
    pub fn name(self) -> &'static str {
        match self {
            UsernameMode::Off => "off",
            UsernameMode::Optional => "optional",
            UsernameMode::Required => "required",
        }
    }

    pub fn is_on(self) -> bool {
        self != UsernameMode::Off
    }
}

/// Username settings.
#[derive(Debug, Clone)]
pub struct Usernames {
    pub mode: UsernameMode,
    /// Lower-case names refused as usernames; the operator's list replaces the default one.
    pub reserved: Vec<String>,
}

impl Default for Usernames {
    fn default() -> Usernames {
        Usernames {
            mode: UsernameMode::Off,
            reserved: DEFAULT_RESERVED
                .iter()
                .map(|&name| name.to_owned())
                .collect(),
        }
    }
}

pub(super) fn usernames(source: &Source, defaults: &Usernames) -> Result<Usernames, ConfigError> {
    let values = source.list("auth.username.reserved");
    Ok(Usernames {
        mode: source
            .parsed("auth.username", mode)?
            .unwrap_or(defaults.mode),
        reserved: if values.is_empty() {
            defaults.reserved.clone()
        } else {
            each_item(values, reserved_name)?
        },
    })
}

fn mode(value: &Value) -> Result<UsernameMode, ConfigError> {
    match value.text.to_ascii_lowercase().as_str() {
        "off" | "false" => Ok(UsernameMode::Off),
        "optional" => Ok(UsernameMode::Optional),
        "required" => Ok(UsernameMode::Required),
        _ => Err(value.error(format!(
            "{:?} is not a username mode (use off, optional or required)",
            value.text
        ))),
    }
}

/// A reserved name, compared lower-cased like usernames; one that no username could ever be
/// is a typo the operator wants to hear about.
fn reserved_name(text: &str) -> Result<String, String> {
    let name = text.to_ascii_lowercase();
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        Ok(name)
    } else {
        Err(format!(
            "{text:?} is not a username (use letters, digits, '.', '_' and '-')"
        ))
    }
}
