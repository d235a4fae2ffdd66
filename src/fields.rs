//! Helpers for request fields, shared by every body type whatever layer reads it.

use serde::Deserialize as _;
use serde::de::Error as _;

/// What `text` says of a NUL character, so the body parser can name the reason.
pub const NUL_REFUSED: &str = "a text field contains a NUL character";

/// A yes/no field: JSON `true`/`false` (or `null`), or a form's `true`, `on`, `1` (and
/// `false`, `off`, `0` or empty for no).
pub fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Option::<Flag>::deserialize(deserializer)? {
        None => Ok(false),
        Some(Flag::Bool(flag)) => Ok(flag),
        Some(Flag::Text(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "1" => Ok(true),
            "false" | "off" | "0" | "" => Ok(false),
            _ => Err(D::Error::custom("not a yes/no value")),
        },
    }
}

/// A text field where JSON `null` means the same as leaving it out.
///
/// NUL is refused here, before anything reaches the database: PostgreSQL rejects it in text,
/// and no name, address, password or token of ours contains one.
pub fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?.unwrap_or_default();
    if text.contains('\0') {
        return Err(D::Error::custom(NUL_REFUSED));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Form {
        #[serde(default, deserialize_with = "super::flag")]
        yes: bool,
    }

    #[test]
    fn flags_read_json_booleans_and_form_words() {
        let json = |body: &str| serde_json::from_str::<Form>(body).map(|form| form.yes).ok();
        assert_eq!(json(r#"{"yes":true}"#), Some(true));
        assert_eq!(json(r#"{"yes":false}"#), Some(false));
        assert_eq!(json(r#"{"yes":null}"#), Some(false));
        assert_eq!(json("{}"), Some(false));
        assert_eq!(json(r#"{"yes":"maybe"}"#), None);
        let form = |body: &str| serde_urlencoded::from_str::<Form>(body).map(|f| f.yes).ok();
        assert_eq!(form("yes=on"), Some(true));
        assert_eq!(form("yes=0"), Some(false));
        assert_eq!(form(""), Some(false));
        assert_eq!(form("yes=2"), None);
    }
}
