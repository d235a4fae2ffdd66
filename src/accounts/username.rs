//! Usernames: public names an account may sign in with beside its address.
//!
//! 3 to 32 characters of `a-z`, `0-9`, `.`, `_` and `-`, starting with a letter or digit,
//! compared lower-cased, never a reserved name. A username is claimed when the account is
//! created (confirmation), relying on the unique `username_key` index, not before: a sign-up
//! that is never confirmed holds no name.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::config::{UsernameMode, Usernames};
use crate::entities::account;
use crate::error::Error;

pub const MIN_LENGTH: usize = 3;
pub const MAX_LENGTH: usize = 32;

/// The rule as a regular expression, for front-ends and the API description.
pub const PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$";

/// A well-formed username that is not reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    typed: String,
    key: String,
}

impl Username {
    /// Checks a username as typed (surrounding spaces dropped): `invalid` when malformed,
    /// `reserved` when the operator keeps it.
    pub fn parse(text: &str, reserved: &[String]) -> Result<Username, &'static str> {
        let typed = text.trim();
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"._-".contains(&b);
        let well_formed = (MIN_LENGTH..=MAX_LENGTH).contains(&typed.len())
            && typed.bytes().all(allowed)
            && typed
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !well_formed {
            return Err("invalid");
        }
        let key = typed.to_ascii_lowercase();
        if reserved.contains(&key) {
            return Err("reserved");
        }
        Ok(Username {
            typed: typed.to_owned(),
            key,
        })
    }

    /// As the person typed it: how it is shown.
    pub fn as_typed(&self) -> &str {
        &self.typed
    }

    /// Lower-cased: how it is compared.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The username a sign-up asks for, as `doorstep.auth.username` wants it: none when usernames
/// are off (whatever was sent), `required` when one must be given and none was.
pub fn asked_for(settings: &Usernames, text: &str) -> Result<Option<Username>, &'static str> {
    match settings.mode {
        UsernameMode::Off => Ok(None),
        _ if !text.trim().is_empty() => Username::parse(text, &settings.reserved).map(Some),
        UsernameMode::Optional => Ok(None),
        UsernameMode::Required => Err("required"),
    }
}

/// The account that holds a username, compared lower-cased.
pub async fn holder(
    conn: &impl ConnectionTrait,
    username: &Username,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::UsernameKey.eq(username.key()))
        .one(conn)
        .await
}

/// Whether a well-formed, unreserved username is still free.
pub async fn is_available(conn: &impl ConnectionTrait, username: &Username) -> Result<bool, DbErr> {
    Ok(holder(conn, username).await?.is_none())
}

/// Whether a username typed into a sign-up form could be had now: `invalid_request` when it
/// is missing or malformed, `false` when reserved or held by an account.
pub async fn availability(
    conn: &impl ConnectionTrait,
    settings: &Usernames,
    text: &str,
) -> Result<bool, Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid("username", "required"));
    }
    match Username::parse(text, &settings.reserved) {
        Ok(username) => Ok(is_available(conn, &username).await?),
        Err("reserved") => Ok(false),
        Err(reason) => Err(Error::invalid("username", reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserved() -> Vec<String> {
        Usernames::default().reserved
    }

    #[test]
    fn well_formed_names() {
        for name in ["ada", "Ada.Lovelace", "a_1-b", "007", &"x".repeat(32)] {
            let username = Username::parse(name, &reserved()).unwrap();
            assert_eq!(username.as_typed(), name);
            assert_eq!(username.key(), name.to_ascii_lowercase());
        }
        assert_eq!(
            Username::parse("  grace ", &reserved()).unwrap().as_typed(),
            "grace"
        );
    }

    #[test]
    fn malformed_names() {
        for name in [
            "",
            "ab",
            ".ada",
            "_ada",
            "-ada",
            "ada lovelace",
            "ada@example.com",
            "åsa",
            "ada/x",
            "ad\na",
            "ad\u{0}a",
            &"x".repeat(33),
        ] {
            assert_eq!(
                Username::parse(name, &reserved()),
                Err("invalid"),
                "{name:?}"
            );
        }
    }

    #[test]
    fn reserved_names_in_any_case() {
        for name in ["admin", "Admin", "ROOT", "postmaster", "www"] {
            assert_eq!(
                Username::parse(name, &reserved()),
                Err("reserved"),
                "{name}"
            );
        }
        assert!(Username::parse("admins", &reserved()).is_ok());
    }

    #[test]
    fn the_mode_decides_whether_one_is_asked_for() {
        let mut settings = Usernames::default();
        assert_eq!(asked_for(&settings, "ada"), Ok(None));
        assert_eq!(asked_for(&settings, "!!"), Ok(None));
        settings.mode = UsernameMode::Optional;
        assert_eq!(asked_for(&settings, " "), Ok(None));
        assert_eq!(asked_for(&settings, "ada").unwrap().unwrap().key(), "ada");
        assert_eq!(asked_for(&settings, "a"), Err("invalid"));
        settings.mode = UsernameMode::Required;
        assert_eq!(asked_for(&settings, ""), Err("required"));
        assert_eq!(asked_for(&settings, "admin"), Err("reserved"));
    }
}
